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
