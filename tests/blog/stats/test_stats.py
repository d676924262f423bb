import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, SiteSettings
from blog.stats import selectors as stats_selectors
from blog.stats import services as stats
from blog.stats.models import (
    DailyPostViews,
    DailyReferrer,
    DailySiteViews,
    DailyVisitor,
    Like,
    ViewEvent,
)
from blog.stats.tasks import fold_page_views
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def visit(client, url, agent=BROWSER, headers=None, **extra):
    return client.get(url, headers={"User-Agent": agent, **(headers or {})}, **extra)


def post_views(post):
    return sum(DailyPostViews.objects.filter(post=post).values_list("views", flat=True))


def site_views():
    return stats_selectors.site_views_total()


def test_post_page_view_counts_for_the_post_and_the_site(client):
    post = make_post("Read me")
    visit(client, post.get_absolute_url())
    stats.views_fold()
    assert post_views(post) == 1
    assert site_views() == 1


def test_home_page_view_counts_for_the_site_only(client):
    post = make_post()
    visit(client, "/")
    stats.views_fold()
    assert site_views() == 1
    assert post_views(post) == 0


def test_views_are_buffered_until_folded(client):
    post = make_post()
    visit(client, post.get_absolute_url())
    assert ViewEvent.objects.count() == 1
    assert site_views() == 0
    assert stats.views_fold() == 1
    assert ViewEvent.objects.count() == 0


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36",
        "",
    ],
)
def test_bots_are_not_counted(client, agent):
    post = make_post()
    assert visit(client, post.get_absolute_url(), agent=agent).status_code == 200
    assert ViewEvent.objects.count() == 0


