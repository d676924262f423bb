"""Each reader page's <title> tells it apart: page numbers, the site's name, form errors."""

import re

import pytest

from blog.models import SiteSettings
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.fixture
def site():
    settings = SiteSettings.load()
    settings.title, settings.posts_per_page = "Iran News Watch", 2
    settings.save()
    return settings


def test_home_page_two_title_names_the_page(client, site):
    for _ in range(3):
        make_post()
    assert title(client.get("/?page=2")).startswith("Page 2 — Iran News Watch")


def test_home_page_one_title_has_no_page_number(client, site):
    make_post()
    assert not title(client.get("/")).startswith("Page")


@pytest.mark.parametrize("kind", ["category", "tag", "author"])
def test_archive_title_ends_with_the_site_name(client, site, kind):
    author = make_user("leila")
    post = make_post(author=author, categories=[make_category("Economy")], tags=["oil"])
    address = {"category": "/category/economy/", "tag": "/tag/oil/", "author": "/author/leila/"}
    assert post.pk
    assert title(client.get(address[kind])).endswith(" — Iran News Watch")


def test_follow_form_with_an_error_has_a_title_of_its_own(client, site):
    response = client.post("/followers/", {"email": "not an address"})
    assert title(response) == "Error: Follow Iran News Watch"
