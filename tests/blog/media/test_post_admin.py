"""blog.media.post_admin: the featured image on the post form, and uploads from the form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from blog.media import services as media
from blog.media.models import Image
from blog.models import Post
from tests.blog.media.test_media import add_image, upload_file
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/blog/post/image-upload/"


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor", group="Editor"))


def test_post_form_shows_the_featured_image_as_a_thumbnail_with_its_actions(
    client, editor, django_capture_on_commit_callbacks
):
    image = add_image(django_capture_on_commit_callbacks, title="Kerry in Cairo", alt_text="Kerry")
    post = make_post(featured_media=image)
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert (
        f'<input type="hidden" name="featured_media" id="id_featured_media" value="{image.pk}">'
        in html
    )
    assert 'class="featured-thumb" src="/media/' in html and 'alt="Kerry"' in html
    for action in ["Choose from library", "Upload", "Remove"]:
        assert action in html
    assert 'data-picker-url="/admin/media/image/picker/"' in html  # the library dialog


def test_post_form_without_a_featured_image_says_so(client, editor):
    html = client.get("/admin/blog/post/add/").content.decode()
    assert "No featured image." in html and 'class="button featured-remove" hidden' in html


def test_upload_from_the_post_form_adds_to_the_library_and_answers_json(client, editor):
    response = client.post(UPLOAD, {"file": upload_file("cairo.jpg"), "alt_text": "A podium"})
    assert response.status_code == 201
    image = Image.objects.get()
    answer = response.json()
    assert (answer["id"], answer["alt"], answer["title"]) == (image.pk, "A podium", image.title)
    assert answer["thumb"].startswith("/media/")


def test_upload_of_a_file_that_is_no_image_explains(client, editor):
    response = client.post(UPLOAD, {"file": upload_file("notes.jpg", content=b"not a picture")})
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Image.objects.exists()


def test_upload_needs_permission_to_add_images(client):
    client.force_login(make_user("reader-staff", is_staff=True))
    assert client.post(UPLOAD, {"file": upload_file()}).status_code == 403


def test_saving_the_form_keeps_the_chosen_featured_image(
    client, editor, django_capture_on_commit_callbacks
):
    from tests.blog.test_admin import post_form

    image = add_image(django_capture_on_commit_callbacks)
    post_form(client, "/admin/blog/post/add/", title="With a picture", featured_media=image.pk)
    assert Post.objects.get(title="With a picture").featured_media == image


def test_upload_of_an_empty_file_says_it_is_empty(client, editor):
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("blank.jpg", b"")})
    assert response.status_code == 400
    assert response.json()["error"] == "The file is empty (0 bytes)."
    assert not Image.objects.exists()


def test_upload_of_a_damaged_image_says_it_cannot_be_read(client, editor):
    damaged = upload_file("cut.jpg").read()[:2000]
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("cut.jpg", damaged)})
    assert response.status_code == 400
    assert "could not be read" in response.json()["error"]
    assert not Image.objects.exists()


def test_upload_of_a_file_over_the_limit_gives_its_size_and_the_limit(client, editor, monkeypatch):
    monkeypatch.setattr(media, "MAX_UPLOAD_BYTES", 1000)
    response = client.post(UPLOAD, {"file": upload_file("big.jpg")})
    assert response.status_code == 400
    assert "; the limit is 0.0 MB." in response.json()["error"]
    assert not Image.objects.exists()


def test_upload_without_a_file_asks_for_one(client, editor):
    response = client.post(UPLOAD, {})
    assert (response.status_code, response.json()) == (400, {"error": "Choose an image file."})


def test_upload_by_staff_without_permission_is_refused_in_json(client):
    client.force_login(make_user("reader-staff", is_staff=True))
    response = client.post(UPLOAD, {"file": upload_file()})
    assert response.status_code == 403
    assert response.json()["error"] == "You may not add images to the library."
    assert not Image.objects.exists()


@pytest.mark.parametrize("who", ["nobody", "reader"])
def test_upload_by_someone_not_signed_in_as_staff_is_refused_not_redirected(client, who):
    if who == "reader":
        client.force_login(make_user("reader"))
    response = client.post(UPLOAD, {"file": upload_file()})
    assert response.status_code == 403
    assert "sign in again" in response.json()["error"]
    assert not Image.objects.exists()


def test_upload_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("editor", group="Editor"))
    assert client.post(UPLOAD, {"file": upload_file()}).status_code == 403
    assert not Image.objects.exists()


def test_upload_view_only_takes_posts(client, editor):
    assert client.get(UPLOAD).status_code == 405
