"""Dynamic blocks in a post or page are drawn from the blog's data when the page is shown."""

import re

import pytest

from blog import dynamic_blocks
from blog.models import LegacyLink
from tests.comments.factories import make_comment
from tests.factories import make_category, make_page, make_post, make_user

pytestmark = pytest.mark.django_db


def block(name, **attrs):
    return dynamic_blocks.placeholder(name, attrs)


def shown(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def latest_list(html):
    """The latest-posts block's list (the sidebar's recent posts are not it)."""
    return re.search(r'<ul class="wp-block-latest-posts__list.*?</ul>', html, re.S).group(0)


def test_latest_posts_block_lists_the_newest_public_posts_at_view_time(client):
    host = make_post("Host", body=block("core/latest-posts", postsToShow=2), days_ago=10)
    make_post("Older news", days_ago=3)
    make_post("Draft news", status="draft", days_ago=0)
    listed = latest_list(shown(client, host))
    assert "Older news" in listed and "Draft news" not in listed
    make_post("Fresh news", days_ago=0)
    listed = latest_list(shown(client, host))
    assert listed.index("Fresh news") < listed.index("Older news")
    assert listed.count('class="wp-block-latest-posts__post-title"') == 2


def test_archives_categories_and_tag_cloud_blocks_show_public_data(client):
    news = make_category("World news")
    make_post("Tagged", categories=[news], tags=["elections"], days_ago=40)
    body = block("core/archives", showPostCounts=True) + block("core/categories")
    host = make_post("Host", body=body + block("core/tag-cloud"))
    html = shown(client, host)
    archives = re.search(r'<ul class="wp-block-archives-list.*?</ul>', html, re.S).group(0)
    categories = re.search(r'<ul class="wp-block-categories-list.*?</ul>', html, re.S).group(0)
    cloud = re.search(r'<p class="wp-block-tag-cloud">.*?</p>', html, re.S).group(0)
    assert archives.count("<li>") == 2 and " (1)</li>" in archives  # showPostCounts
    assert ">World news</a>" in categories and ">elections</a>" in cloud


def test_search_block_sends_readers_to_the_blogs_search(client):
    host = make_post("Host", body=block("core/search", label="Find", buttonText="Go"))
    html = shown(client, host)
    assert 'action="/search/"' in html and ">Find</label>" in html and ">Go</button>" in html


def test_page_list_block_nests_published_pages(client):
    about = make_page("About")
    make_page("Team", parent=about)
    make_page("Hidden", status="draft")
    host = make_page("Sitemap", body=block("core/page-list"))
    html = client.get(host.get_absolute_url()).content.decode()
    assert 'depth-1"><a class="wp-block-pages-list__item__link" href="/about/team/">Team' in html
    assert "Hidden" not in html


def test_block_settings_from_the_body_cannot_inject_markup(client):
    hostile = block("core/search", label="<script>alert(1)</script>", placeholder='"><b>')
    host = make_post("Host", body=hostile + block("core/latest-posts", postsToShow="all"))
    html = shown(client, host)
    assert "<script>alert(1)" not in html and '"><b>' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_placeholder_survives_sanitising_but_unknown_blocks_show_nothing(client):
    host = make_post("Host", body=block("core/calendar") + "<p>Text</p>")
    assert 'data-dynamic-block="core/calendar"' in host.body
    assert "data-dynamic-block" not in shown(client, host)


def test_latest_posts_block_keeps_to_the_category_and_author_chosen_on_wordpress(client):
    sport, author = make_category("Sport"), make_user("reporter")
    LegacyLink.objects.create(kind="category", wp_id=31, object_id=sport.pk)
    LegacyLink.objects.create(kind="author", wp_id=4, object_id=author.pk)
    make_post("Match report", categories=[sport], author=author)
    make_post("Match by another", categories=[sport])
    make_post("Election news")
    chosen = block("core/latest-posts", categories=[{"id": 31, "value": "Sport"}], selectedAuthor=4)
    listed = latest_list(shown(client, make_post("Host", body=chosen, days_ago=5)))
    assert "Match report" in listed
    assert "Election news" not in listed and "Match by another" not in listed


def test_a_placeholder_in_a_comment_stays_text(client):
    host = make_post("Host")
    make_comment(host, block("core/latest-posts"))
    html = shown(client, host)
    assert "wp-block-latest-posts" not in html
    assert "&lt;div data-dynamic-block=" in html
