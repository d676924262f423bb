"""[gallery], [audio], [video], [playlist] and unknown shortcodes in imported posts."""

import re
import time

import pytest
from django.core.files.storage import default_storage

from blog.media.models import Image
from blog.models import Post
from blog.wordpress import shortcodes
from tests.blog.wordpress import wxr_samples as samples
from tests.blog.wordpress.media_samples import OLD, attachment, run_import, uploads_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path):
    root = uploads_tree(tmp_path / "uploads", {f"2019/03/p{n}.jpg": (300, 200) for n in (1, 2, 3)})
    (root / "2019/03/talk.mp3").write_bytes(b"ID3 not really an mp3")
    (root / "2019/03/clip.mp4").write_bytes(b"not really a video")
    return root


def photos(parent=1):
    """Three image attachments of post 1 (menu order 3, 1, 2) with captions."""
    return [
        attachment(50 + n, f"2019/03/p{n}.jpg", parent=parent, title=f"Photo {n}",
                   excerpt=f"Caption {n}", menu_order=order)
        for n, order in ((1, 3), (2, 1), (3, 2))
    ]  # fmt: skip


def body_with(text, *parts, media_dir=None):
    report = run_import(samples.item(1, "Post 1", slug="p1", body=text), *parts,
                        media_dir=media_dir)  # fmt: skip
    return Post.objects.get(slug="p1").body, report


def gallery_order(body):
    titles = dict(Image.objects.values_list("pk", "title"))
    return [titles[int(pk)] for pk in re.findall(r'data-file="(\d+)"', body)]


def test_gallery_with_ids_is_a_grid_of_linked_captioned_library_images(uploads):
    body, _ = body_with('[gallery ids="53,51" columns="2" link="file"]', *photos(),
                        media_dir=uploads)  # fmt: skip
    image = Image.objects.get(title="Photo 3")
    assert body.strip().startswith(
        '<figure class="gallery gallery-columns-2 gallery-size-thumbnail">'
    )
    assert (f'<figure class="gallery-item"><a href="{image.file.url}" rel="noopener">'
            f'<img data-file="{image.pk}"' in body)  # fmt: skip
    assert "<figcaption>Caption 3</figcaption>" in body
    assert gallery_order(body) == ["Photo 3", "Photo 1"]


def test_gallery_without_ids_shows_the_posts_attached_images_in_menu_order(uploads):
    body, _ = body_with("Before.\n\n[gallery]\n\nAfter.", *photos(), media_dir=uploads)
    assert gallery_order(body) == ["Photo 2", "Photo 3", "Photo 1"]
    assert "<p>[gallery" not in body and "<p>After.</p>" in body
    assert f'<a href="{Image.objects.get(title="Photo 2").get_absolute_url()}"' in body


def test_gallery_orderby_title_descending_and_size(uploads):
    body, _ = body_with('[gallery orderby="title" order="DESC" size="medium" columns="4"]',
                        *photos(), media_dir=uploads)  # fmt: skip
    assert gallery_order(body) == ["Photo 3", "Photo 2", "Photo 1"]
    assert 'class="gallery gallery-columns-4 gallery-size-medium"' in body


def test_gallery_link_none_has_no_links(uploads):
    body, _ = body_with('[gallery ids="51" link="none"]', *photos(), media_dir=uploads)
    assert "<a " not in body and 'data-file="' in body and 'alt=""' in body


def test_gallery_link_without_alt_text_is_named_by_the_image_title(uploads):
    body, _ = body_with('[gallery ids="51"]', *photos(), media_dir=uploads)
    assert 'alt="Photo 1"' in body


def test_gallery_image_not_found_is_left_out_and_reported(uploads):
    body, report = body_with('[gallery ids="51,60"]', *photos(),
                             attachment(60, "2020/01/gone.jpg"), media_dir=uploads)  # fmt: skip
    assert gallery_order(body) == ["Photo 1"]
    assert "Post “Post 1” (ID 1): missing media: 2020/01/gone.jpg" in report.problems


def test_escaped_shortcode_is_its_text():
    body, report = body_with("Type [[gallery]] to show a gallery.")
    assert body == "<p>Type [gallery] to show a gallery.</p>"
    assert not any("shortcodes" in line for line in report.problems)


