"""Rate limits for public forms and endpoints, counted in Postgres.

A limit is "at most `limit` uses in `window` seconds", counted from a client's first use: the
first hit opens a window, later hits add to it, the first hit after it closed opens a new one.
One statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) counts and reads, so concurrent
requests from any number of web processes and machines never lose a hit. Clients are kept only
as a keyed hash: no address or email is stored. Expired rows are purged by a periodic task.
"""

import hashlib

from django.conf import settings
from django.db import connection
from django.db.models.functions import Now

from blog.models import RateCounter

_TABLE = RateCounter._meta.db_table

_HIT = f"""
INSERT INTO {_TABLE} (key, hits, expires)
VALUES (%(key)s, 1, statement_timestamp() + make_interval(secs => %(window)s))
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN {_TABLE}.expires <= statement_timestamp() THEN 1
                ELSE {_TABLE}.hits + 1 END,
    expires = CASE WHEN {_TABLE}.expires <= statement_timestamp() THEN EXCLUDED.expires
                   ELSE {_TABLE}.expires END
RETURNING hits
"""


def key_for(scope: str, value: str, window: int) -> str:
    raw = f"{settings.SECRET_KEY}|{scope}|{window}|{value}"
    return hashlib.sha256(raw.encode()).hexdigest()


def hit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one more use of `scope` by `value` (an address, a host, an email); True once it
    was used more than `limit` times in the current window of `window` seconds."""
    with connection.cursor() as cursor:
        cursor.execute(_HIT, {"key": key_for(scope, value, window), "window": window})
        (hits,) = cursor.fetchone()
    return hits > limit


def purge() -> int:
    """Delete the counters whose window has closed; returns how many."""
    deleted, _ = RateCounter.objects.filter(expires__lte=Now()).delete()
    return deleted


def client_ip(request) -> str:
    """The reader's address: REMOTE_ADDR, or X-Forwarded-For as far as TRUSTED_PROXIES allow."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
