"""Whole pages for anonymous readers, from Django's cache, never one change out of date.

Every cached page is stored with the site's *generation*: a random token in the cache that a
change anyone could see replaces, after its transaction commits. A page stored under an older
token is never served again, on any process or machine that shares the cache.

What counts as a change is found at the lowest level, not model by model: every INSERT, UPDATE
or DELETE a process sends to PostgreSQL through Django (ORM saves, bulk_create, update(), the
importers' multi-row inserts, raw SQL) replaces the token once its transaction commits, unless
all the tables it writes are ones no page shows (ignore_tables(): sessions, rate counters, the
task queue, the raw visitor log, ...). A feature that adds a table no page shows says so from
its AppConfig.ready(). Time changes pages too: a post scheduled for later goes live without a
write, so the generation also ends at the next scheduled publication (next_change()).
"""

import hashlib
import re
import threading
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from blog import generations

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
# Tables no reader page shows; feeds and pages stay the same whatever is written to them.
IGNORED_TABLES = {
    "django_session",
    "django_admin_log",
    "blog_ratecounter",
    "blog_failedlogin",
}
IGNORED_PREFIXES = ("procrastinate_",)
_WRITE_START = ("INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "TRUNCATE", "COPY")
# Words after UPDATE that are no table: ON CONFLICT ... DO UPDATE SET, SELECT ... FOR UPDATE OF.
_NOT_TABLES = {"SET", "OF", "SKIP", "NOWAIT"}
_WRITTEN_TABLE = re.compile(
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|COPY)\s+"?(\w+)',
    re.IGNORECASE,
)
MIGRATING = False
_local = threading.local()  # .bumping: this thread is writing the generation itself


def ignore_tables(*tables: str) -> None:
    """Writes to these tables change no page (a feature's logs, queues and ledgers)."""
    IGNORED_TABLES.update(tables)


def generation_bump() -> None:
    """Every page cached so far is out of date, on every process that shares the cache."""
    _local.bumping = True  # the cache's own writes (a table in PostgreSQL) change no page
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    finally:
        _local.bumping = False


def generation() -> str | None:
    return cache.get(GENERATION_KEY)


