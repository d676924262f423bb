"""blog.media.post_admin: the featured image on the post form, and uploads from the form."""

import pytest

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
    assert "/admin/media/image/picker/?target=featured" in html


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
