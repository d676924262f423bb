"""Counted views wait in the web process and are written together (blog.stats.services
views_flush_due / views_flush): a busy blog writes once a second, not once a view, and no view
is lost on the way."""

import subprocess
import sys
import textwrap
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from blog.stats import services as stats
from blog.stats.models import ViewEvent
from tests.factories import make_post

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic() of the stats module, moved on by hand."""
    now = [1000.0]
    monkeypatch.setattr(stats.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def buffered(settings, clock):
    """Production's rule: write a second after the last write, or when 500 views wait."""
    settings.VIEWS_FLUSH_SECONDS = 1
    settings.VIEWS_FLUSH_SIZE = 500
    stats._Buffer.written_at = clock[0] - 3600  # the process has been quiet for an hour


def visit(client, url):
    return client.get(url, headers={"User-Agent": BROWSER})


def inserts(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "blog_viewevent"')]


def test_first_view_after_a_quiet_spell_is_written_at_once(client, buffered):
    visit(client, make_post().get_absolute_url())
    assert ViewEvent.objects.count() == 1
    assert stats.views_waiting() == 0


def test_views_within_the_second_wait_then_go_in_one_insert(client, buffered, clock):
    post = make_post()
    visit(client, post.get_absolute_url())
    for _ in range(3):
        visit(client, post.get_absolute_url())
    assert ViewEvent.objects.count() == 1
    assert stats.views_waiting() == 3
    clock[0] += 1.5
    with CaptureQueriesContext(connection) as queries:
        visit(client, "/")
    assert len(inserts(queries)) == 1
    assert ViewEvent.objects.count() == 5
    assert list(ViewEvent.objects.values_list("post_id", flat=True).order_by("pk")) == [
        post.pk, post.pk, post.pk, post.pk, None,
    ]  # fmt: skip


def test_a_request_that_is_not_counted_writes_the_waiting_views(client, buffered, clock):
    post = make_post()
    visit(client, post.get_absolute_url())
    visit(client, post.get_absolute_url())
    clock[0] += 2
    assert client.get("/healthz").status_code == 200
    assert ViewEvent.objects.count() == 2


def test_a_full_buffer_is_written_before_the_second_is_over(client, buffered, settings):
    settings.VIEWS_FLUSH_SIZE = 3
    post = make_post()
    visit(client, post.get_absolute_url())
    visit(client, post.get_absolute_url())
    visit(client, post.get_absolute_url())
    assert ViewEvent.objects.count() == 1
    visit(client, post.get_absolute_url())
    assert ViewEvent.objects.count() == 4


def test_waiting_views_still_follow_the_counting_rules(client, buffered):
    post = make_post()
    visit(client, post.get_absolute_url())
    client.get(post.get_absolute_url(), headers={"User-Agent": "Googlebot/2.1"})
    client.head(post.get_absolute_url(), headers={"User-Agent": BROWSER})
    assert stats.views_waiting() == 0


def test_views_that_cannot_be_written_leave_the_page_alone(client, buffered):
    post = make_post("Still readable")
    with mock.patch.object(ViewEvent.objects, "bulk_create", side_effect=DatabaseError("disk")):
        response = visit(client, post.get_absolute_url())
    assert response.status_code == 200
    assert stats.views_waiting() == 0  # not kept to fail again on every request


@pytest.mark.django_db(transaction=True)
def test_a_process_that_exits_writes_its_waiting_views():
    """A web process holding views (a deploy or max_requests stops it) writes them at exit."""
    post = make_post()
    db = connection.settings_dict
    database = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    script = textwrap.dedent(f"""
        import os, django
        os.environ["DATABASE_URL"] = "{database}"
        os.environ["VIEWS_FLUSH_SECONDS"] = "3600"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from django.test import RequestFactory
        from blog.stats import services
        services._Buffer.written_at = float("inf")  # nothing is due before the exit
        for _ in range(3):
            request = RequestFactory(SERVER_NAME="localhost").get("/", headers={{"User-Agent": "{BROWSER}"}})
            services.view_record(request, post_id={post.pk})
            services.views_flush_due()
        print(services.views_waiting())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "3"  # all three waited until the exit
    assert ViewEvent.objects.filter(post_id=post.pk).count() == 3