@pytest.mark.parametrize(
    "header", [{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"},
               {"Purpose": "prefetch"}, {"X-Moz": "prefetch"}],
)  # fmt: skip
def test_prefetches_are_not_counted(client, header):
    post = make_post()
    visit(client, post.get_absolute_url(), headers=header)
    assert ViewEvent.objects.count() == 0


def test_head_requests_are_not_counted(client):
    post = make_post()
    client.head(post.get_absolute_url(), headers={"User-Agent": BROWSER})
    assert ViewEvent.objects.count() == 0


def test_editors_own_visits_and_previews_are_not_counted(client):
    client.force_login(make_user("ed", group="Editor"))
    post = make_post()
    draft = make_post("Draft", status=Post.Status.DRAFT)
    visit(client, post.get_absolute_url())
    assert visit(client, draft.get_absolute_url()).status_code == 200
    assert ViewEvent.objects.count() == 0


def test_signed_in_readers_are_counted(client):
    client.force_login(make_user("reader"))
    visit(client, make_post().get_absolute_url())
    assert ViewEvent.objects.count() == 1


def test_redirects_404s_and_feeds_are_not_counted(client):
    post = make_post("Moved")
    visit(client, f"/2001/01/01/{post.slug}/")
    visit(client, "/no/such/page/")
    visit(client, "/feed/")
    visit(client, "/healthz")
    assert ViewEvent.objects.count() == 0


def test_counting_can_be_turned_off(client, settings):
    settings.COUNT_VIEWS = False
    visit(client, make_post().get_absolute_url())
    assert ViewEvent.objects.count() == 0


def test_a_failed_count_does_not_break_the_page(client):
    post = make_post("Still readable")
    with mock.patch.object(ViewEvent.objects, "bulk_create", side_effect=DatabaseError("disk")):
        response = visit(client, post.get_absolute_url())
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()


def test_unique_visitors_count_each_reader_once_a_day(client):
    post = make_post()
    for _ in range(3):
        visit(client, post.get_absolute_url(), REMOTE_ADDR="203.0.113.7")
    visit(client, "/", REMOTE_ADDR="203.0.113.7")
    visit(client, post.get_absolute_url(), REMOTE_ADDR="198.51.100.20")
    stats.views_fold()
    today = DailySiteViews.objects.get(day=timezone.localdate())
    assert (today.views, today.visitors) == (5, 2)


def test_unique_visitors_stay_unique_across_folds(client):
    post = make_post()
    visit(client, post.get_absolute_url())
    stats.views_fold()
    visit(client, post.get_absolute_url())
    stats.views_fold()
    today = DailySiteViews.objects.get(day=timezone.localdate())
    assert (today.views, today.visitors) == (2, 1)


def test_no_raw_address_is_stored(client):
    visit(client, make_post().get_absolute_url(), REMOTE_ADDR="203.0.113.77")
    event = ViewEvent.objects.get()
    assert "203.0.113.77" not in str(event.__dict__)
    stats.views_fold()
    assert "203.0.113.77" not in str(list(DailyVisitor.objects.values()))


def test_visitor_hash_changes_every_day(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", headers={"User-Agent": BROWSER})
    today = timezone.localdate()
    assert stats.visitor_hash(request, today) == stats.visitor_hash(request, today)
    assert stats.visitor_hash(request, today) != stats.visitor_hash(request, today - timedelta(1))


def test_visitor_address_comes_from_trusted_proxy_header_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert stats.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXIES = 1
    assert stats.client_ip(request) == "203.0.113.7"


def test_referrer_is_stored_as_host_only(client):
    post = make_post()
    referer = "https://www.Example.org/some/page?utm_source=secret&id=42"
    visit(client, post.get_absolute_url(), headers={"Referer": referer})
    visit(client, post.get_absolute_url(), headers={"Referer": "http://testserver/"})
    stats.views_fold()
    assert list(DailyReferrer.objects.values_list("host", "views")) == [("example.org", 1)]


def test_fold_twice_counts_each_view_once(client):
    post = make_post()
    for _ in range(3):
        visit(client, post.get_absolute_url())
    assert stats.views_fold() == 3
    assert stats.views_fold() == 0
    assert post_views(post) == 3


def test_fold_works_in_batches(client):
    post = make_post()
    for _ in range(7):
        visit(client, post.get_absolute_url())
    assert stats.views_fold(batch_size=2) == 7
    assert post_views(post) == 7


def test_views_of_a_deleted_post_still_count_for_the_site(client):
    post = make_post()
    visit(client, post.get_absolute_url())
    post.delete()
    stats.views_fold()
    assert site_views() == 1
    assert DailyPostViews.objects.count() == 0


def test_old_visitor_hashes_are_forgotten(client):
    old_day = timezone.localdate() - timedelta(days=3)
    DailyVisitor.objects.create(day=old_day, visitor="a" * 32)
    DailyVisitor.objects.create(day=timezone.localdate(), visitor="b" * 32)
    stats.views_fold()
    assert list(DailyVisitor.objects.values_list("visitor", flat=True)) == ["b" * 32]


@pytest.mark.django_db(transaction=True)
def test_fold_task_adds_buffered_views(client, run_jobs):
    post = make_post()
    visit(client, post.get_absolute_url())
    fold_page_views.defer(timestamp=0)
    run_jobs()
    assert post_views(post) == 1


@pytest.mark.django_db(transaction=True)
def test_overlapping_folds_count_each_view_once():
    posts = [make_post(f"P{i}") for i in range(3)]
    day = timezone.localdate()
    ViewEvent.objects.bulk_create(
        ViewEvent(post_id=posts[n % 3].pk, day=day, visitor=f"{n % 50:032d}", referrer_host="")
        for n in range(6000)
    )
    barrier = threading.Barrier(4)

    def fold():
        barrier.wait()
        try:
            return stats.views_fold(batch_size=500)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        folded = list(pool.map(lambda _: fold(), range(4)))
    assert sum(folded) == 6000
    assert [post_views(post) for post in posts] == [2000, 2000, 2000]
    assert DailySiteViews.objects.get(day=day).visitors == 50


@pytest.mark.django_db(transaction=True)
def test_4000_concurrent_page_views_are_counted_exactly(live_server):
    # No sidebar and no discussion: they do not touch the counting and would only slow the test.
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": ""})
    quiet = {"comments_open": False, "pings_open": False}
    posts = [make_post("First story", **quiet), make_post("Second story", **quiet)]
    urls = [live_server.url + post.get_absolute_url() for post in posts]
    done = threading.Event()

    def reader(n):
        agent = f"{BROWSER} reader/{n}"
        for i in range(500):
            request = urllib.request.Request(urls[i % 2], headers={"User-Agent": agent})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200

    def folder():
        # The periodic task folds while readers keep arriving, as in production.
        try:
            while not done.is_set():
                stats.views_fold(batch_size=300)
                done.wait(0.05)
        finally:
            connections.close_all()

    fold_thread = threading.Thread(target=folder)
    fold_thread.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(reader, range(8)))
    finally:
        done.set()
        fold_thread.join()
    stats.views_fold()
    assert [post_views(post) for post in posts] == [2000, 2000]
    today = DailySiteViews.objects.get(day=timezone.localdate())
    assert (today.views, today.visitors) == (4000, 8)
    assert ViewEvent.objects.count() == 0


# The sidebar widgets


def test_visitor_count_widget_adds_views_from_before_the_move(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"visitor_count_start": 1_384_550})
    post = make_post()
    for _ in range(7):
        visit(client, post.get_absolute_url())
    stats.views_fold()
    body = client.get("/").content.decode()
    assert "Visitor Count" in body
    assert '<span class="figure">1,384,557</span>' in body