def changes_pages(sql: str) -> bool:
    """Whether a statement writes to a table some page shows."""
    if sql.lstrip()[:8].upper().startswith(_WRITE_START):
        ignored = IGNORED_TABLES | {settings.CACHE_TABLE}
        for table in _WRITTEN_TABLE.findall(sql):
            if (
                table.upper() not in _NOT_TABLES
                and table not in ignored
                and not table.startswith(IGNORED_PREFIXES)
            ):
                return True
    return False


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper: after a write pages show, bump once the transaction commits."""
    result = execute(sql, params, many, context)
    if (
        isinstance(sql, str)
        and changes_pages(sql)
        and not (MIGRATING or getattr(_local, "bumping", False))
    ):
        bump_after_commit(context["connection"])
    return result


def bump_after_commit(connection) -> None:
    """Once per transaction, however many writes (tests replace this: theirs never commits)."""
    if not connection.in_atomic_block and not connection.get_autocommit():
        generation_bump()  # manual transactions (none in the blog): at once, at least
    elif not any(func is generation_bump for _s, func, _r in connection.run_on_commit):
        # robust: the write is committed; a cache that is down must not turn it into a 500
        transaction.on_commit(generation_bump, using=connection.alias, robust=True)


def migrating(sender, **kwargs) -> None:
    """pre_migrate receiver: the cache table may not exist yet; migrate bumps once at the end."""
    global MIGRATING
    MIGRATING = True


def migrated(sender, **kwargs) -> None:
    global MIGRATING
    MIGRATING = False
    generation_bump()


def watch_connection(sender, connection, **kwargs) -> None:
    """connection_created receiver: every connection of every process reports its writes."""
    if watch_writes not in connection.execute_wrappers:
        # First: connection.execute_wrapper() blocks push and pop their own at the end.
        connection.execute_wrappers.insert(0, watch_writes)


def watch_existing_connections() -> None:
    for connection in connections.all(initialized_only=True):
        watch_connection(None, connection)


def next_change(now: datetime) -> datetime:
    """When pages change without a write: the next scheduled post or page goes live, or the
    day turns (the top posts of the last 30 days, the year in the footer)."""
    from blog.models import Page, Post

    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    times = [
        Post.objects.scheduled_after(now),
        Page.objects.scheduled_after(now),
        midnight + timedelta(days=1),
    ]
    return min(moment for moment in times if moment is not None)


class Fragments:
    """The pieces of HTML every reader sees alike that one page shows (the page menu, the
    sidebar's widgets), from this process's memory or the shared cache, never out of date.

    Each is stored in the cache as (generation, html) under its name and served only while
    that generation is current, as whole pages are; one missing or out of date is rendered and
    stored again. During a reader's GET of a cached kind of page the generation is already
    known (generation_known) and the fragments this process made or read under it are used
    again (kept): no round trip at all; elsewhere the generation and the fragments are read in
    one round trip. With the page cache off (PAGE_CACHE_SECONDS=0) everything is rendered
    every time.
    """

    def __init__(self, names):
        self.keys = {name: f"pagecache:fragment:{name}" for name in names}
        self.generation, self.found = None, {}
        if settings.PAGE_CACHE_SECONDS <= 0:
            return
        self.generation = generations.current()
        if self.generation is None:
            self.found = cache.get_many([GENERATION_KEY, *self.keys.values()])
            self.generation = self.found.get(GENERATION_KEY)
            return
        missing = [key for key in self.keys.values() if not self._kept(key)]
        if missing:
            self.found = cache.get_many(missing)

    def _kept(self, key):
        entry = generations.KEPT.get(key)
        if entry is not None and entry[0] == self.generation:
            self.found[key] = entry
            return True
        return False

    def get(self, name: str, render):
        """The fragment name's HTML; render() makes it when the cache has no current one."""
        key = self.keys.get(name)
        if key is None or self.generation is None:
            return render()
        entry = self.found.get(key)
        if entry is not None and entry[0] == self.generation:
            generations.KEPT[key] = entry
            return entry[1]
        html = render()
        cache.set(key, (self.generation, html), settings.PAGE_CACHE_SECONDS)
        generations.KEPT[key] = (self.generation, html)
        return html


def shared_value(name: str, compute):
    """A value every reader sees alike (a count, say), kept in the cache while the generation
    is current: none or one round trip when it is there; compute() makes it when it is not."""
    return Fragments([name]).get(name, compute)


# The page cache itself: what may be cached, looked up, stored and answered.

# Copies of the pages this process served, so that a hit moves only the generation over the
# network; at most COPIES_MAX pages (a post page with 100 comments is about 100 KB).
COPIES_MAX = 200
_copies: dict[str, dict] = {}
# Headers the outer middleware sets afresh on every answer, or that belong to one reader.
_NOT_STORED = {"set-cookie", "content-security-policy", "content-security-policy-report-only"}
# Request attributes a page's rendering leaves for a middleware outside the cache to read.
REMEMBERED_ATTRIBUTES: set[str] = set()


def remember_request_attributes(*names: str) -> None:
    """A page's rendering sets these on the request for an outer middleware (the sign-in
    buttons name their providers for the CSP's form-action): they are stored with the page and
    set again when it is served from the cache, where nothing renders."""
    REMEMBERED_ATTRIBUTES.update(names)


def restore_attributes(request, entry: dict) -> None:
    for name, value in entry.get("attributes", {}).items():
        setattr(request, name, value)


# The query parameters a cached page reads (a list's page, a post's page of comments), each
# kept only in its one written form (2, not 02), and the ones that change no page at all
# (campaign and click trackers). Any other parameter, or another form, and the page is made
# for that request and not kept: each would be one more copy in the cache.
PAGE_PARAMS = {"page", "cpage"}
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
_TRACKERS = re.compile(r"utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl")


def cached_query(request) -> str | None:
    """The part of the query string that makes another page ("" or e.g. "page=2"), or None
    when the request asks for something a kept page would not be (see PAGE_PARAMS)."""
    if not request.META.get("QUERY_STRING"):
        return ""
    kept = []
    for name, values in request.GET.lists():
        if _TRACKERS.fullmatch(name):
            continue
        if name not in PAGE_PARAMS or len(values) != 1 or not _PAGE_NUMBER.fullmatch(values[0]):
            return None
        kept.append(f"{name}={values[0]}")
    return "&".join(sorted(kept))


def request_cacheable(request) -> bool:
    """A GET from a reader the site knows nothing about: no cookie but the CSRF one (a
    session, a comment author's, a like's, a message all make the page this reader's own), for
    an address whose query a kept page can answer (cached_query)."""
    return (
        request.method in {"GET", "HEAD"}
        and settings.PAGE_CACHE_SECONDS > 0
        and all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)
        and "Authorization" not in request.headers
        and cached_query(request) is not None
    )


def is_cached_view(request) -> bool:
    match = request.resolver_match
    return match is not None and match.view_name in settings.PAGE_CACHE_VIEWS


