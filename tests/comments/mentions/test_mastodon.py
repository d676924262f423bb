"""The Follow box's Mastodon posts: fetched by a task from Mastodon's API (a real HTTP server
on 127.0.0.1 standing in for the instance), sanitised, stored, shown under the account."""

import contextlib
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import SiteSettings, SocialProfile
from comments.mentions import mastodon
from comments.mentions.models import MastodonStatus
from comments.mentions.tasks import fetch_mastodon_statuses, refresh_mastodon_statuses
from tests.httpserver import Route

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/accounts/lookup?acct=newsroom"
STATUSES = "/api/v1/accounts/109/statuses?limit=6&exclude_replies=true&exclude_reblogs=true"


def as_json(value, status=200):
    body = value if isinstance(value, (str, bytes)) else json.dumps(value)
    return Route(body, status=status, headers={"Content-Type": "application/json"})


def status(n, content="<p>Hello</p>", **extra):
    return {
        "id": str(1000 + n), "url": f"https://mastodon.example/@newsroom/{1000 + n}",
        "created_at": f"2026-12-0{n}T10:00:00.000Z", "content": content, "visibility": "public",
        **extra,
    }  # fmt: skip


@pytest.fixture
def account(server):
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": "follow-account"})
    server.routes[LOOKUP] = as_json({"id": "109", "username": "newsroom"})
    return SocialProfile.objects.create(
        site=SiteSettings.load(), kind="mastodon", url=server.url("/@newsroom"), follow_box=True
    )


def box(client):
    html = client.get("/").content.decode()
    start = html.index('<section class="widget widget-follow-account"')
    return html[start : html.index("</section>", start)]


def test_latest_posts_are_fetched_and_shown_under_the_account(client, server, account):
    server.routes[STATUSES] = as_json([status(3, "<p>Third</p>"), status(2, "<p>Second</p>")])
    assert mastodon.statuses_fetch(profile_id=account.pk) == 2
    html = box(client)
    assert html.index("Third") < html.index("Second")
    assert 'href="https://mastodon.example/@newsroom/1003"' in html
    assert "Follow @newsroom@127.0.0.1 on Mastodon" in html


def test_only_the_newest_three_public_posts_are_kept(server, account):
    posts = [status(n) for n in range(9, 0, -1)]
    posts[0]["visibility"] = "private"
    server.routes[STATUSES] = as_json(posts)
    mastodon.statuses_fetch(profile_id=account.pk)
    assert list(account.mastodon_statuses.values_list("status_id", flat=True)) == [
        "1008", "1007", "1006"
    ]  # fmt: skip


def test_hostile_html_in_a_post_is_made_harmless(client, server, account):
    hostile = (
        '<p onclick="steal()">Hi <script>alert(1)</script><img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">click</a> <a href="https://ok.example/">ok</a>'
        "<iframe src=https://evil.example></iframe><style>body{}</style></p>"
    )
    server.routes[STATUSES] = as_json([status(1, hostile)])
    mastodon.statuses_fetch(profile_id=account.pk)
    html = box(client)
    for bad in ("<script", "onclick", "onerror", "<img", "javascript:", "<iframe", "<style"):
        assert bad not in html
    assert re.search(r'<a href="https://ok.example/" rel="noopener nofollow ugc">ok</a>', html)


def test_a_huge_post_is_cut_to_a_short_text(server, account):
    server.routes[STATUSES] = as_json([status(1, "<p>" + "word " * 100_000 + "</p>")])
    mastodon.statuses_fetch(profile_id=account.pk)
    [stored] = account.mastodon_statuses.all()
    assert len(stored.content_html) < 700 and stored.content_html.endswith("…</p>")


@pytest.mark.parametrize(
    "answer",
    [
        as_json("{not json"),
        as_json(b"\xff\xfe garbage"),
        as_json("[" * 100_000 + "]" * 100_000),
        as_json({"error": "Record not found"}, status=404),
        as_json({"id": "../../admin"}),
        Route("<html>a login page</html>"),
    ],
)
def test_an_unreadable_answer_keeps_the_posts_and_the_follow_link(client, server, account, answer):
    server.routes[STATUSES] = as_json([status(1, "<p>Kept from before</p>")])
    mastodon.statuses_fetch(profile_id=account.pk)
    server.routes[LOOKUP] = answer
    with pytest.raises(mastodon.Unavailable):
        mastodon.statuses_fetch(profile_id=account.pk)
    html = box(client)
    assert "Kept from before" in html and "Follow @newsroom@127.0.0.1 on Mastodon" in html


@pytest.mark.parametrize(
    "statuses",
    [
        as_json("{not json"),
        as_json({"not": "a list"}),
        as_json([{"id": 1}, "text", None, {"id": "5", "url": "javascript:x", "created_at": "no"}]),
    ],
)
def test_bad_statuses_store_nothing_wrong(server, account, statuses):
    server.routes[STATUSES] = statuses
    with contextlib.suppress(mastodon.Unavailable):
        mastodon.statuses_fetch(profile_id=account.pk)
    assert not MastodonStatus.objects.exists()


def test_an_account_that_never_answered_still_has_its_follow_link(client, server, account):
    server.routes.clear()
    fetch_mastodon_statuses(profile_id=account.pk)  # the task logs, and does not fail
    assert "Follow @newsroom@127.0.0.1 on Mastodon" in box(client)
    assert not MastodonStatus.objects.exists()


def test_fetch_never_reaches_a_private_address(settings, account):
    settings.ALLOW_LOOPBACK_FETCH = False
    with pytest.raises(mastodon.Unavailable):
        mastodon.statuses_fetch(profile_id=account.pk)


def test_putting_an_account_in_the_box_queues_a_fetch(
    django_capture_on_commit_callbacks, task_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        SocialProfile.objects.create(
            site=SiteSettings.load(), kind="mastodon", url="https://m.example/@a", follow_box=True
        )
    names = [job["task_name"] for job in task_queue.connector.jobs.values()]
    assert names == ["comments.mentions.tasks.fetch_mastodon_statuses"]


def test_periodic_refresh_queues_each_mastodon_account_in_the_box(account, task_queue):
    task_queue.connector.jobs.clear()
    SocialProfile.objects.create(site=SiteSettings.load(), kind="x", url="https://x.com/a",
                                 follow_box=True)  # fmt: skip
    refresh_mastodon_statuses(timestamp=0)
    jobs = list(task_queue.connector.jobs.values())
    assert [job["args"] for job in jobs] == [{"profile_id": account.pk}]


def test_box_queries_do_not_grow_with_accounts_and_posts(client, server, account):
    server.routes[STATUSES] = as_json([status(n) for n in range(1, 4)])
    mastodon.statuses_fetch(profile_id=account.pk)
    with CaptureQueriesContext(connection) as one:
        box(client)
    for name in ("a", "b", "c"):
        other = SocialProfile.objects.create(
            site=SiteSettings.load(), kind="mastodon", url=f"https://m.example/@{name}",
            follow_box=True,
        )  # fmt: skip
        MastodonStatus.objects.create(
            profile=other, status_id="1", url="https://m.example/1", content_html="<p>x</p>",
            created_at="2026-12-01T00:00:00Z",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as four:
        box(client)
    assert len(four) == len(one)