def test_top_posts_widget_lists_the_most_read_posts_first(client):
    quiet, popular = make_post("Quiet story"), make_post("Popular story")
    make_post("Unread story")
    today = timezone.localdate()
    DailyPostViews.objects.create(post=quiet, day=today, views=3)
    DailyPostViews.objects.create(post=popular, day=today, views=9)
    DailyPostViews.objects.create(post=quiet, day=today - timedelta(days=60), views=100)
    body = client.get("/").content.decode()
    widget = body[body.index("Top posts</h2>") : body.index("</ol>", body.index("Top posts"))]
    assert widget.index("Popular story") < widget.index("Quiet story")
    assert "Unread story" not in widget


def test_top_posts_widget_leaves_out_drafts(client):
    draft = make_post("Unpublished scoop", status=Post.Status.DRAFT)
    DailyPostViews.objects.create(post=draft, day=timezone.localdate(), views=50)
    assert "Unpublished scoop" not in client.get("/").content.decode()


@pytest.mark.usefixtures("uncached")
def test_home_page_queries_do_not_grow_with_the_stats(client):
    posts = [make_post(f"Story {i}") for i in range(3)]
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        visit(client, "/")
    today = timezone.localdate()
    DailyPostViews.objects.bulk_create(
        DailyPostViews(post=post, day=today - timedelta(days=d), views=d + 1)
        for post in posts
        for d in range(40)
    )
    DailySiteViews.objects.bulk_create(
        DailySiteViews(day=today - timedelta(days=d), views=9) for d in range(400)
    )
    with CaptureQueriesContext(connection) as many:
        visit(client, "/")
    assert len(many) == len(few)


# The dashboard


def make_stats_history():
    post = make_post("Most read")
    today = timezone.localdate()
    for d in range(100):
        day = today - timedelta(days=d)
        DailySiteViews.objects.create(day=day, views=100 + d, visitors=40)
        DailyPostViews.objects.create(post=post, day=day, views=10)
        DailyReferrer.objects.create(day=day, host="news.example.com", views=2)
    return post


def test_dashboard_is_for_editors_with_the_stats_permission(client):
    client.force_login(make_user("author", group="Author"))
    assert client.get("/admin/stats/statsdashboard/").status_code == 403
    client.force_login(make_user("editor", group="Editor"))
    assert client.get("/admin/stats/statsdashboard/").status_code == 200


