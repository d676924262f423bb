"""Django's PostgreSQL backend with a health check that costs no round trip when it can.

Django checks a persistent connection (CONN_HEALTH_CHECKS) before its first query in each
request by sending ``SELECT 1`` and waiting for the answer: a round trip to PostgreSQL on every
request, the one query of a page served from the page cache. A connection PostgreSQL has
closed (a restart, ``pg_terminate_backend``, ``idle_session_timeout``) says so on its socket: the
server sends its FATAL message and closes, so the socket turns readable. An idle connection in
good order has nothing to read. So the check here polls the socket without waiting: nothing to
read, and the connection is used as it is; anything to read (or a connection psycopg already
knows is broken), and Django's own check runs, closing it when ``SELECT 1`` fails so that the
request opens a new one instead of answering 500.

A connection cut without a word (a cable, a firewall dropping state) is not seen by either
check before its first query: Django's ``SELECT 1`` would wait as long as the query does.

It also runs the queries the blog writes once per process (the page cache's read, the post
page's queries: blog.prepared) as statements PostgreSQL keeps prepared on the connection
(fetch_prepared): parsed and planned once per connection instead of on every page.
"""

import select

import psycopg
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL through psycopg 3, as Django's, with the cheaper health check above."""

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """True when the idle connection is open and PostgreSQL has sent nothing on it."""
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)

    def fetch_prepared(self, sql: str, params) -> list[tuple]:
        """The rows of sql run with params (a SELECT with %s placeholders, its parameters bound
        by PostgreSQL, not pasted in), through a statement PostgreSQL keeps prepared on this
        connection: the first run parses and plans it, later ones run that plan (PostgreSQL
        replans with the values when a generic plan would cost more: plan_cache_mode). Not
        prepared when the connection's prepare_threshold is None (DB_PREPARE=0). Where queries
        are logged (DEBUG, a test counting them) it goes through Django's cursor instead, so
        they are seen. Raises what Django's cursor raises (django.db errors)."""
        if self.queries_logged:
            with self.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        self.close_if_health_check_failed()  # as Django's cursor() does first
        self.ensure_connection()
        self.validate_thread_sharing()
        self.validate_no_broken_transaction()  # as Django's cursor's execute()
        with self.wrap_database_errors, psycopg.Cursor(self.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
