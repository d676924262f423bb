import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from blog.models import RESERVED_PAGE_SLUGS, Page, page_slug_reserved
from blog.stats.models import ViewEvent
from tests.factories import make_page, make_post, make_user

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/page/add/"
LIST_URL = "/admin/blog/page/"


@pytest.fixture
def editor(client):
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user


def header_nav(response):
    html = response.content.decode()
    return html[html.index('<nav class="site-nav"') : html.index("</nav>")]


def page_form(client, url, **fields):
    """What the page form sends when fields are filled in."""
    assert client.get(url).status_code == 200
    now = timezone.localtime()
    data = {
        "title": "", "slug": "", "parent": "", "body": "", "excerpt": "", "status": "draft",
        "published_at_0": now.strftime("%Y-%m-%d"), "published_at_1": now.strftime("%H:%M:%S"),
        "author": "", "menu_order": "0", "show_in_menu": "on", "_save": "Save",
    }  # fmt: skip
    return client.post(url, {**data, **fields})


# The model


def test_page_slug_is_made_from_the_title():
    assert make_page("Contact the Desk").path == "contact-the-desk"


def test_page_path_follows_its_parents_when_one_is_renamed():
    about = make_page("About", slug="about")
    team = make_page("Team", slug="team", parent=about)
    assert team.path == "about/team"
    about.slug = "who-we-are"
    about.save()
    team.refresh_from_db()
    assert team.path == "who-we-are/team"
    assert team.get_absolute_url() == "/who-we-are/team/"


@pytest.mark.parametrize("slug", ["feed", "admin", "search", "category", "xmlrpc", "2014"])
def test_top_level_page_refuses_the_blogs_own_addresses(slug):
    page = Page(title="Clash", slug=slug, author=make_user())
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "one of the blog’s own addresses" in refused.value.message_dict["slug"][0]


def test_page_under_a_parent_may_use_a_reserved_word():
    about = make_page("About", slug="about")
    Page(title="Our feed", slug="feed", parent=about, author=make_user()).full_clean()


def test_page_made_from_a_reserved_title_gets_a_free_address():
    assert make_page("Search").path == "search-page"


def top_level_words(patterns, prefix=""):
    """The literal first part of every address the site answers besides pages."""
    for entry in patterns:
        route = prefix + str(entry.pattern).lstrip("^")
        if isinstance(entry, URLResolver):
            yield from top_level_words(entry.url_patterns, route)
        else:
            yield route.split("/")[0].rstrip("$").replace("\\", "")


def test_reserved_slugs_cover_every_top_level_route():
    words = set(top_level_words(get_resolver().url_patterns))
    literal = {word for word in words if re.fullmatch(r"[\w.-]+", word)}
    assert {"admin", "feed", "xmlrpc.php", "accounts", "media"} <= literal
    assert literal - RESERVED_PAGE_SLUGS == set()
    assert page_slug_reserved("1999") and not page_slug_reserved("about")


def test_page_cannot_be_filed_under_its_own_child():
    about = make_page("About", slug="about")
    team = make_page("Team", slug="team", parent=about)
    about.parent = team
    with pytest.raises(ValidationError) as refused:
        about.full_clean()
    assert "parent" in refused.value.message_dict


def test_sibling_pages_cannot_share_a_slug():
    make_page("Contact", slug="contact")
    with pytest.raises(ValidationError) as refused:
        Page(title="Contact", slug="contact", author=make_user()).full_clean()
    assert "slug" in refused.value.message_dict


def test_page_body_is_sanitised_on_save():
    page = make_page(body='<p onclick="x()">Hi</p><script>alert(1)</script>', excerpt="<b>Hi</b>")
    assert page.body == "<p>Hi</p>" and page.excerpt == "Hi"


# Reading pages


