"""WordPress's addresses that this blog answers as WordPress does: short category addresses
redirect to the full one, and /?p= of a post readers cannot see is not found."""

import pytest

from blog.models import LegacyLink, Page, Post
from tests.factories import make_category, make_page, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def nested():
    world = make_category("World")
    iran = make_category("Iran", parent=world)
    make_post("Talks", categories=[iran])
    return iran


def test_short_category_address_redirects_permanently_to_the_full_one(client, nested):
    response = client.get("/category/iran/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/category/world/iran/?page=2"
    assert client.get("/category/world/iran/").status_code == 200


@pytest.mark.parametrize("feed", ["feed/", "feed/atom/"])
def test_short_category_feed_address_redirects_to_the_full_one(client, nested, feed):
    response = client.get(f"/category/iran/{feed}")
    assert (response.status_code, response["Location"]) == (301, f"/category/world/iran/{feed}")
    assert client.get(f"/category/world/iran/{feed}").status_code == 200
    assert client.get(f"/category/sport/{feed}").status_code == 404


def test_partial_category_path_redirects_to_the_full_one(client):
    deep = make_category("Talks", parent=make_category("Nuclear", parent=make_category("Iran")))
    make_post("Geneva", categories=[deep])
    assert client.get("/category/nuclear/talks/")["Location"] == "/category/iran/nuclear/talks/"


def test_unknown_category_address_is_not_found(client, nested):
    assert client.get("/category/sport/").status_code == 404


def linked(obj, wp_id):
    kind = "page" if isinstance(obj, Page) else "post"
    LegacyLink.objects.create(kind=kind, wp_id=wp_id, object_id=obj.pk)
    return obj


@pytest.mark.parametrize(
    "fields",
    [{"status": "draft"}, {"status": "private"}, {"status": "scheduled", "days_ago": -3}],
)
def test_old_id_of_a_post_readers_cannot_see_is_not_found(client, fields):
    linked(make_post("Hidden", **fields), 40)
    response = client.get("/?p=40")
    assert response.status_code == 404 and "Hidden" not in response.content.decode()


def test_old_id_of_a_hidden_post_takes_an_editor_to_its_preview(client):
    post = linked(make_post("Hidden", status="draft"), 40)
    client.force_login(make_user("ed", group="Editor"))
    response = client.get("/?p=40")
    assert (response.status_code, response["Location"]) == (302, post.get_absolute_url())
    assert "Preview" in client.get(response["Location"]).content.decode()


def test_old_id_of_a_draft_page_is_not_found(client):
    linked(make_page("Guidelines", status="draft"), 41)
    assert client.get("/?page_id=41").status_code == 404


def test_old_id_nobody_has_is_not_found_and_the_home_page_stays(client):
    linked(make_post("Public"), 42)
    assert client.get("/?p=42").status_code == 301
    assert client.get("/?p=999").status_code == 404
    assert client.get("/?p=").status_code == 200
    assert client.get("/?p=²").status_code == 200
    assert Post.objects.count() == 1
