"""The page cache (blog.pagecache): anonymous readers get cached pages, and the very next
request after any change readers can see shows it. Each test runs once with the cache in
PostgreSQL (the default) and once with Redis (CACHE_URL=redis://...)."""

import os
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from blog import pagecache
from blog.followers.models import Follower
from blog.models import Category, Page, Post, SiteSettings
from blog.stats.models import Like, ViewEvent
from comments.models import Comment, DiscussionSettings
from config.settings import cache_from_url
from tests.comments.factories import make_comment
from tests.factories import main_content, make_category, make_page, make_post, make_user

pytestmark = pytest.mark.django_db

BACKENDS = {
    "postgres": cache_from_url(""),  # the default: a table in the blog's PostgreSQL
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/7",
        # This run's own keys: another test run on the machine shares the server.
        "KEY_PREFIX": f"newsroom-tests-{os.getpid()}",
    },
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture(autouse=True, params=list(BACKENDS))
def backend(request, settings):
    settings.CACHES = {"default": BACKENDS[request.param]}
    clear_cache(request.param)
    SiteSettings.load()  # made on first use, which would end the first page's generation
    DiscussionSettings.load()
    yield request.param
    clear_cache(request.param)


def clear_cache(backend):
    """Empty the cache; in Redis only this run's keys (clear() would empty the whole database
    for every other run using it)."""
    if backend != "redis":
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{BACKENDS['redis']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


def get(url, client=None, **headers):
    return (client or Client()).get(url, headers=headers)


def queries_of(url, client=None, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = get(url, client, **headers)
    assert response.status_code == 200
    return len(queries)


def text(url):
    return get(url).content.decode()


# Served from the cache


def test_second_anonymous_request_comes_from_the_cache(backend):
    post = make_post("Cached story")
    first = queries_of(post.get_absolute_url())
    second = queries_of(post.get_absolute_url())
    assert first > 5
    assert second <= 1  # the generation and the page, in one round trip (Redis: none)
    assert "Cached story" in text(post.get_absolute_url())


@pytest.mark.parametrize("url", ["/", "/feed/", "/feed/atom/", "/sitemap.xml", "/tag/news/",
                                 "/category/world/", "/author/writer/", "/comments/feed/"])  # fmt: skip
def test_every_public_kind_of_page_is_cached(url):
    make_post(
        "Listed", author=make_user("writer"), tags=["news"], categories=[make_category("World")]
    )
    get(url)
    assert queries_of(url) <= 1


def test_page_from_the_cache_carries_every_header_of_the_page_it_copies():
    post = make_post()
    first = get(post.get_absolute_url())
    again = get(post.get_absolute_url())
    assert queries_of(post.get_absolute_url()) <= 1  # the copy, not a new page
    names = {name.lower() for name in first.headers} - {"date"}
    assert names == {name.lower() for name in again.headers} - {"date"}
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy", "Content-Security-Policy", "Vary", "ETag"):  # fmt: skip
        assert again[name] == first[name], name


def test_campaign_trackers_in_the_address_share_the_page_without_them():
    make_post()
    plain = get("/")
    assert queries_of("/?utm_source=newsletter&utm_medium=email&fbclid=abc") <= 1
    assert get("/?gclid=1")["ETag"] == plain["ETag"]


@pytest.mark.parametrize("query", ["?x=1", "?page=02", "?page=2&page=3", "?cpage=%ff", "?p=abc"])
def test_addresses_with_other_queries_are_made_for_the_request_and_not_kept(query):
    for n in range(12):
        make_post(f"Story {n}")
    get("/")
    pages_kept = len(pagecache._copies)
    first, again = get(f"/{query}"), get(f"/{query}")
    assert first.status_code in (200, 404) and again.status_code == first.status_code
    assert queries_of("/") <= 1  # the plain page is still kept
    assert len(pagecache._copies) == pages_kept  # nothing more kept for the odd address
    if first.status_code == 200:
        assert again["Cache-Control"] == "private, no-store"


def test_second_page_of_a_list_is_kept_under_its_own_address():
    for n in range(12):
        make_post(f"Story {n}")
    second = get("/?page=2")
    assert queries_of("/?page=2") <= 1
    assert get("/?page=2&utm_campaign=x").content == second.content != get("/").content


def test_page_from_the_cache_is_still_a_counted_view():
    post = make_post()
    get(post.get_absolute_url(), **{"User-Agent": BROWSER})
    get(post.get_absolute_url(), **{"User-Agent": BROWSER})
    assert ViewEvent.objects.filter(post_id=post.pk).count() == 2


def test_search_is_not_cached():
    make_post("Findable")
    get("/search/?q=findable")
    assert queries_of("/search/?q=findable") > 1


# The very next request shows each kind of change


def test_approved_comment_shows_at_once():
    post = make_post()
    comment = make_comment(post, "Held words", status=Comment.Status.PENDING)
    assert "Held words" not in text(post.get_absolute_url())
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert "Held words" in text(post.get_absolute_url())


def test_edited_comment_shows_at_once():
    post = make_post()
    comment = make_comment(post, "First words")
    assert "First words" in text(post.get_absolute_url())
    comment.comment = "Second thoughts"
    comment.save()
    assert "Second thoughts" in text(post.get_absolute_url())


def test_removed_comment_goes_at_once_from_the_post_and_its_feed():
    post = make_post()
    comment = make_comment(post, "Regrettable words")
    feed = f"{post.get_absolute_url()}feed/"
    assert "Regrettable words" in text(post.get_absolute_url())
    assert "Regrettable words" in text(feed)
    comment.delete()
    assert "Regrettable words" not in text(post.get_absolute_url())
    assert "Regrettable words" not in text(feed)


def test_published_post_shows_at_once_on_home_feed_and_sitemap():
    draft = make_post("Brand new", status=Post.Status.DRAFT)
    for url in ("/", "/feed/", "/sitemap.xml"):
        assert "Brand new" not in text(url) and "brand-new" not in text(url)
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert "Brand new" in text("/")
    assert "Brand new" in text("/feed/")
    assert draft.get_absolute_url() in text("/sitemap.xml")


def test_edited_post_title_shows_at_once_on_its_page_and_its_neighbours():
    older = make_post("Older one", days_ago=3)
    post = make_post("Old title", days_ago=2)
    assert "Old title" in text(post.get_absolute_url())
    assert "Old title" in text(older.get_absolute_url())  # "Next →"
    Post.objects.filter(pk=post.pk).update(title="New title")  # no signal: the write is seen
    assert "New title" in text(post.get_absolute_url())
    assert "New title" in text(older.get_absolute_url())


def test_unpublished_post_is_gone_at_once():
    post = make_post("Withdrawn")
    assert get(post.get_absolute_url()).status_code == 200
    assert "Withdrawn" in text("/")
    post.status = Post.Status.DRAFT
    post.save()
    assert get(post.get_absolute_url()).status_code == 404
    assert "Withdrawn" not in text("/")


def test_scheduled_post_shows_the_moment_it_goes_live(monkeypatch):
    make_post("Already out")
    soon = timezone.now() + timedelta(minutes=5)
    make_post("Scheduled story", status=Post.Status.SCHEDULED, published_at=soon)
    assert "Scheduled story" not in text("/")
    assert "Scheduled story" not in text("/")  # from the cache
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Scheduled story" in text("/")


def test_like_shows_at_once_to_other_readers():
    post = make_post()
    assert "Be the first to like this." in text(post.get_absolute_url())
    Client().post(f"/likes/{post.pk}/", {"like": "1"})
    assert Like.objects.count() == 1
    assert "1 blogger likes this." in text(post.get_absolute_url())


@pytest.fixture
def follow_widget():
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": "follow-blog"})


def test_new_and_departed_followers_show_at_once(follow_widget):
    make_post()
    Follower.objects.bulk_create([Follower(email=f"r{n}@example.com", status="active")
                                  for n in range(2)])  # fmt: skip
    assert "Join 2 other followers" in text("/")
    Follower.objects.create(email="late@example.com", status="active")
    assert "Join 3 other followers" in text("/")
    Follower.objects.filter(email="late@example.com").update(status="unsubscribed")
    assert "Join 2 other followers" in text("/")


def test_follow_widget_of_a_reader_not_signed_in_is_made_once_per_change(follow_widget):
    make_post()
    reader = Client(HTTP_COOKIE="reader=1")  # a page rendered for them, not the cached one
    Follower.objects.create(email="first@example.com", status="active")
    assert "Join 1 other follower" in reader.get("/").content.decode()
    again = reader.get("/")
    assert "followers/_widget.html" not in [template.name for template in again.templates]
    assert "Join 1 other follower" in again.content.decode()
    Follower.objects.create(email="late@example.com", status="active")
    assert "Join 2 other followers" in reader.get("/").content.decode()


def test_page_and_menu_edit_show_at_once():
    make_post()
    about = make_page("About us", show_in_menu=True)
    assert "About us" in text("/")
    assert "What this blog is about." in text(about.get_absolute_url())
    about.title, about.body = "Who we are", "<p>Changed words.</p>"
    about.save()
    assert "Who we are" in text("/")
    assert "Changed words." in text(Page.objects.get().get_absolute_url())


def test_category_and_tag_renames_show_at_once():
    world = make_category("World")
    post = make_post(categories=[world], tags=["oldtag"])
    assert "World" in text(post.get_absolute_url())
    Category.objects.filter(pk=world.pk).update(name="Planet")
    Tag.objects.filter(name="oldtag").update(name="newtag")
    page = text(post.get_absolute_url())
    assert "Planet" in page and "newtag" in page


def test_site_settings_and_widgets_show_at_once():
    make_post("Some story")
    settings_row = SiteSettings.load()
    settings_row.title, settings_row.sidebar_widgets = "Renamed blog", "recent"
    settings_row.save()
    home = text("/")
    assert "Renamed blog" in home and ">Recent posts</h2>" in home
    settings_row.sidebar_widgets = "search"
    settings_row.save()
    assert ">Recent posts</h2>" not in text("/")


def test_author_rename_shows_at_once():
    author = make_user("writer")
    post = make_post(author=author)
    assert "Writer" in text(post.get_absolute_url())
    author.profile.display_name = "Ada Lovelace"
    author.profile.save()
    assert "Ada Lovelace" in text(post.get_absolute_url())


def test_generation_changes_only_when_the_transaction_commits(monkeypatch,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.undo()  # the real thing: after commit, not at once as in other tests
    pagecache.generation_bump()
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        make_post()
        make_post()
        assert pagecache.generation() == before  # not committed: nobody may see it yet
    bumps = [callback for callback in callbacks if callback is pagecache.generation_bump]
    assert len(bumps) == 1  # one per transaction, however many writes
    assert pagecache.generation() != before


def test_writes_no_page_shows_keep_the_cache():
    post = make_post()
    get(post.get_absolute_url())
    before = pagecache.generation()
    get(post.get_absolute_url(), **{"User-Agent": BROWSER})  # logs a view
    Client().post("/accounts/login/", {"username": "x", "password": "y"})  # a rate counter
    assert pagecache.generation() == before


# Readers the site knows get their own page


def test_signed_in_reader_gets_their_own_page_and_never_a_shared_one():
    post = make_post()
    reader = make_user("ada")
    anonymous = get(post.get_absolute_url())
    client = Client()
    client.force_login(reader)
    own = client.get(post.get_absolute_url())
    assert "Log out" in own.content.decode() and "Log out" not in anonymous.content.decode()
    assert own["Cache-Control"] == "private, no-store"
    assert "Log out" not in text(post.get_absolute_url())


def test_reader_who_liked_sees_their_own_like():
    post = make_post()
    get(post.get_absolute_url())
    client = Client()
    client.post(f"/likes/{post.pk}/", {"like": "1"})
    assert "You like this." in client.get(post.get_absolute_url()).content.decode()
    assert "You like this." not in text(post.get_absolute_url())


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_signed_in_readers_page_reads_settings_and_providers_once_per_change():
    post = make_post()
    client = Client()
    client.force_login(make_user("ada"))
    client.get(post.get_absolute_url())
    again = tables_read(client, post.get_absolute_url())
    for table in ("blog_sitesettings", "comments_discussionsettings", "socialaccount_socialapp"):
        assert table not in again
    row = SiteSettings.load()
    row.title = "Renamed for Ada"
    row.save()
    app = SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s",
                                   settings={"server_url": "http://127.0.0.1:9/o"})  # fmt: skip
    app.sites.add(Site.objects.get_current())
    page = text_of(client, post)
    assert "Renamed for Ada" in page and "signin-button signin-google" not in page  # signed in
    assert "signin-button signin-google" in text_of(Client(HTTP_COOKIE="reader=1"), post)


def test_settings_read_outside_a_readers_page_are_always_fresh():
    first = SiteSettings.load()
    SiteSettings.objects.filter(pk=1).update(title="Changed behind its back")
    assert SiteSettings.load().title == "Changed behind its back"  # no page running: no reuse
    assert first is not SiteSettings.load()


def test_addresses_the_cache_never_keeps_cost_no_round_trip_to_it(django_assert_num_queries):
    make_post()
    with django_assert_num_queries(0):  # with the cache in PostgreSQL, a cache read is a query
        assert Client().get("/healthz").status_code == 200


def test_cached_page_carries_no_token_cookie_or_nonce():
    post = make_post()
    make_comment(post)
    get(post.get_absolute_url())
    response = get(post.get_absolute_url())
    body = response.content.decode()
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in body and "nonce" not in body
    assert "nonce" not in response["Content-Security-Policy"]
    assert 'id="commentform"' in body


def test_post_with_sign_in_buttons_is_cached_and_carries_no_readers_token():
    app = SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s",
                                   settings={"server_url": "http://127.0.0.1:9/o"})  # fmt: skip
    app.sites.add(Site.objects.get_current())  # the comment form shows its sign-in button
    post = make_post()
    first = Client(HTTP_USER_AGENT=BROWSER)
    first.cookies["csrftoken"] = "A" * 32
    page = text_of(first, post)
    assert "signin-button signin-google" in page
    assert "csrfmiddlewaretoken" not in page  # the start checks where a post comes from
    assert queries_of(post.get_absolute_url()) <= 1  # from the cache, as in the first test


def test_page_that_made_a_readers_csrf_token_is_never_stored(rf):
    post = make_post()
    request = rf.get(post.get_absolute_url())
    request.resolver_match = pagecache.cached_view(post.get_absolute_url())
    response = HttpResponse("The post, rendered")
    assert pagecache.storable(request, response)
    get_token(request)  # a form with {% csrf_token %} on the page
    assert not pagecache.storable(request, response)


def text_of(client, post):
    return client.get(post.get_absolute_url()).content.decode()


# HTTP caching


def test_public_page_lets_proxies_keep_it_briefly(settings):
    post = make_post()
    response = get(post.get_absolute_url())
    assert response["Cache-Control"] == (
        f"public, max-age=0, s-maxage={settings.PAGE_CACHE_PROXY_SECONDS}"
    )
    assert "Cookie" in response["Vary"]
    assert response["ETag"] and response["Last-Modified"]


@pytest.mark.parametrize("url", ["/", "/feed/"])
def test_conditional_get_with_the_etag_is_304_without_a_body(url):
    make_post()
    etag = get(url)["ETag"]
    response = get(url, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_conditional_get_with_the_date_is_304():
    make_post()
    modified = get("/")["Last-Modified"]
    assert get("/", **{"If-Modified-Since": modified}).status_code == 304


def test_conditional_get_after_a_change_is_the_new_page():
    post = make_post("Before")
    etag = get("/")["ETag"]
    Post.objects.filter(pk=post.pk).update(title="After")
    response = get("/", **{"If-None-Match": etag})
    assert response.status_code == 200
    assert "After" in main_content(response)


def test_copy_kept_by_this_process_is_not_served_after_another_process_changes_something():
    post = make_post("Original title")
    get(post.get_absolute_url())
    assert "Original title" in text(post.get_absolute_url())  # from this process's copy
    with connection.cursor() as cursor:  # as another machine would: the table, then the token
        cursor.execute("UPDATE blog_post SET title = 'Changed elsewhere'")
    pagecache.generation_bump()
    assert "Changed elsewhere" in text(post.get_absolute_url())
