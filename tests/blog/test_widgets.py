import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import widgets
from blog.models import Post, SiteSettings
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db


def configure(**fields):
    SiteSettings.objects.update_or_create(pk=1, defaults=fields)


def sidebar(client):
    body = client.get("/").content.decode()
    return body[body.index('<aside class="sidebar"') : body.index("</aside>")]


def widget_order(html):
    return re.findall(r'<section class="widget widget-([\w-]+)"', html)


def test_sidebar_shows_widgets_in_the_editors_order(client):
    make_post(tags=["Iran"])
    configure(sidebar_widgets="tags, search, visitor-count, recent")
    assert widget_order(sidebar(client)) == ["tags", "search", "visitor-count", "recent"]


def test_sidebar_leaves_out_widgets_not_listed(client):
    make_post()
    configure(sidebar_widgets="search")
    html = sidebar(client)
    assert widget_order(html) == ["search"]
    assert "Recent posts" not in html


def test_hidden_widgets_cost_no_queries(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    make_post(tags=["Iran"])
    configure(sidebar_widgets="search")
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    configure(sidebar_widgets="search, categories, tags, archives, recent, top-posts")
    with CaptureQueriesContext(connection) as more:
        client.get("/")
    assert len(more) == len(few) + 5


def test_unknown_widget_is_refused_with_the_choices():
    settings = SiteSettings(sidebar_widgets="search, weather, recent")
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    message = str(error.value.message_dict["sidebar_widgets"])
    assert "Unknown widget: weather" in message and "visitor-count" in message


def test_unknown_widget_already_saved_is_skipped(client):
    configure(sidebar_widgets="gone-widget, search")
    assert widget_order(sidebar(client)) == ["search"]


def test_default_sidebar_has_every_widget(client):
    make_post(tags=["Iran"], categories=[make_category("World")])
    configure(facebook_url="https://facebook.com/newsroom")
    order = widget_order(sidebar(client))
    assert order[:3] == ["search", "follow-us", "recent"]
    assert {"categories", "tags", "archives", "visitor-count"} <= set(order)


def test_follow_us_shows_the_profiles_as_named_icon_links(client):
    configure(
        facebook_url="https://facebook.com/newsroom",
        twitter_url="https://x.com/newsroom",
        mastodon_url="https://mastodon.social/@newsroom",
        show_rss_link=True,
    )
    html = sidebar(client)
    assert "Follow us in any way you like!" in html
    for url, name in [
        ("https://facebook.com/newsroom", "Facebook"),
        ("https://x.com/newsroom", "X (Twitter)"),
        ("https://mastodon.social/@newsroom", "Mastodon"),
        ("/feed/", "RSS feed"),
    ]:
        link = re.search(rf'<a [^>]*href="{re.escape(url)}"[^>]*>(.*?)</a>', html, re.S)
        assert link, url
        assert f'<span class="visually-hidden">{name}</span>' in link.group(1)
        assert 'aria-hidden="true"' in link.group(1)  # the icon itself is decoration
    assert "Pinterest" not in html


def test_follow_us_loads_nothing_from_other_sites(client):
    configure(facebook_url="https://facebook.com/newsroom", youtube_url="https://youtube.com/@n")
    html = client.get("/").content.decode()
    assert "<iframe" not in html
    assert not re.search(r'<(script|img)[^>]+src="https?://', html)
    assert not re.search(r'<link rel="stylesheet"[^>]+href="https?://', html)


def test_follow_us_without_profiles_or_feed_is_hidden(client):
    configure(show_rss_link=False)
    assert "widget-follow-us" not in sidebar(client)


def test_profile_addresses_are_escaped(client):
    configure(facebook_url='https://facebook.com/x"onmouseover="alert(1)')
    html = sidebar(client)
    assert 'onmouseover="alert(1)' not in html


def test_editor_sets_widgets_and_profiles_in_the_admin(client):
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    SiteSettings.load()
    form = client.get("/admin/blog/sitesettings/1/change/").context["adminform"].form
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update(title="Newsroom", posts_per_page=10, sidebar_widgets="search, follow-us")
    data.update(bluesky_url="https://bsky.app/profile/newsroom.example")
    response = client.post("/admin/blog/sitesettings/1/change/", data)
    assert response.status_code == 302
    html = sidebar(client)
    assert widget_order(html) == ["search", "follow-us"]
    assert "https://bsky.app/profile/newsroom.example" in html


def test_admin_refuses_an_unknown_widget(client):
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    SiteSettings.load()
    data = {"title": "Newsroom", "posts_per_page": 10, "sidebar_widgets": "search, weather"}
    response = client.post("/admin/blog/sitesettings/1/change/", data)
    assert response.status_code == 200
    assert "Unknown widget: weather" in response.content.decode()
    assert SiteSettings.load().sidebar_widgets != "search, weather"


def test_admin_help_lists_every_widget_a_feature_registered(client):
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    SiteSettings.load()
    body = client.get("/admin/blog/sitesettings/1/change/").content.decode()
    for key in widgets.WIDGETS:
        assert f"{key} (" in body


def test_categories_widget_leaves_out_a_category_with_only_hidden_posts(client):
    configure(sidebar_widgets="categories")
    make_post("Secret", status=Post.Status.DRAFT, categories=[make_category("Takeover")])
    world = make_category("World")
    make_post("Public", categories=[make_category("Europe", parent=world)])
    body = client.get("/").content.decode()
    assert "World" in body and "Europe" in body and "Takeover" not in body
