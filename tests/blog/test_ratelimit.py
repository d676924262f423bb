"""Rate limits are counted in Postgres: shared by every process, exact under concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from blog import ratelimit
from blog.models import RateCounter


@pytest.mark.django_db
def test_a_client_is_limited_after_its_share_and_others_are_not():
    answers = [ratelimit.hit("comment", "203.0.113.5", limit=3, window=60) for _ in range(5)]

    assert answers == [False, False, False, True, True]
    assert ratelimit.hit("comment", "203.0.113.6", limit=3, window=60) is False
    assert ratelimit.hit("like", "203.0.113.5", limit=3, window=60) is False


@pytest.mark.django_db
def test_a_closed_window_starts_a_new_count():
    for _ in range(4):
        ratelimit.hit("signup", "198.51.100.7", limit=3, window=60)
    assert ratelimit.hit("signup", "198.51.100.7", limit=3, window=60) is True

    RateCounter.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert ratelimit.hit("signup", "198.51.100.7", limit=3, window=60) is False
    assert RateCounter.objects.get().hits == 1


@pytest.mark.django_db
def test_no_address_is_stored_and_closed_windows_are_purged():
    ratelimit.hit("login", "192.0.2.44", limit=3, window=60)
    ratelimit.hit("login", "192.0.2.45", limit=3, window=60)
    RateCounter.objects.filter(key=ratelimit.key_for("login", "192.0.2.44", 60)).update(
        expires=timezone.now() - timedelta(seconds=1)
    )

    assert ratelimit.purge() == 1
    (row,) = RateCounter.objects.all()
    assert "192.0.2" not in row.key
    assert row.key == ratelimit.key_for("login", "192.0.2.45", 60)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_many_connections_are_all_counted():
    """Eight threads, each its own database connection, as eight web processes would be."""
    per_thread, threads = 25, 8
    over = []
    start = threading.Barrier(threads)

    def hammer():
        try:
            start.wait()
            over.extend(
                ratelimit.hit("webmention", "203.0.113.9", limit=100, window=60)
                for _ in range(per_thread)
            )
        finally:
            connection.close()

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert RateCounter.objects.get().hits == per_thread * threads
    assert over.count(True) == per_thread * threads - 100
