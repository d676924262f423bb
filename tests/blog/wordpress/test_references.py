"""Addresses of uploaded files in a post's HTML, resolved against the export's attachments."""

import pytest

from blog.wordpress.attachments import Attachment, AttachmentIndex
from blog.wordpress.references import References
from blog.wordpress.uploads import attachment_path, original_path, uploads_path
from tests.blog.wordpress.media_samples import OLD

STORED = "/media/wordpress/2019/03/clip.mp4"


@pytest.fixture
def index():
    index = AttachmentIndex()
    index.add(70, Attachment("2019/03/clip.mp4", file_url=STORED), f"{OLD}/2019/03/clip.mp4",
              "http://oldblog.example/2019/03/launch/clip/")  # fmt: skip
    index.add(71, Attachment("2019/03/gone.mp3"), f"{OLD}/2019/03/gone.mp3", "")
    return index


def test_video_and_source_elements_play_the_stored_copy(index):
    html = (f'<video controls src="{OLD}/2019/03/clip.mp4"><source src="{OLD}/2019/03/clip.mp4" '
            'type="video/mp4"></video>')  # fmt: skip
    assert References(index).rewrite(html) == (
        f'<video controls src="{STORED}"><source src="{STORED}" type="video/mp4"></video>'
    )


def test_link_to_a_files_attachment_page_goes_to_the_file(index):
    html = '<a href="http://oldblog.example/2019/03/launch/clip/">the clip</a>'
    assert References(index).rewrite(html) == f'<a href="{STORED}">the clip</a>'


def test_audio_not_brought_keeps_its_address_and_is_missing(index):
    refs = References(index)
    html = f"<audio src='{OLD}/2019/03/gone.mp3'></audio>"
    assert refs.rewrite(html) == html
    assert refs.missing() == ["2019/03/gone.mp3"]


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (f"{OLD}/2019/03/photo-1024x683.jpg", "2019/03/photo-1024x683.jpg"),
        ("/wp-content/uploads/sites/4/2019/03/photo.jpg", "2019/03/photo.jpg"),
        (
            "https://i0.wp.com/oldblog.example/wp-content/uploads/2019/03/a.jpg?w=640",
            "2019/03/a.jpg",
        ),
        ("https://news.files.wordpress.com/2019/03/photo.jpg?w=300", "2019/03/photo.jpg"),
        ("https://oldblog.example/2019/03/photo.jpg", None),
        ("http://[::1", None),
    ],
)
def test_uploads_path_of_an_address(url, path):
    assert uploads_path(url) == path


@pytest.mark.parametrize(
    ("path", "original"),
    [
        ("2019/03/photo-300x200.jpg", "2019/03/photo.jpg"),
        ("2019/03/photo-scaled.jpg", "2019/03/photo.jpg"),
        ("2019/03/photo-scaled-150x150.jpg", "2019/03/photo.jpg"),
        ("2019/03/photo-e1552046912345-300x200.jpg", "2019/03/photo.jpg"),
        ("2019/03/photo-2.jpg", "2019/03/photo-2.jpg"),
    ],
)
def test_original_of_a_size_variant(path, original):
    assert original_path(path) == original


def test_attachment_path_prefers_the_attached_file_meta():
    assert attachment_path("2019/03/photo.jpg", f"{OLD}/2020/01/other.jpg") == "2019/03/photo.jpg"
    assert attachment_path("", "https://news.files.wordpress.com/2019/03/a.jpg") == "2019/03/a.jpg"


def test_rewritten_image_keeps_its_alignment_but_not_its_old_id():
    index = AttachmentIndex()
    index.add(50, Attachment("2019/03/photo.jpg", image_id=7), f"{OLD}/2019/03/photo.jpg", "")

    class Image:
        pk = 7

        class file:  # noqa: N801
            url = "/media/images/photo.jpg"

    html = f'<img class="alignright size-medium wp-image-50" src="{OLD}/2019/03/photo-300x200.jpg">'
    assert References(index, {7: Image}).rewrite(html) == (
        '<img data-file="7" src="/media/images/photo.jpg" class="alignright size-medium" alt="">'
    )
