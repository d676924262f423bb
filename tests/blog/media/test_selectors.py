"""A post's text as pages show it: library images made responsive pictures."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from blog.media import selectors as media_selectors
from blog.media.models import Rendition
from blog.media.services import image_create
from blog.models import Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's connection sees the image


@pytest.fixture
def image(run_jobs):
    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 400), "navy").save(buffer, "JPEG")
    upload = SimpleUploadedFile("harbour.jpg", buffer.getvalue())
    image = image_create(upload=upload, title="Harbour", alt_text="The harbour")
    run_jobs()  # its renditions, for the srcset and sizes
    return image


def shown(body):
    return media_selectors.render_body(Post(body=body))


def test_library_image_links_to_its_page(image):
    html = shown(f'<p><img data-file="{image.pk}" src="x"></p>')
    assert html.startswith(f'<p><a class="image-link" href="{image.get_absolute_url()}"><picture>')


def test_image_the_text_already_links_gets_no_second_link(image):
    html = shown(f'<a href="/elsewhere/"> <img data-file="{image.pk}" src="x"></a>')
    assert html.startswith('<a href="/elsewhere/"> <picture>') and "image-link" not in html


def test_image_keeps_its_own_sizes_and_alignment_class(image):
    html = shown(f'<img data-file="{image.pk}" src="x" sizes="10rem" class="alignright">')
    assert 'sizes="10rem"' in html and 'class="alignright"' in html


def test_body_filters_run_after_the_images(image, monkeypatch):
    monkeypatch.setattr(media_selectors, "body_filters", [lambda html: html.upper()])
    assert shown("<p>harbour</p>") == "<P>HARBOUR</P>"


def test_file_url_is_the_files_address_and_follows_media_url(settings):
    rendition = Rendition(file="images/renditions/harbour & co-320.jpg")
    assert (
        media_selectors.file_url(rendition.file)
        == "/media/images/renditions/harbour%20%26%20co-320.jpg"
    )
    settings.MEDIA_URL = "https://cdn.example.com/m/"
    rendition = Rendition(file="images/renditions/harbour & co-320.jpg")
    assert media_selectors.file_url(rendition.file) == rendition.file.url
    assert rendition.file.url.startswith("https://cdn.example.com/m/")


def listed_and_alone(post):
    """The post's featured picture as a list page shows it and as read on its own."""
    listed = Post.objects.filter(pk=post.pk).for_lists().get()
    alone = Post.objects.get(pk=post.pk)
    options = {"sizes": "main", "lazy": False, "css_class": "thumb", "alt": ""}
    return (media_selectors.featured_picture(listed, **options),
            media_selectors.featured_picture(alone, **options))  # fmt: skip


def test_listed_posts_picture_is_the_one_read_alone_without_a_query(
    image, django_assert_num_queries
):
    post = make_post(featured_media=image)
    listed = Post.objects.filter(pk=post.pk).for_lists().get()
    with django_assert_num_queries(0):
        media_selectors.featured_picture(listed)
    html, alone = listed_and_alone(post)
    assert html == alone and 'type="image/webp"' in html and "srcset=" in html


def test_listed_image_without_renditions_shows_its_original(image):
    image.renditions.all().delete()
    html, alone = listed_and_alone(make_post(featured_media=image))
    assert html == alone and f'src="{image.file.url}"' in html and "srcset" not in html
