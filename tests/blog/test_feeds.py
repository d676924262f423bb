from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


CAPTIONED = (
    "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
    "<figcaption>Photo: Reuters</figcaption></figure><p>The talks resumed.</p>"
)


def rss_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return [item.findtext("title") for item in root.iter("item")]


def atom_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def hidden_posts(**fields):
    make_post("A draft", status=Post.Status.DRAFT, **fields)
    make_post("A private post", status=Post.Status.PRIVATE, **fields)
    make_post("Pending review", status=Post.Status.PENDING, **fields)
    make_post("Next week", published_at=timezone.now() + timedelta(days=7), **fields)


@pytest.fixture
def site_posts():
    hidden_posts()
    make_post("Older", days_ago=5)
    make_post("Newer", days_ago=1)


def test_site_rss_lists_published_posts_newest_first(client, site_posts):
    assert rss_titles(client, "/feed/") == ["Newer", "Older"]


def test_site_atom_lists_published_posts_newest_first(client, site_posts):
    assert atom_titles(client, "/feed/atom/") == ["Newer", "Older"]


def test_site_rss_item_has_absolute_link_date_author_and_summary(client):
    author = make_user("desk")
    post = make_post("Linked", author=author, body="<p>First words of the story.</p>")
    item = ElementTree.fromstring(client.get("/feed/").content).find("channel/item")
    assert item.findtext("link") == f"http://testserver{post.get_absolute_url()}"
    assert item.findtext("pubDate")
    assert item.findtext("description") == "First words of the story."
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Desk"


def test_feed_summary_keeps_paragraphs_apart_and_leaves_captions_out(client):
    make_post("Floods", body=CAPTIONED)
    item = ElementTree.fromstring(client.get("/feed/").content).find("channel/item")
    assert item.findtext("description") == "Floods along the rivers. The talks resumed."


def test_feed_titles_are_plain_text_without_the_titles_markup(client):
    make_post("Kerry <script>alert(1)</script> <em>&amp;</em> Co")
    response = client.get("/feed/")
    root = ElementTree.fromstring(response.content)
    assert root.findtext("channel/item/title") == "Kerry alert(1) & Co"  # as the_title_rss
    assert b"<script>" not in response.content and b"em&gt;" not in response.content


@pytest.fixture
def category_posts():
    iran = make_category("Iran")
    nuclear = make_category("Nuclear", parent=iran)
    talks = make_category("Talks", parent=nuclear)
    hidden_posts(categories=[talks])
    make_post("In Iran", categories=[iran], days_ago=3)
    make_post("In Nuclear", categories=[nuclear], days_ago=2)
    make_post("In Talks", categories=[talks], days_ago=1)
    make_post("Sport news", categories=[make_category("Sport")])


def test_category_rss_includes_descendants_newest_first(client, category_posts):
    assert rss_titles(client, "/category/iran/feed/") == ["In Talks", "In Nuclear", "In Iran"]


def test_category_atom_of_a_child_leaves_out_its_parent(client, category_posts):
    assert atom_titles(client, "/category/iran/nuclear/feed/atom/") == ["In Talks", "In Nuclear"]


def test_category_feed_lists_a_post_in_two_subcategories_once(client):
    iran = make_category("Iran")
    children = [make_category("Nuclear", parent=iran), make_category("Politics", parent=iran)]
    make_post("Twice filed", categories=children)
    assert rss_titles(client, "/category/iran/feed/") == ["Twice filed"]


def test_tag_feeds_list_only_published_posts_with_the_tag(client):
    hidden_posts(tags=["Sanctions"])
    make_post("Old sanctions", tags=["Sanctions"], days_ago=4)
    make_post("New sanctions", tags=["Sanctions", "Oil"], days_ago=1)
    make_post("Just oil", tags=["Oil"])
    assert rss_titles(client, "/tag/sanctions/feed/") == ["New sanctions", "Old sanctions"]
    assert atom_titles(client, "/tag/sanctions/feed/atom/") == ["New sanctions", "Old sanctions"]


def test_author_feeds_list_only_published_posts_by_the_author(client):
    leila = make_user("leila")
    hidden_posts(author=leila)
    make_post("Leila's first", author=leila, days_ago=4)
    make_post("Leila's second", author=leila, days_ago=1)
    make_post("Someone else's")
    assert rss_titles(client, "/author/leila/feed/") == ["Leila's second", "Leila's first"]
    assert atom_titles(client, "/author/leila/feed/atom/") == ["Leila's second", "Leila's first"]