def test_published_page_is_served_at_its_path_without_date_byline_or_comments(client):
    make_post("A post")
    make_page("About", slug="about", body="<p>A blog on Iran related news.</p>")
    response = client.get("/about/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="entry-title">About</h1>' in html
    assert "<p>A blog on Iran related news.</p>" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<time" not in main and 'rel="author"' not in main and "comment" not in main.lower()
    assert 'class="sidebar"' in html  # the same layout as a post


def test_page_has_title_canonical_and_open_graph_tags(client, settings):
    settings.SITE_URL = "https://news.example.com"
    make_page("About", slug="about", excerpt="Who writes this blog.")
    html = client.get("/about/").content.decode()
    assert "<title>About — Newsroom</title>" in html
    assert '<link rel="canonical" href="https://news.example.com/about/">' in html
    assert '<meta property="og:title" content="About">' in html
    assert '<meta property="og:description" content="Who writes this blog.">' in html
    assert '<meta name="robots"' not in html


def test_nested_page_is_served_at_its_nested_path_with_a_way_back_up(client):
    about = make_page("About", slug="about")
    make_page("Our team", slug="team", parent=about, body="<p>The desk.</p>")
    team = client.get("/about/team/").content.decode()
    assert "<p>The desk.</p>" in team
    assert '<a href="/about/">About</a> ›' in team
    assert '<a href="/about/team/">Our team</a>' in client.get("/about/").content.decode()


def test_page_address_without_the_slash_redirects_to_it(client):
    make_page("About", slug="about")
    response = client.get("/about")
    assert response.status_code == 301 and response["Location"] == "/about/"


def test_unknown_page_address_is_not_found(client):
    assert client.get("/no-such-page/").status_code == 404


def test_catch_all_never_hides_the_blogs_own_addresses(client):
    # Made without validation, as an old row or a script might: the blog's search still answers.
    Page.objects.create(title="Search", slug="search", author=make_user(), status="published")
    response = client.get("/search/?q=iran")
    assert response.status_code == 200
    assert response.templates[0].name == "blog/search.html"


def test_draft_page_is_not_found_for_readers(client):
    make_page("Soon", slug="soon", status=Page.Status.DRAFT)
    assert client.get("/soon/").status_code == 404
    client.force_login(make_user(group="Author"))
    assert client.get("/soon/").status_code == 404


def test_editor_previews_a_draft_page_unindexed(client, editor):
    make_page("Soon", slug="soon", status=Page.Status.DRAFT)
    html = client.get("/soon/").content.decode()
    assert "Preview: this page is draft" in html
    assert '<meta name="robots" content="noindex">' in html


def test_private_page_is_seen_by_editors_only(client):
    make_page("Staff notes", slug="staff", status=Page.Status.PRIVATE)
    assert client.get("/staff/").status_code == 404
    client.force_login(make_user(group="Author"))
    assert client.get("/staff/").status_code == 404
    client.force_login(make_user(group="Editor"))
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "Private: only the blog’s editors can see this page." in response.content.decode()


def test_page_published_for_later_stays_hidden_until_then(client):
    make_page("Launch", slug="launch", published_at=timezone.now() + timedelta(days=1))
    assert client.get("/launch/").status_code == 404


def test_page_visit_counts_in_the_blogs_views(client):
    make_page("About", slug="about")
    client.get("/about/", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"})
    assert list(ViewEvent.objects.values_list("post_id", flat=True)) == [None]


def test_page_view_runs_the_same_queries_with_one_or_ten_menu_pages(
    client, django_assert_max_num_queries, settings
):
    about = make_page("About", slug="about")
    make_page("Team", slug="team", parent=about)
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    with CaptureQueriesContext(connection) as few:
        client.get("/about/team/")
    for n in range(9):
        make_page(f"Menu page {n}", parent=None)
    # 13: the default sidebar's Follow box reads the profiles marked for it (one query; none
    # when the sidebar comes from its cache, as it does outside tests).
    with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as many:
        response = client.get("/about/team/")
    assert "Menu page 8" in header_nav(response)
    assert len(many) == len(few)


# The header menu


def test_header_menu_lists_top_level_published_pages_in_menu_order(client):
    contact = make_page("Contact", menu_order=2)
    about = make_page("About", menu_order=1)
    make_page("Archive policy", menu_order=2)  # same order: by title, before Contact
    make_page("Team", parent=about)
    make_page("Draft", status=Page.Status.DRAFT)
    make_page("Private", status=Page.Status.PRIVATE)
    make_page("Hidden", show_in_menu=False)
    nav = header_nav(client.get("/"))
    links = re.findall(r'<a href="/[^"]+/">([^<]+)</a>', nav)
    assert [title for title in links if title not in ("Log in", "Sign up")] == [
        "About", "Archive policy", "Contact",
    ]  # fmt: skip
    assert f'href="{contact.get_absolute_url()}"' in nav


def test_cached_header_menu_costs_no_query_and_changes_when_a_page_is_saved(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    make_page("About")
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert "About" in header_nav(client.get("/"))
    assert not [q for q in queries if "blog_page" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        make_page("Contact")
    assert "Contact" in header_nav(client.get("/"))


# The admin


def test_editor_adds_a_page_through_the_admin_form_sanitised(client, editor):
    about = make_page("About", slug="about")
    hostile = '<p onclick="x()">Our <strong>team</strong></p><script>alert(1)</script>'
    response = page_form(
        client, ADD_URL, title="Our team", slug="team", parent=about.pk, body=hostile,
        status="published", author=editor.pk, menu_order="3",
    )  # fmt: skip
    assert response.status_code == 302
    page = Page.objects.get(slug="team")
    assert (page.path, page.author, page.menu_order) == ("about/team", editor, 3)
    assert page.body == "<p>Our <strong>team</strong></p>"
    assert client.get("/about/team/").status_code == 200


def test_admin_form_refuses_a_reserved_slug_and_says_why(client, editor):
    response = page_form(client, ADD_URL, title="Feed", slug="feed", author=editor.pk)
    assert response.status_code == 200
    assert "/feed/ is one of the blog’s own addresses" in response.content.decode()
    assert not Page.objects.exists()


def test_page_form_uses_the_rich_text_editor_and_fills_the_slug(client, editor):
    html = client.get(ADD_URL).content.decode()
    assert "django_prose_editor" in html
    assert "prepopulated" in html and 'name="slug"' in html


def test_page_list_filters_by_status_and_parent(client, editor):
    about = make_page("About", slug="about")
    make_page("Team", parent=about)
    make_page("Draft notes", status=Page.Status.DRAFT)
    drafts = client.get(LIST_URL, {"status__exact": "draft"}).content.decode()
    assert "Draft notes" in drafts and "Team" not in drafts
    children = client.get(LIST_URL, {"parent__id__exact": about.pk}).content.decode()
    assert "Team" in children and "Draft notes" not in children


def test_page_list_runs_a_fixed_number_of_queries(client, editor):
    about = make_page("About", slug="about")
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    for n in range(10):
        make_page(f"Child {n}", parent=about)
    with CaptureQueriesContext(connection) as many:
        assert "Child 9" in client.get(LIST_URL).content.decode()
    assert len(many) == len(few)


def test_editors_manage_pages_and_authors_cannot(client):
    editor, author = make_user(group="Editor"), make_user(group="Author")
    assert editor.has_perms(["blog.add_page", "blog.change_page", "blog.delete_page"])
    assert not author.has_perm("blog.add_page") and not author.has_perm("blog.change_page")
    client.force_login(author)
    assert client.get(ADD_URL).status_code == 403


# The sitemap


def test_sitemap_lists_published_pages_only(client):
    about = make_page("About", slug="about")
    make_page("Soon", slug="soon", status=Page.Status.DRAFT)
    make_page("Staff", slug="staff", status=Page.Status.PRIVATE)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{about.get_absolute_url()}</loc>" in xml
    assert "/soon/" not in xml and "/staff/" not in xml


def test_admin_form_refuses_a_page_whose_address_passes_1000_characters(client, editor):
    parent = None
    for level in range(4):
        parent = make_page(f"Level {level}", parent=parent, slug=str(level) * 200)
    response = page_form(client, ADD_URL, title="Too deep", slug="z" * 200, parent=parent.pk,
                         author=editor.pk)  # fmt: skip
    assert response.status_code == 200
    assert "The address would be 1004 characters long" in response.content.decode()
    assert Page.objects.count() == 4


def test_admin_form_with_a_long_title_under_deep_parents_makes_an_address_that_fits(client, editor):
    parent = None
    for level in range(4):
        parent = make_page(f"Level {level}", parent=parent, slug=str(level) * 200)
    page_form(client, ADD_URL, title="t" * 300, parent=parent.pk, author=editor.pk)
    assert len(Page.objects.get(title="t" * 300).path) <= 1000
