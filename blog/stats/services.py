"""Visitor statistics: count page views cheaply, fold them exactly once (reading them
back is blog.stats.selectors).

A counted page view is a row of an append-only table (ViewEvent): no request updates a shared
row, so none waits on another. The rows are not written one per request: each process keeps its
views in memory and writes them together in one multi-row INSERT (views_flush) at the end of the
first request that comes VIEWS_FLUSH_SECONDS after its last write, or once VIEWS_FLUSH_SIZE
views wait, and when the process exits. A quiet blog thus writes each view at once, a busy one
about once a second per process, and a page from the page cache costs no write of its own.
A periodic task folds the events into per-day counts with one statement that deletes a batch
(FOR UPDATE SKIP LOCKED) and adds it to the daily tables in the same transaction, so each event
is counted once even when folds overlap. Readers of the statistics see a view after the flush
and the next fold (a minute at most, plus about a second).
"""

import atexit
import functools
import hashlib
import hmac
import logging
import re
import threading
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from blog.models import Post
from blog.ratelimit import client_ip
from blog.stats.models import (
    DailyPostViews,
    DailyReferrer,
    DailySiteViews,
    DailyVisitor,
    ViewEvent,
)

logger = logging.getLogger(__name__)

# Reader pages that count as a view of the blog; feeds, the admin and assets do not.
COUNTED_PAGES = {
    "home", "post", "page", "category", "tag", "author", "search",
    "archive-year", "archive-month", "archive-day",
}  # fmt: skip
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiver|fetch|preview|monitor|checker|validator|scan|"
    r"headless|phantom|lighthouse|pingdom|uptime|curl|wget|python|java/|go-http|okhttp|axios|"
    r"node-fetch|http-?client|libwww|feed|rss|facebookexternalhit|embedly|whatsapp|telegram|"
    r"discord|skype|slack",
    re.IGNORECASE,
)
VISITOR_DAYS_KEPT = 2


@functools.lru_cache(maxsize=512)  # readers' User-Agent strings repeat
def is_bot(user_agent: str) -> bool:
    return not user_agent.startswith(("Mozilla/", "Opera/")) or bool(BOT_AGENT.search(user_agent))


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, previews) that a reader may never see."""
    headers = request.headers
    purposes = [headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")]
    return any(word in value.lower() for value in purposes for word in ("prefetch", "preview"))


def should_count(request, response) -> bool:
    match = request.resolver_match
    return (
        request.method == "GET"
        and response.status_code == 200
        and match is not None
        and match.namespace == "blog"
        and match.url_name in COUNTED_PAGES
        and not is_bot(request.headers.get("User-Agent", ""))
        and not is_prefetch(request)
        and not is_staff(getattr(request, "user", None))
    )


def is_staff(user) -> bool:
    """A signed-in editor; None (a page served from the cache has no user: nobody signed in)."""
    return user is not None and user.is_authenticated and user.is_staff


@functools.lru_cache(maxsize=4)
def daily_salt(day: date) -> bytes:
    """A secret that changes every day, so hashes of different days cannot be linked."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|visitor-salt|{day.isoformat()}".encode()).digest()


def visitor_hash(request, day: date) -> str:
    identity = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}".encode()
    return hmac.new(daily_salt(day), identity, hashlib.sha256).hexdigest()[:32]


def referrer_host(request) -> str:
    """The host of an outside page that linked here, without www.; empty for our own pages."""
    referer = request.headers.get("Referer", "")
    if not referer:
        return ""
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return ""
    own = {request.get_host().split(":")[0].lower(), urlsplit(settings.SITE_URL).hostname}
    if not host or host in own:
        return ""
    return host.removeprefix("www.")[:253]


class _Buffer:
    """This process's counted views not written yet (threaded servers share it under the lock):
    (post_id, day, visitor, referrer_host) each, made ViewEvent rows when written."""

    lock = threading.Lock()
    events: list[tuple[int | None, date, str, str]] = []
    written_at = 0.0  # time.monotonic() of the last write; 0: none yet, the first view goes now


def view_record(request, *, post_id: int | None = None) -> None:
    """Count one page view: kept in this process until views_flush_due() writes it."""
    day = timezone.localdate()
    event = (post_id, day, visitor_hash(request, day), referrer_host(request))
    with _Buffer.lock:
        _Buffer.events.append(event)


def views_waiting() -> int:
    """How many counted views this process holds that are not in the database yet."""
    return len(_Buffer.events)


def views_flush_due() -> int:
    """Write the waiting views when VIEWS_FLUSH_SECONDS have passed since the last write or
    VIEWS_FLUSH_SIZE views wait (called at the end of every request); returns how many."""
    events = _Buffer.events
    if events and (
        len(events) >= settings.VIEWS_FLUSH_SIZE
        or time.monotonic() - _Buffer.written_at >= settings.VIEWS_FLUSH_SECONDS
    ):
        return views_flush()
    return 0


