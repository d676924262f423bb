"""Attachments found in what WordPress hands over (uploads/ tree, media-library archive, .zip)
and every reference to them in posts pointed at the library."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.media.models import Image
from blog.models import Post
from blog.wordpress import embeds, shortcodes, wxr
from blog.wordpress import services as wordpress_services
from blog.wordpress.attachments import Attachment, AttachmentIndex
from blog.wordpress.references import References
from tests.blog.wordpress import wxr_samples as samples
from tests.blog.wordpress.media_samples import OLD, attachment, picture, run_import, uploads_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path):
    return uploads_tree(
        tmp_path / "uploads",
        {
            "2019/03/photo.jpg": (400, 300),
            "2019/04/photo.jpg": (200, 100),
            "2019/03/map.jpg": (64, 64),
        },
    )


def body_of(wp_id=1):
    return Post.objects.get(slug=f"p{wp_id}").body


def post(wp_id, body, **fields):
    return samples.item(wp_id, f"Post {wp_id}", slug=f"p{wp_id}", body=body, **fields)


# --- finding the files ---------------------------------------------------------------------


def test_two_attachments_with_the_same_name_in_different_months_get_their_own_file(uploads):
    run_import(attachment(50, "2019/03/photo.jpg", title="March"),
               attachment(51, "2019/04/photo.jpg", title="April"), media_dir=uploads)  # fmt: skip
    sizes = {image.title: (image.width, image.height) for image in Image.objects.all()}
    assert sizes == {"March": (400, 300), "April": (200, 100)}


def test_uploads_tree_under_wp_content_is_found_by_its_path(tmp_path):
    uploads_tree(tmp_path / "wp-content" / "uploads", {"2019/03/photo.jpg": (400, 300)})
    report = run_import(attachment(50, "2019/03/photo.jpg"), media_dir=tmp_path)
    assert Image.objects.get().width == 400
    assert report.counts["images"]["created"] == 1


def test_flat_media_library_folder_is_found_by_name(tmp_path):
    picture(tmp_path / "photo.jpg", (320, 240))
    run_import(attachment(50, "2019/03/photo.jpg"), media_dir=tmp_path)
    assert Image.objects.get().width == 320


def test_media_library_zip_is_read_without_unpacking(tmp_path, uploads):
    archive = tmp_path / "media.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(uploads / "2019/04/photo.jpg", "export/2019/04/photo.jpg")
        out.write(uploads / "2019/03/photo.jpg", "export/2019/03/photo.jpg")
    run_import(attachment(51, "2019/04/photo.jpg"), media_dir=archive)
    assert (Image.objects.get().width, Image.objects.get().height) == (200, 100)


def test_wordpress_com_address_without_attached_file_meta_is_found(uploads):
    url = "https://oldblog.files.wordpress.com/2019/04/photo.jpg"
    run_import(attachment(51, "2019/04/photo.jpg", url=url, attached_meta=False), media_dir=uploads)
    assert Image.objects.get().width == 200


def test_a_name_two_files_share_is_not_guessed_and_the_report_says_why(uploads):
    report = run_import(attachment(52, "2018/01/photo.jpg"), media_dir=uploads)
    assert Image.objects.count() == 0
    assert (f"File 2018/01/photo.jpg not found: 2 files in the media folder bear its name; "
            f"kept its address {OLD}/2018/01/photo.jpg") in report.problems  # fmt: skip


def test_attachment_words_come_with_the_image(uploads):
    run_import(
        attachment(50, "2019/03/photo.jpg", title="Harbour", excerpt="The harbour at dawn",
                   body="Taken from the ferry.", meta=[("_wp_attachment_image_alt", "Boats")]),
        media_dir=uploads,
    )  # fmt: skip
    image = Image.objects.get()
    assert (image.title, image.caption, image.description, image.alt_text) == (
        "Harbour", "The harbour at dawn", "Taken from the ferry.", "Boats",
    )  # fmt: skip


# --- references in posts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        f"{OLD}/2019/03/photo-150x150.jpg",
        "https://oldblog.example/wp-content/uploads/2019/03/photo-150x150.jpg",
        "/wp-content/uploads/2019/03/photo.jpg",
        "https://oldblog.files.wordpress.com/2019/03/photo.jpg?w=300&h=225",
        f"{OLD}/2019/03/photo-scaled.jpg",
    ],
)
def test_img_of_any_size_variant_becomes_the_library_image(uploads, src):
    run_import(attachment(50, "2019/03/photo.jpg"), post(1, f'<img src="{src}" alt="Dawn">'),
               media_dir=uploads)  # fmt: skip
    image = Image.objects.get()
    assert f'<img data-file="{image.pk}" src="{image.file.url}" alt="Dawn">' in body_of()


def test_img_found_by_its_srcset_or_wp_image_class(uploads):
    srcset = f'<img src="https://cdn.example/x.jpg" srcset="{OLD}/2019/04/photo-150x150.jpg 150w">'
    by_class = '<img class="size-medium wp-image-50" src="https://cdn.example/y.jpg">'
    run_import(attachment(50, "2019/03/photo.jpg"), attachment(51, "2019/04/photo.jpg"),
               post(1, srcset + "\n\n" + by_class), media_dir=uploads)  # fmt: skip
    ids = dict(Image.objects.values_list("title", "pk"))
    body = body_of()
    assert f'data-file="{ids["photo.jpg"]}"' in body and "cdn.example" not in body
    assert body.count("data-file=") == 2


def test_links_to_the_file_and_the_attachment_page_point_at_the_library(uploads):
    text = (f'<a href="{OLD}/2019/03/photo.jpg"><img src="{OLD}/2019/03/photo-150x150.jpg"></a> '
            '<a href="http://oldblog.example/?attachment_id=50">page</a> '
            '<a href="http://oldblog.example/2019/03/harbour/photo/">old page</a>')  # fmt: skip
    run_import(attachment(50, "2019/03/photo.jpg", link="http://oldblog.example/2019/03/harbour/photo/"),
               post(1, text), media_dir=uploads)  # fmt: skip
    image = Image.objects.get()
    body = body_of()
    assert f'<a href="{image.file.url}"' in body
    assert body.count(f'<a href="{image.get_absolute_url()}"') == 2
    assert "oldblog.example" not in body


def test_caption_shortcode_image_becomes_a_library_figure(uploads):
    caption = (
        f'[caption id="attachment_50" width="300"]<img class="wp-image-50" '
        f'src="{OLD}/2019/03/photo-150x150.jpg" alt="Boats"> Harbour at dawn[/caption]'
    )
    run_import(attachment(50, "2019/03/photo.jpg"), post(1, caption), media_dir=uploads)
    image = Image.objects.get()
    assert body_of() == (f'<figure><img data-file="{image.pk}" src="{image.file.url}" alt="Boats">'
                         "<figcaption>Harbour at dawn</figcaption></figure>")  # fmt: skip


def test_gallery_block_inner_image_blocks_name_their_attachment(uploads):
    block = ('<!-- wp:gallery {"linkTo":"none"} --><figure class="wp-block-gallery has-nested-images '
             'columns-default"><!-- wp:image {"id":51,"sizeSlug":"large"} --><figure class="wp-block-image">'
             '<img src="https://elsewhere.example/a.jpg" alt=""/></figure><!-- /wp:image --></figure>'
             "<!-- /wp:gallery -->")  # fmt: skip
    run_import(attachment(51, "2019/04/photo.jpg"), post(1, block), media_dir=uploads)
    assert f'data-file="{Image.objects.get().pk}"' in body_of()
    assert "elsewhere.example" not in body_of()


def test_featured_image_comes_from_thumbnail_id(uploads):
    run_import(post(1, "Text.", meta=[("_thumbnail_id", "51")]),
               attachment(51, "2019/04/photo.jpg", parent=1), media_dir=uploads)  # fmt: skip
    assert Post.objects.get().featured_media == Image.objects.get()


def test_missing_images_stay_and_the_report_names_them_under_their_post(uploads):
    text = (f'<img src="{OLD}/2020/01/gone-300x200.jpg"> <img src="{OLD}/2019/03/photo.jpg">'
            f'<img src="{OLD}/2020/01/gone.jpg">')  # fmt: skip
    report = run_import(attachment(50, "2019/03/photo.jpg"), post(1, text), media_dir=uploads)
    assert f'<img src="{OLD}/2020/01/gone-300x200.jpg">' in body_of()
    assert "Post “Post 1” (ID 1): missing media: 2020/01/gone.jpg" in report.problems


def test_other_sites_uploads_are_not_taken_for_ours(uploads):
    text = '<img src="https://other.example/wp-content/uploads/2019/03/photo.jpg">'
    report = run_import(attachment(50, "2019/03/photo.jpg"), post(1, text), media_dir=uploads)
    assert "other.example" in body_of() and "data-file" not in body_of()
    assert not any("missing media" in line for line in report.problems)


def test_second_import_keeps_one_image_and_the_references(uploads):
    parts = [attachment(50, "2019/03/photo.jpg"), post(1, f'<img src="{OLD}/2019/03/photo.jpg">')]
    run_import(*parts, media_dir=uploads)
    run_import(*parts, media_dir=uploads)
    assert Image.objects.count() == 1
    assert f'data-file="{Image.objects.get().pk}"' in body_of()


def test_command_with_a_media_dir_that_is_not_there_stops_with_a_clear_error(tmp_path):
    export = tmp_path / "export.xml"
    export.write_bytes(samples.export(attachment(50, "2019/03/photo.jpg")))
    with pytest.raises(CommandError, match="The media folder .*/nowhere does not exist"):
        call_command("import_wordpress", str(export), media_dir=str(tmp_path / "nowhere"))
    assert Image.objects.count() == 0


def test_command_with_a_media_file_that_is_not_a_zip_stops_with_a_clear_error(tmp_path):
    export = tmp_path / "export.xml"
    export.write_bytes(samples.export(attachment(50, "2019/03/photo.jpg")))
    (tmp_path / "media.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="is not a readable .zip file"):
        call_command("import_wordpress", str(export), media_dir=str(tmp_path / "media.zip"))


@settings(deadline=None, max_examples=60)
@given(
    text=st.text(
        alphabet=st.sampled_from(list('[]/="<>p ahttps:/x.jpg\n-0123')) | st.characters(),
        max_size=300,
    )
)
def test_any_post_text_imports_without_error(text):
    index = AttachmentIndex()
    index.add(50, Attachment("2019/03/photo.jpg", image_id=None), f"{OLD}/2019/03/photo.jpg", "")
    context = shortcodes.Context(post_id=1, images=lambda ids: [(i, None) for i in ids],
                                 children=index.children, file_url=lambda what: "",
                                 missing=lambda wp_id: None)  # fmt: skip
    html = shortcodes.expand(embeds.autoembed(text, context.cards), context)
    refs = References(index)
    assert refs.wanted_images(html) == set()
    assert isinstance(refs.rewrite(html), str)


def test_report_gives_one_line_per_post_with_its_missing_media_and_unknown_shortcodes(uploads):
    text = f'<img src="{OLD}/2020/01/gone.jpg">\n\n[contact-form id="2"]\n\n[gallery ids="60"]'
    report = run_import(post(1, text), attachment(60, "2020/02/lost.jpg"), media_dir=uploads)
    assert ("Post “Post 1” (ID 1): missing media: 2020/02/lost.jpg, 2020/01/gone.jpg; "
            "unknown shortcodes: [contact-form]") in report.problems  # fmt: skip


def stored_files(settings):
    return sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_dry_run_leaves_no_file_behind(uploads, settings):
    (uploads / "2019/03/talk.mp3").write_bytes(b"ID3")
    report = run_import(attachment(50, "2019/03/photo.jpg"), attachment(70, "2019/03/talk.mp3"),
                        media_dir=uploads, dry_run=True)  # fmt: skip
    assert report.counts["images"]["created"] == 1 and report.counts["files"]["created"] == 1
    assert stored_files(settings) == []


def test_export_cut_short_after_its_attachments_leaves_no_file_behind(uploads, settings):
    data = samples.export(attachment(50, "2019/03/photo.jpg"), post(1, "Text"))
    with pytest.raises(wxr.WxrError):
        wordpress_services.wordpress_import(source=io.BytesIO(data[:-40]), media_dir=uploads)
    assert stored_files(settings) == [] and Image.objects.count() == 0


def test_import_without_files_then_with_them_brings_the_images_into_the_posts(uploads):
    parts = [attachment(50, "2019/03/photo.jpg"), post(1, f'<img src="{OLD}/2019/03/photo.jpg">')]
    run_import(*parts)
    assert "data-file" not in body_of()
    run_import(*parts, media_dir=uploads)
    assert f'data-file="{Image.objects.get().pk}"' in body_of()
