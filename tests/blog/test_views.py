from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone

from blog.media.models import Image
from blog.models import Post, SiteSettings
from tests.factories import main_content, make_category, make_post, make_user

pytestmark = pytest.mark.django_db


def make_many(count, **fields):
    parent = make_category("World")
    child = make_category("Middle East", parent=parent)
    author = make_user("writer", bio="Writes about the region.")
    return [
        make_post(
            f"Story {i}", author=author, categories=[parent, child], tags=[f"t{i}", "common"],
            days_ago=i + 1, **fields,
        )
        for i in range(count)
    ]  # fmt: skip


def test_home_lists_published_posts_newest_first(client):
    old = make_post("Old news", days_ago=5)
    new = make_post("Fresh news", days_ago=1)
    body = client.get("/").content.decode()
    assert body.index(new.title) < body.index(old.title)


def test_home_summary_keeps_paragraphs_apart_and_leaves_captions_out(client):
    body = (
        "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
        "<figcaption>Photo: Reuters</figcaption></figure><p>The talks resumed.</p>"
    )
    make_post("Floods", body=body)
    html = main_content(client.get("/"))
    assert "<p>Floods along the rivers. The talks resumed.</p>" in html
    assert "Reuters" not in html


def test_home_hides_drafts_private_and_future_posts(client):
    make_post("A draft", status=Post.Status.DRAFT)
    make_post("A private one", status=Post.Status.PRIVATE)
    make_post("From the future", published_at=timezone.now() + timedelta(days=2))
    make_post("Visible")
    body = client.get("/").content.decode()
    assert "Visible" in main_content(client.get("/"))
    for hidden in ("A draft", "A private one", "From the future"):
        assert hidden not in body


def test_home_shows_sticky_post_first(client):
    make_post("Newest", days_ago=1)
    make_post("Pinned", days_ago=30, sticky=True)
    body = client.get("/").content.decode()
    assert body.index("Pinned") < body.index("Newest")


def test_home_paginates_by_site_setting(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"posts_per_page": 2})
    make_many(5)
    first = client.get("/")
    assert first.content.decode().count('class="entry-title"') == 2
    assert "Page 1 of 3" in first.content.decode()
    assert client.get("/?page=3").content.decode().count('class="entry-title"') == 1


def test_post_page_shows_title_body_tags_categories_and_author_box(client):
    world = make_category("World")
    author = make_user("desk", bio="Blogging & updating on #Iran related news")
    post = make_post("The big story", author=author, categories=[world], tags=["Iran", "ISIS"])
    body = client.get(post.get_absolute_url()).content.decode()
    assert '<h1 class="entry-title">The big story</h1>' in body
    assert "Tagged with:" in body and ">ISIS</a>" in body
    assert "Posted in" in body and ">World</a>" in body
    assert "Blogging &amp; updating on #Iran related news" in body


def test_post_url_is_dated_wordpress_style():
    post = make_post("Dated", published_at=timezone.now().replace(2014, 9, 17, 12))
    assert post.get_absolute_url() == "/2014/09/17/dated/"