# The URL matches of recent addresses: resolving is a tenth of a page from the cache, and its
# answer for a path only changes with the URLconf. Short paths only, at most RESOLVED_MAX.
RESOLVED_MAX, RESOLVED_PATH_MAX = 2048, 400
_resolved: dict[tuple[str, str], object] = {}


def cached_view(path: str):
    """The URL match of a path whose pages the cache keeps (settings.PAGE_CACHE_VIEWS), else
    None: other addresses cost no round trip to the cache."""
    key = (get_urlconf() or settings.ROOT_URLCONF, path)
    match = _resolved.get(key, False)
    if match is False:
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if len(path) <= RESOLVED_PATH_MAX:
            _resolved[key] = match
            if len(_resolved) > RESOLVED_MAX:
                _resolved.pop(next(iter(_resolved)))  # the oldest
    return match if match is not None and match.view_name in settings.PAGE_CACHE_VIEWS else None


def page_key(request) -> str:
    """The cache key of the page an anonymous request asks for: its address, trackers left out."""
    query = cached_query(request)
    address = f"{request.scheme}://{request.get_host()}{request.path}{'?' if query else ''}{query}"
    return "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()


def current_generation(found: dict) -> str | None:
    """The generation from a cache read that asked for GENERATION_KEY and NEXT_CHANGE_KEY, or
    None when there is none yet or it has just ended (nothing may be stored under it)."""
    current = found.get(GENERATION_KEY)
    if current is None:  # first start, or the cache lost it: a new one, nothing stored now
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return None
    now, ends = timezone.now(), found.get(NEXT_CHANGE_KEY)
    if ends is None or ends[0] != current:
        cache.set(NEXT_CHANGE_KEY, (current, next_change(now)), None)
    elif ends[1] <= now:  # a scheduled post went live: every page may show it
        generation_bump()
        return None
    return current


def reader_generation() -> str | None:
    """The current generation for a request that cannot be served from the cache (a signed-in
    reader, a cookie): one round trip, after which the page's read-mostly parts are made once
    per generation (blog.generations.kept)."""
    return current_generation(cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY]))


def lookup(request) -> tuple[dict | None, str | None]:
    """(the stored page or None, the generation to store a new one under, or None: do not).

    One round trip to the cache: the generation, when it ends, and the page unless this
    process keeps a copy of it (then only the two small values travel)."""
    key = page_key(request)
    copy = _copies.get(key)
    if copy is not None and copy["expires"] <= time.time():
        copy = None
    found = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, *([] if copy else [key])])
    current = current_generation(found)
    if current is None:
        return None, None
    if copy is not None and copy["generation"] == current:
        return copy, current
    entry = found.get(key) if copy is None else cache.get(key)
    if entry is None or entry["generation"] != current:
        return None, current
    _keep(key, entry)
    return entry, current


def _keep(key: str, entry: dict) -> None:
    """This process's copy of a page it served: served again only while the generation in the
    shared cache is still the one it was made under, as any other."""
    _copies[key] = entry
    while len(_copies) > COPIES_MAX:
        _copies.pop(next(iter(_copies)))  # the oldest


def storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and is_cached_view(request)
        and not response.streaming
        and not response.cookies
        and not getattr(request, "_csp_nonce", None)  # a nonce is for one answer only
        # A form's CSRF token (get_token flags it) is this reader's: a page that shows one to
        # another reader would hand over the secret behind it.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def store(request, response, generation: str) -> dict:
    """Keep a page rendered for anonymous readers under generation, with its validators and
    the headers that make it public (set on response too): a hit only rebuilds the response."""
    content = response.content
    etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    last_modified = int(timezone.now().timestamp())
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PAGE_CACHE_PROXY_SECONDS}"
    patch_vary_headers(response, ["Cookie"])
    entry = {
        "generation": generation,
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED],
        "content": content,
        "etag": etag,
        "last_modified": last_modified,
        "counted_post_id": getattr(request, "counted_post_id", None),
        "attributes": {
            name: getattr(request, name) for name in REMEMBERED_ATTRIBUTES if hasattr(request, name)
        },
        "expires": time.time() + settings.PAGE_CACHE_SECONDS,
    }
    key = page_key(request)
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    _keep(key, entry)
    return entry


def response_from(entry: dict) -> HttpResponse:
    """A stored page as a new response, its public headers and validators included."""
    return HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])


def answer(request, response, entry: dict) -> HttpResponse:
    """The public page (its headers set by store()): 304 when the reader's copy is still right."""
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def private(request, response) -> HttpResponse:
    """A cached kind of page made for one reader: no proxy or shared cache may keep it."""
    if is_cached_view(request) and not response.has_header("Cache-Control"):
        response["Cache-Control"] = "private, no-store"
    return response