def test_stats_permission_alone_opens_the_dashboard(client):
    user = make_user("analyst", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_stats"))
    client.force_login(user)
    assert client.get("/admin/stats/statsdashboard/").status_code == 200


def test_dashboard_is_linked_from_the_admin_index(client):
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/").content.decode()
    assert 'href="/admin/stats/statsdashboard/"' in body


def test_dashboard_shows_views_chart_top_posts_and_referrers(client):
    make_stats_history()
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert body.count('<rect class="bar"') >= 30
    assert "Most read" in body and '<td class="num">300</td>' in body
    assert "news.example.com" in body
    assert "Views per day <small>(3,435 in all)</small>" in body  # 100 + ... + 129


@pytest.mark.parametrize(("days", "bars"), [("30", 30), ("90", 90), ("365", 365), ("7", 30)])
def test_dashboard_period_sets_the_number_of_days(client, days, bars):
    client.force_login(make_user("editor", group="Editor"))
    response = client.get(f"/admin/stats/statsdashboard/?days={days}")
    chart = response.context["views_chart"]
    assert len(chart["bars"]) == bars


def test_dashboard_shows_likes_per_day(client):
    post = make_post()
    Like.objects.create(post=post, user=make_user())
    Like.objects.create(post=post, user=make_user())
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert "Likes per day <small>(2 in all)</small>" in body


def test_dashboard_warns_about_views_waiting_to_be_counted(client):
    visit(client, make_post().get_absolute_url())
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert "views waiting to be counted" in body


def test_dashboard_runs_a_fixed_number_of_queries(client):
    client.force_login(make_user("editor", group="Editor"))
    client.get("/admin/stats/statsdashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/stats/statsdashboard/?days=365")
    make_stats_history()
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/stats/statsdashboard/?days=365")
    assert len(many) == len(few)


def test_bar_chart_scales_to_a_round_top():
    today = timezone.localdate()
    chart = stats_selectors.bar_chart([(today, 5), (today + timedelta(1), 37)], height=100)
    assert [line["value"] for line in chart["grid"]] == [0, 10, 20, 30, 40]
    assert [bar["h"] for bar in chart["bars"]] == [12.5, 92.5]


def test_dashboard_adds_the_views_from_before_the_move(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"visitor_count_start": 1_384_000})
    DailySiteViews.objects.create(day=timezone.localdate(), views=557)
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert '<span class="figure">1,384,557</span>' in body
    assert "1,384,000 from before the move" in body


def test_dashboard_leaves_out_activity_of_features_not_installed(client, monkeypatch):
    monkeypatch.setattr(stats_selectors, "FOLLOWER_MODELS", ["no_such_app.Follower"])
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert "Likes per day" in body
    assert "New followers per day" not in body


def test_dashboard_counts_followers_per_day_once_the_feature_exists(client, monkeypatch):
    # Stand-in for the followers model: any model with one of the date fields looked for.
    monkeypatch.setattr(stats_selectors, "FOLLOWER_MODELS", ["no_such_app.Follower", "stats.Like"])
    post = make_post()
    for _ in range(3):
        Like.objects.create(post=post, user=make_user())
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert "New followers per day <small>(3 in all)</small>" in body


def test_dashboard_counts_published_comments_per_day(client):
    from comments.models import Comment
    from tests.comments.factories import make_comment

    post = make_post()
    for _ in range(2):  # two on one day: counted as two, whatever order the manager imposes
        make_comment(post, submit_date=timezone.now())
    make_comment(post, submit_date=timezone.now() - timedelta(days=1))
    make_comment(post, status=Comment.Status.SPAM)
    client.force_login(make_user("editor", group="Editor"))
    body = client.get("/admin/stats/statsdashboard/").content.decode()
    assert "Comments per day <small>(3 in all)</small>" in body
