"""Pingback answers that wait for the worker's verdict are few (PINGBACK_WAITERS across every
web process); under a flood the others answer "received" at once and are verified later.

The whole path: xmlrpc.client over real HTTP to the live server (a thread per request, as web
processes), a real worker process, slow sources on a local HTTP server that answer only when
the test lets them."""

import threading
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

import pytest

from comments.mentions import services as mentions
from tests.comments.mentions.pings import linking_page, mentions_of, ping, target_url
from tests.factories import make_post
from tests.httpserver import Route
from tests.worker import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

FLOOD = 12
HELD = 4.0  # seconds a source is held at most: under the fetch's 5 s deadline (FETCH_TIMEOUT)


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.ALLOW_LOOPBACK_FETCH = True
    settings.PINGBACK_WAIT = 30  # the waiting answers get their verdict, however busy the machine
    settings.PINGBACK_WAITERS = 2
    settings.PING_RATE_LIMIT_SOURCE_HOST = (100, 600)  # every source is on 127.0.0.1
    return live_server


@pytest.fixture
def worker(task_queue, site):
    with running_worker(task_queue, SITE_URL=site.url, ALLOW_LOOPBACK_FETCH=1) as process:
        yield process


class Waiters:
    """Counts the requests waiting for a verdict now, and the most there ever were."""

    def __init__(self, monkeypatch):
        self.lock, self.now, self.most = threading.Lock(), 0, 0
        real_await = mentions.pingback_await

        def counted(**kwargs):
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                return real_await(**kwargs)
            finally:
                with self.lock:
                    self.now -= 1

        monkeypatch.setattr(mentions, "pingback_await", counted)


def held_sources(server, post, release: threading.Event) -> dict:
    """FLOOD slow sources linking to post: each answers once release is set (or after HELD)."""
    state = {"answered": 0}

    def slow(handler, body):
        release.wait(HELD)
        state["answered"] += 1
        return Route(linking_page(target_url(post)))

    for n in range(FLOOD):
        server.routes[f"/blog{n}"] = slow
    return state


def test_a_flood_of_pingbacks_keeps_only_two_answers_waiting(site, server, worker, monkeypatch):
    post = make_post("Popular")
    waiters, release = Waiters(monkeypatch), threading.Event()
    sources_state = held_sources(server, post, release)
    answers = []

    def one(n):
        client = xmlrpc.client.ServerProxy(f"{site.url}/xmlrpc/")
        answers.append(ping(client, server.url(f"/blog{n}"), target_url(post)))

    with ThreadPoolExecutor(FLOOD) as pool:
        for n in range(FLOOD):
            pool.submit(one, n)
        assert wait_until(lambda: len(answers) == FLOOD - 2, timeout=HELD)
        # Ten answered while no source had been read yet; two still wait for their verdict.
        assert sources_state["answered"] == 0 and waiters.now == 2
        received = list(answers)
        release.set()
    assert all("received; it will be verified" in answer for answer in received)
    assert sum("registered" in str(answer) for answer in answers) == 2
    assert waiters.most == 2
    assert wait_until(lambda: len(mentions_of(post)) == FLOOD, timeout=60)


def test_with_no_waiting_slots_every_pingback_is_received_and_verified_later(
    site, server, worker, monkeypatch, settings
):
    settings.PINGBACK_WAITERS = 0
    post = make_post("Popular")
    waiters = Waiters(monkeypatch)
    server.routes["/news"] = Route(linking_page(target_url(post)))
    client = xmlrpc.client.ServerProxy(f"{site.url}/xmlrpc/")
    answer = ping(client, server.url("/news"), target_url(post))
    assert "received; it will be verified" in answer
    assert waiters.most == 0
    assert wait_until(lambda: len(mentions_of(post)) == 1, timeout=30)
