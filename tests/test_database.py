"""The connection a web process keeps between requests (config.postgresql)."""

import select

import psycopg
import pytest
from django.db import connections

from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)


def terminate(pid: int) -> None:
    """Have PostgreSQL end the backend pid, as a restart or an administrator would."""
    params = connections["default"].get_connection_params()
    with psycopg.connect(**{**params, "autocommit": True}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def wait_readable(fd: int) -> None:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    assert poller.poll(5000), "PostgreSQL did not close the connection"


@pytest.fixture
def kept_connection(monkeypatch):
    """The connection as a web process keeps it, its health checked once per request."""
    connection = connections["default"]
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    connection.health_check_done = False
    return connection


def test_a_healthy_connection_is_kept_without_a_round_trip(kept_connection, monkeypatch):
    calls = []
    monkeypatch.setattr(type(kept_connection), "is_usable", lambda self: calls.append(1) or True)
    before = kept_connection.connection
    kept_connection.close_if_health_check_failed()
    assert kept_connection.connection is before
    assert calls == []  # no SELECT 1 sent


def test_a_page_after_postgresql_ended_the_connection_is_served(kept_connection, client):
    post = make_post("Still here")
    pid = kept_connection.connection.info.backend_pid
    terminate(pid)
    wait_readable(kept_connection.connection.fileno())
    kept_connection.health_check_done = False  # a new request (the test client skips the signal)

    response = client.get(post.get_absolute_url(), HTTP_COOKIE="reader=1")

    assert response.status_code == 200
    assert "Still here" in response.text
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.fixture
def table_cache(settings):
    """The cache as configured by default: a table in the blog's PostgreSQL."""
    from django.core.cache import caches

    from config.settings import cache_from_url

    settings.CACHES = {"default": cache_from_url("")}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_table_cache_reads_several_keys_in_one_query(table_cache, django_assert_num_queries):
    table_cache.set_many({"a": {"page": "<p>é</p>"}, "b": 2, "c": None})
    with django_assert_num_queries(1):
        found = table_cache.get_many(["a", "b", "c", "missing"])
    assert found == {"a": {"page": "<p>é</p>"}, "b": 2, "c": None}


def test_table_cache_forgets_an_expired_key(table_cache):
    table_cache.set_many({"old": "gone", "new": "here"}, 60)
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "UPDATE newsroom_cache SET expires = now() - interval '1 second' WHERE cache_key LIKE %s",
            ["%old"],
        )
    assert table_cache.get_many(["old", "new"]) == {"new": "here"}
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM newsroom_cache WHERE cache_key LIKE %s", ["%old"])
        assert cursor.fetchone()[0] == 0  # deleted as Django's would


def test_table_cache_reads_through_a_statement_postgresql_keeps_prepared(table_cache):
    table_cache.set_many({"generation": "g1", "page": "<p>x</p>"})
    for _ in range(2):
        assert table_cache.get_many(["generation", "page"]) == {
            "generation": "g1",
            "page": "<p>x</p>",
        }
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "newsroom_cache" WHERE cache_key IN%'],
        )
        assert cursor.fetchone()[0] == 1


def test_table_cache_read_after_postgresql_ended_the_connection(table_cache, kept_connection):
    table_cache.set("generation", "g2")
    pid = kept_connection.connection.info.backend_pid
    terminate(pid)
    wait_readable(kept_connection.connection.fileno())
    kept_connection.health_check_done = False  # a new request
    assert table_cache.get("generation") == "g2"
    assert kept_connection.connection.info.backend_pid != pid