def test_post_page_with_wrong_date_redirects_to_canonical(client):
    post = make_post("Moved")
    response = client.get(f"/2001/01/01/{post.slug}/")
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_post_page_links_previous_and_next(client):
    first = make_post("First", days_ago=3)
    middle = make_post("Middle", days_ago=2)
    last = make_post("Last", days_ago=1)
    body = client.get(middle.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in body
    assert f'rel="next" href="{last.get_absolute_url()}"' in body


def test_post_page_neighbours_share_its_time_by_id_and_skip_what_readers_cannot_see(client):
    when = timezone.now() - timedelta(days=2)
    first, middle, last = (make_post(title, published_at=when) for title in "ABC")
    make_post("Draft", status=Post.Status.DRAFT, published_at=when)
    make_post("Soon", status=Post.Status.SCHEDULED, published_at=timezone.now() + timedelta(1))
    body = client.get(middle.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in body
    assert f'rel="next" href="{last.get_absolute_url()}"' in body
    body = client.get(last.get_absolute_url()).content.decode()
    assert 'rel="next"' not in body


def test_draft_is_404_for_readers_and_a_preview_for_staff(client):
    editor = make_user("ed", group="Editor")
    draft = make_post("Secret draft", status=Post.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this post is draft" in response.content.decode()


def test_category_page_lists_posts_of_its_descendants(client):
    parent = make_category("Iran")
    child = make_category("Nuclear", parent=parent)
    grandchild = make_category("Talks", parent=child)
    make_post("Deep post", categories=[grandchild])
    make_post("Elsewhere", categories=[make_category("Sport")])
    response = client.get("/category/iran/nuclear/")
    assert response.status_code == 200
    assert "Deep post" in main_content(response)
    assert "Elsewhere" not in main_content(response)
    # The short address redirects to the full one, as on WordPress (test_old_addresses).
    assert client.get("/category/nuclear/")["Location"] == "/category/iran/nuclear/"


def test_tag_and_author_pages_list_their_posts(client):
    author = make_user("leila")
    make_post("Tagged one", author=author, tags=["Sanctions"])
    make_post("Other one", tags=["Sport"])
    tag_page = main_content(client.get("/tag/sanctions/"))
    assert "Tagged one" in tag_page and "Other one" not in tag_page
    author_page = main_content(client.get("/author/leila/"))
    assert "Tagged one" in author_page and "Other one" not in author_page


def test_date_archives_list_posts_of_that_period(client):
    inside = make_post("In March", published_at=timezone.now().replace(2024, 3, 10, 12))
    make_post("In April", published_at=timezone.now().replace(2024, 4, 10, 12))
    assert "In March" in main_content(client.get("/2024/"))
    month = main_content(client.get("/2024/03/"))
    assert "In March" in month and "In April" not in month
    assert inside.title in client.get("/2024/03/10/").content.decode()
    assert client.get("/2024/05/").status_code == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_sidebar_shows_categories_tags_recent_posts_and_months(client):
    make_many(3)
    body = client.get("/").content.decode()
    for heading in ("Recent posts", "Categories", "Tags", "Archives", "Search"):
        assert f">{heading}</h2>" in body
    assert 'Middle East</a> <span class="count">(3)</span>' in body


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("uncached")
@pytest.mark.parametrize("url", ["/", "/category/world/", "/tag/common/", "/author/writer/"])
def test_list_pages_run_a_fixed_number_of_queries(client, url):
    posts = make_many(2)
    client.get(url)  # warm per-process caches (content types)
    few = count_queries(client, url)
    for post in posts[:1]:
        for i in range(25):
            make_post(f"More {i}", author=post.author, categories=post.categories.all(),
                      tags=[f"x{i}", "common"])  # fmt: skip
    assert count_queries(client, url) == few


def make_pictured(count, categories):
    """count posts, each by its own author, in the categories, with a library image (and its
    renditions, as rows: no files are read to list them)."""
    posts = []
    for i in range(count):
        image = Image.objects.create(file=f"images/p{i}.jpg", format="JPEG", title=f"P{i}",
                                     width=1600, height=900)  # fmt: skip
        for width in (320, 960, 1600):
            for fmt in ("JPEG", "WEBP"):
                image.renditions.create(format=fmt, width=width, height=width * 9 // 16,
                                        file=f"images/r/p{i}-{width}.{fmt}", size=1000)  # fmt: skip
        posts.append(make_post(f"Pictured {i}", author=make_user(), categories=categories,
                               featured_media=image, days_ago=i + 1))  # fmt: skip
    return posts


# 12 on the home page: the site settings, the page menu, the sidebar's widgets (uncached: 8)
# and the list's own two: the posts' count, the posts (authors, categories and the featured
# images' renditions in the same query). A category page reads its category too.
@pytest.mark.usefixtures("uncached")
@pytest.mark.parametrize(("url", "queries"), [("/", 12), ("/category/region-2/", 13)])
def test_list_page_runs_the_same_few_queries_for_one_summary_as_for_ten(client, url, queries):
    categories = [make_category(f"Region {i}") for i in range(3)]
    make_pictured(1, categories)
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    make_pictured(9, categories)
    with CaptureQueriesContext(connection) as ten:
        html = main_content(client.get(url))
    assert html.count("<picture>") == 10 and html.count('href="/category/region-2/"') == 10
    assert len(ten) == len(one) == queries


@pytest.mark.usefixtures("uncached")
@pytest.mark.parametrize(
    ("url", "queries"),
    [("/2024/", 12), ("/2024/03/", 12), ("/2024/03/10/", 12), ("/search/?q=story", 13)],
)
def test_archive_and_search_pages_run_a_fixed_number_of_queries(client, url, queries):
    when = timezone.now().replace(2024, 3, 10, 12)
    make_post("Story one", published_at=when, tags=["a"])
    client.get(url)
    few = count_queries(client, url)
    for i in range(20):
        make_post(f"Story {i}", published_at=when, tags=[f"t{i}"], categories=[make_category()])
    # The site settings, the page menu, the sidebar's widgets (uncached: 8) and the list's
    # own: the posts' count (which tells whether a period has any), the posts; search also
    # reads the pages found.
    assert count_queries(client, url) == few == queries


@pytest.mark.usefixtures("uncached")
def test_post_page_runs_a_fixed_number_of_queries(client):
    plain = make_post("Plain", days_ago=3)
    client.get(plain.get_absolute_url())
    few = count_queries(client, plain.get_absolute_url())
    loaded = make_post("Loaded", categories=[make_category(f"C{i}") for i in range(8)],
                       tags=[f"tag{i}" for i in range(20)], days_ago=2)  # fmt: skip
    for i in range(10):
        make_post(f"Neighbour {i}", days_ago=10 + i, tags=[f"n{i}"])
    assert count_queries(client, loaded.get_absolute_url()) == few


def test_sidebar_widgets_are_cached_between_requests_but_not_forms(client, settings):
    make_many(3)
    settings.PAGE_CACHE_SECONDS = 60
    first = count_queries(client, "/")
    second = count_queries(client, "/")
    assert second <= first - 4  # categories, tags, recent posts and months come from the cache
    body = client.get("/").content.decode()
    assert ">Recent posts</h2>" in body and "Story 0" in body


NUL_ADDRESSES = [
    "/tag/a%00b/", "/tag/a%00b/feed/", "/tag/a%00b/feed/atom/", "/author/a%00b/",
    "/author/a%00b/feed/", "/category/a%00b/", "/category/a%00b/feed/",
    "/category/news/a%00b/", "/2024/01/02/a%00b/", "/2024/01/02/a%00b/feed/", "/a%00b/",
    "/about/a%00b/", "/image/a%00b/", "/comments/confirm/a%00b/", "/followers/confirm/a%00b/",
    "/admin/blog/post/a%00b/change/",
]  # fmt: skip


@pytest.mark.parametrize("url", NUL_ADDRESSES)
def test_address_with_a_nul_character_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/search/?q=a%00b", "/?p=1%00", "/?a%00b=1", "/feed/?x=%00", "/admin/blog/post/?q=%00"]
)
def test_query_parameter_with_a_nul_character_is_a_bad_request(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "characters the blog cannot read" in response.content.decode()


def test_search_with_another_control_character_still_finds_the_post(client):
    make_post("Breaking news from Tehran")
    response = client.get("/search/?q=Tehran%01")
    assert "Breaking news from Tehran" in main_content(response)


HIDDEN = [
    {"status": Post.Status.DRAFT},
    {"status": Post.Status.PRIVATE},
    {"status": Post.Status.SCHEDULED, "published_at": timezone.now() + timedelta(days=7)},
]


@pytest.mark.parametrize("fields", HIDDEN)
def test_tag_page_is_404_when_only_hidden_posts_carry_the_tag(client, fields):
    make_post("Secret", tags=["Embargoed merger"], **fields)
    response = client.get("/tag/embargoed-merger/")
    assert response.status_code == 404
    assert "Embargoed merger" not in response.content.decode()


@pytest.mark.parametrize("fields", HIDDEN)
def test_category_page_is_404_when_only_hidden_posts_are_in_it(client, fields):
    make_post("Secret", categories=[make_category("Takeover")], **fields)
    assert client.get("/category/takeover/").status_code == 404


def test_category_page_is_404_when_empty(client):
    make_category("Nothing yet")
    assert client.get("/category/nothing-yet/").status_code == 404


@pytest.mark.parametrize("fields", HIDDEN)
def test_author_page_is_404_when_the_author_has_only_hidden_posts(client, fields):
    make_post("Secret", author=make_user("ghost"), **fields)
    assert client.get("/author/ghost/").status_code == 404


@pytest.mark.parametrize("fields", HIDDEN)
def test_date_archives_are_404_when_only_hidden_posts_are_in_them(client, fields):
    post = make_post("Secret", **fields)
    when = post.published_at
    for url in (f"/{when:%Y}/", f"/{when:%Y/%m}/", f"/{when:%Y/%m/%d}/"):
        assert client.get(url).status_code == 404


def test_home_page_of_a_new_blog_answers_200(client):
    make_post("Secret", status=Post.Status.DRAFT)
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("uncached")
def test_header_and_footer_links_follow_the_script_prefix(client):
    make_post("Story")
    client.get("/")  # the addresses kept for the site at the root
    set_script_prefix("/blog/")  # as the WSGI handler does for a site under /blog/
    try:
        html = client.get("/").content.decode()
    finally:
        clear_script_prefix()
    assert 'action="/blog/search/"' in html and 'href="/blog/sitemap.xml"' in html
    assert 'href="/blog/author/' in html and 'href="/blog/feed/"' in html


def test_home_posts_give_each_page_as_the_queryset_with_renditions_read():
    from blog.media.selectors import post_featured
    from blog.selectors import home_posts

    posts = make_pictured(3, [make_category("Region")])
    make_post("Sticky", sticky=True)
    now = timezone.now()
    queryset = Post.objects.published(now=now).order_by("-sticky", "-published_at", "-pk")
    home = home_posts(now=now)
    assert home.count() == 4 and home[0:0] == []
    for window in (slice(0, 2), slice(2, 4), slice(0, 2)):  # the last one prepared already
        page = home[window]
        assert page == list(queryset[window])
        with CaptureQueriesContext(connection) as queries:
            widths = [len(post_featured(p).renditions.all()) for p in page if p.featured_media_id]
        assert len(queries) == 0 and widths and set(widths) == {6}
    assert {p.pk for p in home[0:4]} == {p.pk for p in posts} | {queryset[0].pk}