@pytest.mark.parametrize(
    "url", ["/category/nowhere/feed/", "/tag/nothing/feed/atom/", "/author/nobody/feed/"]
)
def test_feed_of_something_unknown_is_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.usefixtures("uncached")
def test_feed_runs_a_fixed_number_of_queries(client):
    make_post("One", categories=[make_category()])
    client.get("/feed/")
    with CaptureQueriesContext(connection) as few:
        client.get("/feed/")
    for i in range(10):
        make_post(f"Story {i}", categories=[make_category(), make_category()])
    with CaptureQueriesContext(connection) as many:
        client.get("/feed/")
    assert len(many) == len(few)


def alternates(client, url):
    html = client.get(url).content.decode()
    head = html[: html.index("</head>")]
    return [line for line in head.splitlines() if 'rel="alternate"' in line]


def test_every_page_links_the_site_feeds(client):
    post = make_post("Any")
    for url in ["/", post.get_absolute_url(), "/search/?q=any"]:
        links = "\n".join(alternates(client, url))
        assert 'type="application/rss+xml"' in links and 'href="/feed/"' in links
        assert 'type="application/atom+xml"' in links and 'href="/feed/atom/"' in links


def test_category_page_links_its_own_feeds(client):
    make_post("Filed", categories=[make_category("Nuclear", parent=make_category("Iran"))])
    links = "\n".join(alternates(client, "/category/iran/nuclear/"))
    assert 'href="/category/iran/nuclear/feed/"' in links
    assert 'href="/category/iran/nuclear/feed/atom/"' in links


def test_tag_and_author_pages_link_their_own_feeds(client):
    make_post("Tagged", author=make_user("leila"), tags=["Oil"])
    assert 'href="/tag/oil/feed/"' in "\n".join(alternates(client, "/tag/oil/"))
    assert 'href="/author/leila/feed/atom/"' in "\n".join(alternates(client, "/author/leila/"))


def test_sitemap_lists_published_posts_with_lastmod(client):
    hidden_posts()
    post = make_post("Mapped", categories=[make_category("World")])
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in root.iter(f"{SITEMAP}url")}
    post_url = f"http://testserver{post.get_absolute_url()}"
    assert set(urls) == {"http://testserver/", post_url, "http://testserver/category/world/"}
    assert urls[post_url].findtext(f"{SITEMAP}lastmod") == post.updated_at.date().isoformat()


def test_robots_txt_names_the_sitemap_at_the_public_address(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_site_feeds_show_a_title_with_a_control_character_without_it(client, url):
    make_post("Breaking\x1dnews")
    response = client.get(url)
    assert response.status_code == 200
    assert b"Breakingnews" in response.content
    ElementTree.fromstring(response.content)  # well-formed


@pytest.mark.parametrize("kind", ["category", "tag", "author"])
def test_archive_feeds_are_well_formed_with_control_characters(client, kind):
    author = make_user("desk")
    category = make_category("News\x1d")
    make_post("Title\x0bhere", author=author, categories=[category], tags=["tag"],
              excerpt="Summary\x01")  # fmt: skip
    urls = {"category": category.get_absolute_url(), "tag": "/tag/tag/", "author": "/author/desk/"}
    for feed in ("feed/", "feed/atom/"):
        response = client.get(urls[kind] + feed)
        assert response.status_code == 200
        assert b"Title here" in response.content
        ElementTree.fromstring(response.content)


@pytest.mark.parametrize(
    "url",
    ["/tag/embargoed/feed/", "/tag/embargoed/feed/atom/", "/category/takeover/feed/",
     "/category/takeover/feed/atom/", "/author/ghost/feed/", "/author/ghost/feed/atom/"],
)  # fmt: skip
def test_feed_is_404_when_only_hidden_posts_are_in_it(client, url):
    hidden_posts(
        author=make_user("ghost"), tags=["Embargoed"], categories=[make_category("Takeover")]
    )
    response = client.get(url)
    assert response.status_code == 404
    assert b"Embargoed" not in response.content and b"Takeover" not in response.content


def test_sitemap_leaves_out_a_category_with_only_hidden_posts(client):
    hidden_posts(categories=[make_category("Takeover")])
    make_post("Public", categories=[make_category("Sport")])
    body = client.get("/sitemap.xml").content.decode()
    assert "/category/sport/" in body and "takeover" not in body
