import re
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import widgets
from blog.models import Post, SiteSettings, SocialProfile
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db


def configure(**fields):
    SiteSettings.objects.update_or_create(pk=1, defaults=fields)


def profiles(*kinds_and_urls):
    """The "Follow us" profiles, in this order, instead of any there were."""
    site = SiteSettings.load()
    site.social_profiles.all().delete()
    for position, (kind, url) in enumerate(kinds_and_urls):
        SocialProfile.objects.create(site=site, kind=kind, url=url, position=position)


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
    profiles(("facebook", "https://facebook.com/newsroom"))
    order = widget_order(sidebar(client))
    assert order[:3] == ["search", "follow-us", "recent"]
    assert {"categories", "tags", "archives", "visitor-count"} <= set(order)


def test_follow_us_shows_the_profiles_as_named_icon_links(client):
    profiles(
        ("facebook", "https://facebook.com/newsroom"),
        ("x", "https://x.com/newsroom"),
        ("mastodon", "https://mastodon.social/@newsroom"),
        ("rss", ""),
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
    profiles(("facebook", "https://facebook.com/newsroom"), ("youtube", "https://youtube.com/@n"))
    html = client.get("/").content.decode()
    assert "<iframe" not in html
    assert not re.search(r'<(script|img)[^>]+src="https?://', html)
    assert not re.search(r'<link rel="stylesheet"[^>]+href="https?://', html)


def test_follow_us_without_profiles_or_feed_is_hidden(client):
    profiles()
    assert "widget-follow-us" not in sidebar(client)


def test_profile_addresses_are_escaped(client):
    profiles(("facebook", 'https://facebook.com/x"onmouseover="alert(1)'))
    html = sidebar(client)
    assert 'onmouseover="alert(1)' not in html


def settings_form(widgets="search, follow-us", *profile_rows):
    """The Site settings form as the admin posts it, with the profile rows (order, kind,
    address) in its inline."""
    data = {
        "title": "Newsroom", "posts_per_page": 10, "sidebar_widgets": widgets,
        "visitor_count_start": 0, "social_profiles-TOTAL_FORMS": len(profile_rows),
        "social_profiles-INITIAL_FORMS": 0, "social_profiles-MIN_NUM_FORMS": 0,
        "social_profiles-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for n, (position, kind, url) in enumerate(profile_rows):
        data.update({
            f"social_profiles-{n}-position": position, f"social_profiles-{n}-kind": kind,
            f"social_profiles-{n}-url": url,
        })  # fmt: skip
    return data


@pytest.fixture
def boss(client):
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    SiteSettings.load()
    return client


def test_editor_sets_widgets_and_profiles_in_the_admin(boss):
    data = settings_form(
        "search, follow-us",
        (2, "email", "desk@newsroom.example"),
        (1, "bluesky", "https://bsky.app/profile/newsroom.example"),
        (3, "rss", ""),
    )
    response = boss.post("/admin/blog/sitesettings/1/change/", data)
    assert response.status_code == 302
    html = sidebar(boss)
    assert widget_order(html) == ["search", "follow-us"]
    links = re.findall(r'<a class="social social-(\w+)" href="([^"]+)"', html)
    assert links == [
        ("bluesky", "https://bsky.app/profile/newsroom.example"),
        ("email", "mailto:desk@newsroom.example"),
        ("rss", "/feed/"),
    ]


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("facebook", "javascript:alert(1)"),
        ("facebook", "mailto:desk@newsroom.example"),
        ("email", "https://newsroom.example/contact"),
        ("x", ""),
    ],
)
def test_admin_refuses_a_profile_address_that_does_not_fit(boss, kind, url):
    data = settings_form("search, follow-us", (1, kind, url))
    response = boss.post("/admin/blog/sitesettings/1/change/", data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not SocialProfile.objects.exists()


def test_follow_us_shows_any_number_of_profiles_of_one_kind(client):
    profiles(("x", "https://x.com/newsroom"), ("x", "https://x.com/newsroom_fa"))
    html = sidebar(client)
    assert html.count('class="social social-x"') == 2


def test_follow_us_icons_are_this_sites_own_files(client):
    profiles(("email", "mailto:desk@newsroom.example"), ("linkedin", "https://linkedin.com/x"))
    html = sidebar(client)
    icons = re.findall(r'<use href="([^"]+)"', html)
    assert icons == [
        "/static/blog/social-icons.svg#email",
        "/static/blog/social-icons.svg#linkedin",
    ]


def test_every_kind_of_profile_has_an_icon():
    from django.contrib.staticfiles import finders

    with open(finders.find("blog/social-icons.svg"), encoding="utf-8") as file:
        sprite = file.read()
    symbols = ElementTree.fromstring(sprite).iter("{http://www.w3.org/2000/svg}symbol")
    assert set(SocialProfile.Kind.values) <= {symbol.get("id") for symbol in symbols}


def test_admin_refuses_an_unknown_widget(boss):
    client = boss
    data = settings_form("search, weather")
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


# Follow us on X / Mastodon


def follow_box(client):
    html = sidebar(client)
    start = html.find('<section class="widget widget-follow-account"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def account(kind, url, **fields):
    return SocialProfile.objects.create(
        site=SiteSettings.load(), kind=kind, url=url, follow_box=True, **fields
    )


def test_follow_box_shows_name_handle_and_follow_link_of_each_marked_account(client):
    configure(sidebar_widgets="follow-account", title="Iran News Watch")
    account("x", "https://x.com/newsroom_ex", name="Newsroom desk")
    account("mastodon", "https://mastodon.social/@newsroom", position=1)
    box = follow_box(client)
    assert "Newsroom desk" in box and "@newsroom_ex" in box
    assert "Iran News Watch" in box and "@newsroom@mastodon.social" in box  # name: site title
    links = re.findall(r'<a class="follow-link" href="([^"]+)"[^>]*>([^<]+)</a>', box)
    assert links == [
        ("https://x.com/intent/follow?screen_name=newsroom_ex", "Follow @newsroom_ex on X"),
        ("https://mastodon.social/@newsroom", "Follow @newsroom@mastodon.social on Mastodon"),
    ]


def test_follow_box_leaves_out_profiles_not_marked_and_other_networks(client):
    configure(sidebar_widgets="follow-account")
    SocialProfile.objects.create(site=SiteSettings.load(), kind="x", url="https://x.com/a")
    account("facebook", "https://facebook.com/newsroom")
    assert follow_box(client) == ""


def test_follow_box_loads_nothing_from_other_sites(client):
    configure(sidebar_widgets="follow-account")
    account("x", "https://x.com/newsroom")
    box = follow_box(client)
    assert "<script" not in box and "<iframe" not in box and "<img" not in box


@pytest.mark.parametrize(
    ("kind", "url", "handle"),
    [
        ("x", "https://twitter.com/Newsroom_1/", "@Newsroom_1"),
        ("x", "https://x.com/intent/follow?screen_name=a", ""),
        ("x", "https://x.com/a-name-that-is-far-too-long", ""),
        ("mastodon", "https://mastodon.social/@newsroom", "@newsroom@mastodon.social"),
        ("mastodon", "https://social.example/users/desk.fa", "@desk.fa@social.example"),
        ("mastodon", 'https://m.example/@x"><script>', ""),
        ("mastodon", "https://m.example/about", ""),
    ],
)
def test_account_handle_is_read_from_its_address(kind, url, handle):
    assert SocialProfile(kind=kind, url=url).handle == handle


def test_follow_box_without_a_handle_still_has_a_follow_link(client):
    configure(sidebar_widgets="follow-account", title="Iran News Watch")
    account("mastodon", "https://m.example/about")
    box = follow_box(client)
    assert 'href="https://m.example/about"' in box and "Follow Iran News Watch on Mastodon" in box