def views_flush() -> int:
    """Write every waiting view in one multi-row INSERT; returns how many. A failure is
    logged and loses those views, never breaks the page being served."""
    with _Buffer.lock:
        events, _Buffer.events = _Buffer.events, []
        _Buffer.written_at = time.monotonic()
    if not events:
        return 0
    events = [
        ViewEvent(post_id=post_id, day=day, visitor=visitor, referrer_host=referrer)
        for post_id, day, visitor, referrer in events
    ]
    try:
        if connection.in_atomic_block:  # someone else's transaction: theirs to commit
            ViewEvent.objects.bulk_create(events)
            return len(events)
        with transaction.atomic():
            # Views are not worth a wait for the disk: PostgreSQL may forget the last moment's
            # views if it crashes, nothing else.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            ViewEvent.objects.bulk_create(events)
    except DatabaseError:
        logger.warning("%d page views could not be counted", len(events), exc_info=True)
        return 0
    return len(events)


def _flush_at_exit() -> None:
    """A web process that stops (a deploy, gunicorn's max_requests) writes what it holds."""
    if not _Buffer.events:
        return
    try:
        views_flush()
    except Exception:  # settings or database gone at shutdown: nothing left to do
        logger.warning("Page views waiting at exit could not be counted", exc_info=True)
    finally:
        connection.close()


atexit.register(_flush_at_exit)


def _fold_sql():
    tables = {
        "event": ViewEvent._meta.db_table,
        "visitor": DailyVisitor._meta.db_table,
        "site": DailySiteViews._meta.db_table,
        "post_views": DailyPostViews._meta.db_table,
        "post": Post._meta.db_table,
        "referrer": DailyReferrer._meta.db_table,
    }
    # Rows are upserted in key order so that two overlapping folds cannot deadlock.
    return """
    WITH batch AS (
        DELETE FROM {event} WHERE id IN (
            SELECT id FROM {event} ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
        )
        RETURNING post_id, day, visitor, referrer_host
    ), new_visitors AS (
        INSERT INTO {visitor} (day, visitor)
        SELECT DISTINCT day, visitor FROM batch ORDER BY day, visitor
        ON CONFLICT (day, visitor) DO NOTHING
        RETURNING day
    ), site AS (
        INSERT INTO {site} (day, views, visitors)
        SELECT b.day, b.views, coalesce(v.visitors, 0)
        FROM (SELECT day, count(*) AS views FROM batch GROUP BY day) AS b
        LEFT JOIN (SELECT day, count(*) AS visitors FROM new_visitors GROUP BY day) AS v
        USING (day)
        ORDER BY b.day
        ON CONFLICT (day) DO UPDATE SET views = {site}.views + EXCLUDED.views,
            visitors = {site}.visitors + EXCLUDED.visitors
    ), posts AS (
        INSERT INTO {post_views} (post_id, day, views)
        SELECT b.post_id, b.day, count(*) FROM batch AS b JOIN {post} AS p ON p.id = b.post_id
        GROUP BY b.post_id, b.day ORDER BY b.post_id, b.day
        ON CONFLICT (post_id, day) DO UPDATE SET views = {post_views}.views + EXCLUDED.views
    ), referrers AS (
        INSERT INTO {referrer} (day, host, views)
        SELECT day, referrer_host, count(*) FROM batch WHERE referrer_host <> ''
        GROUP BY day, referrer_host ORDER BY day, referrer_host
        ON CONFLICT (day, host) DO UPDATE SET views = {referrer}.views + EXCLUDED.views
    )
    SELECT count(*) FROM batch
    """.format(**tables)


def views_fold(*, batch_size: int = 10_000, max_batches: int = 100) -> int:
    """Move buffered views into the daily counts, each exactly once; returns how many."""
    folded = 0
    for _batch in range(max_batches):
        if not ViewEvent.objects.exists():  # no write when there is nothing: pages stay cached
            break
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_fold_sql(), {"limit": batch_size})
            count = cursor.fetchone()[0]
        folded += count
        if count < batch_size:
            break
    visitors_prune()
    return folded


def visitors_prune() -> int:
    """Forget visitor hashes of past days once no buffered view can still need them."""
    keep_from = timezone.localdate() - timedelta(days=VISITOR_DAYS_KEPT)
    oldest = ViewEvent.objects.order_by("pk").values_list("day", flat=True).first()
    if oldest is not None:
        keep_from = min(keep_from, oldest)
    return DailyVisitor.objects.filter(day__lt=keep_from).delete()[0]


# Reads for the sidebar
