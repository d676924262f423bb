import json
from html.parser import HTMLParser

import pytest

from blog.models import Page, SiteSettings
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db


CAPTIONED = (
    "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
    "<figcaption>Photo: Reuters</figcaption></figure><p>The talks resumed.</p>"
)


class Head(HTMLParser):
    """What search engines and link previews read from a page: meta, canonical, JSON-LD."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.canonical, self.jsonld, self._in_jsonld = {}, [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs["property"], attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        self._in_jsonld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)


def head(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def public_site(settings):
    settings.SITE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]


@pytest.fixture
def story():
    return make_post(
        "Why Iran Was Not Invited",
        author=make_user("desk"),
        body="<p>The American-led coalition against the Islamic State is gaining traction.</p>",
        categories=[make_category("Iranian Foreign Relations")],
        tags=["ISIS", "John Kerry"],
    )


def test_post_canonical_url_comes_from_site_url(client, public_site, story):
    page = head(client, story.get_absolute_url())
    assert page.canonical == [f"https://news.example.com{story.get_absolute_url()}"]


def test_post_canonical_url_ignores_the_host_header(client, public_site, story):
    response = client.get(story.get_absolute_url(), HTTP_HOST="evil.example")
    assert "evil.example" not in response.content.decode()


def test_list_page_canonical_url_comes_from_site_url(client, public_site, story):
    page = head(client, "/category/iranian-foreign-relations/", HTTP_HOST="evil.example")
    assert page.canonical == ["https://news.example.com/category/iranian-foreign-relations/"]


def test_post_meta_description_is_the_start_of_the_post(client, story):
    page = head(client, story.get_absolute_url())
    assert page.meta["description"].startswith("The American-led coalition against")


def test_meta_description_keeps_paragraphs_apart_and_leaves_captions_out(client):
    post = make_post("Floods", body=CAPTIONED)
    meta = head(client, post.get_absolute_url()).meta
    assert meta["description"] == "Floods along the rivers. The talks resumed."
    assert meta["og:description"] == "Floods along the rivers. The talks resumed."


def test_page_meta_description_keeps_paragraphs_apart(client):
    page = Page.objects.create(
        title="About", author=make_user(), status=Page.Status.PUBLISHED, body=CAPTIONED
    )
    meta = head(client, page.get_absolute_url()).meta
    assert meta["description"] == "Floods along the rivers. The talks resumed."


def test_home_meta_description_is_the_tagline(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"tagline": "Iran, followed closely"})
    assert head(client, "/").meta["description"] == "Iran, followed closely"


def test_post_has_open_graph_article_tags(client, public_site, story):
    meta = head(client, story.get_absolute_url()).meta
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Why Iran Was Not Invited"
    assert meta["og:url"] == f"https://news.example.com{story.get_absolute_url()}"
    assert meta["og:description"].startswith("The American-led coalition")
    assert meta["article:section"] == "Iranian Foreign Relations"
    assert meta["article:published_time"] == story.published_at.isoformat()


def test_post_has_twitter_card_tags(client, story):
    meta = head(client, story.get_absolute_url()).meta
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "Why Iran Was Not Invited"
    assert meta["twitter:description"].startswith("The American-led coalition")


def test_post_jsonld_is_a_blog_posting(client, public_site, story):
    (payload,) = head(client, story.get_absolute_url()).jsonld
    data = json.loads(payload)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Why Iran Was Not Invited"
    assert data["url"] == f"https://news.example.com{story.get_absolute_url()}"
    assert data["author"] == {"@type": "Person", "name": "Desk"}
    assert data["datePublished"] == story.published_at.isoformat()
    assert sorted(data["keywords"]) == ["ISIS", "John Kerry"]


def test_post_jsonld_cannot_be_broken_out_of_by_the_title(client):
    # The headline is the title's text: entities decoded, so "&lt;" is a "<" there.
    title = '&lt;/script&gt;&lt;script&gt;alert("x")&lt;/script&gt;&lt;!--'
    post = make_post(title, tags=["</script>"])
    page = head(client, post.get_absolute_url())
    (payload,) = page.jsonld
    assert json.loads(payload)["headline"] == '</script><script>alert("x")</script><!--'
    assert "<script>alert" not in client.get(post.get_absolute_url()).content.decode()


def test_post_title_with_quotes_stays_inside_meta_attributes(client):
    post = make_post('He said "no" <b>twice</b> & left')
    meta = head(client, post.get_absolute_url()).meta
    # The title's markup (<b>, as WordPress allows) is left out of text-only places.
    assert meta["og:title"] == 'He said "no" twice & left'
    assert meta["twitter:title"] == 'He said "no" twice & left'


def test_draft_preview_asks_search_engines_not_to_index(client):
    editor = make_user("ed", group="Editor")
    client.force_login(editor)
    draft = make_post("Draft", status="draft")
    assert head(client, draft.get_absolute_url()).meta["robots"] == "noindex"


def test_published_post_lets_search_engines_index(client, story):
    assert "robots" not in head(client, story.get_absolute_url()).meta


def test_search_page_asks_search_engines_not_to_index(client):
    assert head(client, "/search/?q=iran").meta["robots"] == "noindex"