def test_unknown_shortcodes_stay_as_text_and_are_listed_per_post():
    text = ('[contact-form-7 id="3" title="Contact"]\n\nHe said it [sic] twice.\n\n'
            "[youtube https://www.youtube.com/watch?v=abc]\n\n[pullquote]Words[/pullquote]")  # fmt: skip
    body, report = body_with(text)
    assert '[contact-form-7 id="3" title="Contact"]' in body and "[sic]" in body
    assert ("Post “Post 1” (ID 1): unknown shortcodes: [contact-form-7], [youtube], [pullquote]"
            in report.problems)  # fmt: skip


def test_audio_and_video_files_are_kept_in_media_storage(uploads):
    run_import(attachment(70, "2019/03/talk.mp3"), attachment(71, "2019/03/clip.mp4"),
               media_dir=uploads)  # fmt: skip
    assert default_storage.open("wordpress/2019/03/talk.mp3").read() == b"ID3 not really an mp3"
    assert default_storage.exists("wordpress/2019/03/clip.mp4")


# --- conversion level: the sanitiser lets <audio>/<video> through once blog.sanitize does ----


def context(files=None, children=()):
    files = files or {}
    return shortcodes.Context(
        post_id=1, images=lambda ids: [(i, None) for i in ids], children=lambda _p, _types=None: list(children),
        file_url=lambda what: files.get(what, ""), missing=lambda wp_id: None,
    )  # fmt: skip


def test_video_shortcode_becomes_a_video_element_with_the_stored_file():
    url = f"{OLD}/2019/03/clip.mp4"
    html = shortcodes.expand(
        f'<p>[video width="640" height="360" mp4="{url}" loop="on"][/video]</p>',
        context({url: "/media/wordpress/2019/03/clip.mp4"}),
    )
    assert html == (
        '\n<video controls loop preload="metadata" width="640" height="360">'
        '<source src="/media/wordpress/2019/03/clip.mp4" type="video/mp4">'
        '<a href="/media/wordpress/2019/03/clip.mp4">/media/wordpress/2019/03/clip.mp4</a>'
        "</video>\n"
    )


def test_audio_shortcode_without_src_plays_the_posts_first_audio_file():
    html = shortcodes.expand("[audio]", context({70: "/media/wordpress/talk.mp3"}, children=[70]))
    assert html.startswith('<audio controls preload="none"><source src="/media/wordpress/talk.mp3" '
                           'type="audio/mpeg">')  # fmt: skip


def test_audio_shortcode_of_a_file_not_brought_keeps_its_address():
    url = f"{OLD}/2020/01/gone.mp3"
    assert f'<source src="{url}" type="audio/mpeg">' in shortcodes.expand(
        f'[audio src="{url}"]', context()
    )


def test_playlist_lists_each_file_with_a_player():
    files = {70: "/media/wordpress/a.mp3", 71: "/media/wordpress/b.mp3"}
    html = shortcodes.expand('[playlist ids="71,70"]', context(files))
    assert html == (
        '<figure class="playlist"><ol>'
        '<li><audio controls preload="none" src="/media/wordpress/b.mp3"></audio>'
        '<a href="/media/wordpress/b.mp3">b.mp3</a></li>'
        '<li><audio controls preload="none" src="/media/wordpress/a.mp3"></audio>'
        '<a href="/media/wordpress/a.mp3">a.mp3</a></li></ol></figure>'
    )


def test_text_with_thousands_of_brackets_is_read_in_one_pass():
    started = time.perf_counter()
    html = shortcodes.expand("[a] said [b x=1] " * 8000 + "[[c]" * 8000, context())
    assert time.perf_counter() - started < 5  # each bracket once (was 132 s: once per bracket)
    assert html.startswith("[a] said [b x=1] [a]")


def test_attribute_parsing_follows_shortcode_parse_atts():
    assert shortcodes.parse_attributes(' ids="1,2" columns=4 link=\'file\' https://x.example/') == {
        "ids": "1,2", "columns": "4", "link": "file", 0: "https://x.example/",
    }  # fmt: skip


def test_gallery_and_playlist_without_ids_take_only_the_posts_files_of_their_kind(uploads):
    body, report = body_with("[gallery]\n\n[playlist]", *photos(),
                             attachment(70, "2019/03/talk.mp3", parent=1), media_dir=uploads)  # fmt: skip
    assert gallery_order(body) == ["Photo 2", "Photo 3", "Photo 1"]
    assert "talk.mp3" in body  # the playlist (its <audio> waits for the sanitiser's change)
    assert not any("missing media" in line for line in report.problems)
