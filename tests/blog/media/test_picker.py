"""The image dialog's library view (ImageAdmin.picker_view): search, pages, permissions."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.media.admin import PICKER_PAGE_SIZE
from blog.media.models import Image
from tests.blog.media.test_media import add_image, committed
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIBRARY = "/admin/media/image/picker/"


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor", group="Editor"))


def titles(client, **params):
    answer = client.get(LIBRARY, params).json()
    return [image["title"] for image in answer["images"]]


@pytest.fixture
def three(django_capture_on_commit_callbacks):
    add_image(django_capture_on_commit_callbacks, "flood_ahvaz.jpg", title="Street")
    add_image(django_capture_on_commit_callbacks, title="Harbour", alt_text="Boats in Bandar")
    add_image(django_capture_on_commit_callbacks, title="Talks", caption="Envoys in Vienna")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("harb", ["Harbour"]),  # title
        ("boats", ["Harbour"]),  # alt text
        ("VIENNA", ["Talks"]),  # caption, in any case
        ("street", ["Street"]),  # the file name is made from the title...
        ("envoys vienna", ["Talks"]),  # every word, in any field
        ("envoys bandar", []),
        ("", ["Talks", "Harbour", "Street"]),  # everything, newest first
    ],
)
def test_library_search_looks_in_title_alt_caption_and_file_name(
    client, editor, three, query, found
):
    assert titles(client, q=query) == found


def test_library_search_finds_the_file_name_not_its_folders(client, editor, three):
    image = Image.objects.get(title="Street")
    image.title = "Renamed"
    image.save()
    assert image.file.name.startswith("images/") and "street-" in image.file.name
    assert titles(client, q="street") == ["Renamed"]
    assert titles(client, q="images") == []


def test_library_says_how_many_match_and_none(client, editor, three):
    answer = client.get(LIBRARY, {"q": "nothing like it"}).json()
    assert (answer["count"], answer["images"], answer["query"]) == (0, [], "nothing like it")


def test_library_comes_in_pages(client, editor, django_capture_on_commit_callbacks):
    for n in range(PICKER_PAGE_SIZE + 2):
        add_image(django_capture_on_commit_callbacks, title=f"Picture {n}", size=(40, 30))
    first = client.get(LIBRARY).json()
    second = client.get(LIBRARY, {"page": 2}).json()
    assert (first["count"], first["pages"], len(first["images"])) == (26, 2, PICKER_PAGE_SIZE)
    assert [image["title"] for image in second["images"]] == ["Picture 1", "Picture 0"]
    assert client.get(LIBRARY, {"page": "many"}).json()["page"] == 1


@committed
def test_library_gives_each_image_its_thumbnail_address_and_words(
    client, editor, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, alt_text="Alt", caption="Cap")
    run_jobs()
    [answer] = client.get(LIBRARY).json()["images"]
    assert answer == {
        "id": image.pk,
        "thumb": image.rendition_near(320).file.url,
        "url": image.rendition_near(960, fallback=True).file.url,
        "alt": "Alt",
        "caption": "Cap",
        "title": image.title,
        "width": 1600,
        "height": 900,
    }


def test_library_tells_editors_where_to_upload_and_the_limits(client, editor):
    upload = client.get(LIBRARY).json()["upload"]
    assert upload["url"] == "/admin/blog/post/image-upload/"
    assert upload["limit"] == "25.0 MB" and upload["formats"].startswith("JPEG, PNG, GIF, WebP")


def test_library_offers_no_upload_to_who_may_only_look(client, three):
    user = make_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(user)
    answer = client.get(LIBRARY).json()
    assert answer["upload"] is None and answer["count"] == 3


def test_library_is_refused_in_json_to_staff_without_permission(client, three):
    client.force_login(make_user("reader-staff", is_staff=True))
    response = client.get(LIBRARY)
    assert response.status_code == 403 and response.json()["error"]


def test_library_is_refused_in_json_to_visitors(client, three):
    response = client.get(LIBRARY)
    assert response.status_code == 403 and "sign in again" in response.json()["error"]


def test_library_queries_do_not_grow_with_the_images_shown(
    client, editor, django_capture_on_commit_callbacks
):
    add_image(django_capture_on_commit_callbacks, size=(40, 30))
    client.get(LIBRARY)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(LIBRARY).json()["images"]) == Image.objects.count()
        return len(captured)

    one = queries()
    for _ in range(5):
        add_image(django_capture_on_commit_callbacks, size=(40, 30))
    assert queries() == one
