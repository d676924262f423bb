"""A library whose files are gone (a database kept from another checkout, MEDIA_ROOT emptied):
the pages still answer, and the demo seed draws its pictures again."""

import io
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage

from blog.media import renditions
from blog.media import services as media
from blog.media.models import Image
from blog.models import Post
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def library_image(**fields):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (30, 120, 200)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("harbour.jpg", buffer.getvalue())
    image = media.image_create(upload=upload, title="Harbour at dawn", **fields)
    renditions.image_renditions_make(image_id=image.pk)
    return image


def empty_media_root():
    shutil.rmtree(settings.MEDIA_ROOT)


@pytest.fixture
def post_with_lost_image():
    image = library_image(alt_text="Boats in the harbour", caption="The harbour at dawn.")
    figure = (
        f'<figure><img src="{image.file.url}" alt="Boats in the harbour" data-file="{image.pk}">'
        "<figcaption>The harbour at dawn.</figcaption></figure>"
    )
    post = make_post("Boats return", body="<p>The fleet is back.</p>" + figure)
    post.featured_media = image
    post.save()
    empty_media_root()
    return post


@pytest.mark.parametrize("url", ["post", "/", "/feed/", "/feed/atom/", "image"])
def test_public_pages_answer_when_an_image_file_is_missing(client, post_with_lost_image, url):
    image = post_with_lost_image.featured_media
    address = {"post": post_with_lost_image.get_absolute_url(), "image": image.get_absolute_url()}
    response = client.get(address.get(url, url))
    assert response.status_code == 200
    assert "Boats return" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/media/image/", "change", "/admin/media/image/picker/?target=featured"]
)
def test_admin_image_pages_answer_when_an_image_file_is_missing(client, post_with_lost_image, url):
    client.force_login(make_user("editor", group="Editor"))
    image = post_with_lost_image.featured_media
    response = client.get(f"/admin/media/image/{image.pk}/change/" if url == "change" else url)
    assert response.status_code == 200
    assert "Harbour at dawn" in response.content.decode()


def test_post_form_answers_when_its_featured_image_file_is_missing(client, post_with_lost_image):
    client.force_login(make_user("editor", group="Editor"))
    response = client.get(f"/admin/blog/post/{post_with_lost_image.pk}/change/")
    assert response.status_code == 200
    assert "Harbour at dawn" in response.content.decode()


def test_renditions_of_an_image_whose_file_is_missing_are_skipped_not_an_error(caplog):
    image = library_image()
    empty_media_root()
    assert renditions.image_renditions_make(image_id=image.pk) == 0
    assert "is missing" in caplog.text


def test_renditions_whose_files_are_gone_are_made_again():
    image = library_image()
    made = image.renditions.count()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "images" / "renditions")
    assert renditions.image_renditions_make(image_id=image.pk) == made
    assert all(
        rendition.file.storage.exists(rendition.file.name) for rendition in image.renditions.all()
    )


def test_seed_demo_on_a_database_whose_media_files_are_gone_draws_them_again(client):
    call_command("seed_demo", stdout=StringIO())
    empty_media_root()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "“John Kerry in Cairo”: its file images/" in out.getvalue()
    assert "was missing; drawn again." in out.getvalue()
    for image in Image.objects.prefetch_related("renditions"):
        assert image.file.storage.exists(image.file.name), image
        assert all(r.file.storage.exists(r.file.name) for r in image.renditions.all()), image
    post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
    page = client.get(post.get_absolute_url()).content.decode()
    shown = set(re.findall(r"/media/[^\s\"',]+", page))
    assert any("john-kerry-in-cairo" in url for url in shown), shown
    assert {url: client.get(url).status_code for url in shown} == dict.fromkeys(shown, 200)
