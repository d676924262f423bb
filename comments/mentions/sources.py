"""Source pages of received pings: the checks, the bounded fetch, the text around the link.

Used by the receiving services (comments.mentions.services, which store mentions as comments),
the endpoints (pingback, webmention, trackback) and the sender (outgoing, which uses
fetch_limited). Both endpoints only do
the checks that need no fetch and queue a MentionRequest; a task fetches the source. Every
fetch of another site goes through fetch_limited: the bounded fetch of comments.fetch, under a
global cap on fetches at once (Postgres advisory locks, so it holds across every worker
process). Errors carry a public message from FAULTS and never the fetch's own reason.
"""

import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connection
from django.urls import Resolver404, resolve

from blog import ratelimit
from blog.models import Page, Post
from comments.mentions import fetch, weburls
from comments.models import Comment

logger = logging.getLogger(__name__)

# The Pingback 1.0 fault codes, with the only text the other side ever sees.
FAULTS = {
    0: "The source and the target are the same page.",
    16: "The source URL does not exist or could not be read.",
    17: "The source URL does not contain a link to the target URL.",
    32: "The specified target URL does not exist.",
    33: "The specified target URL cannot be used as a target.",
    48: "The pingback has already been registered.",
    49: "Access denied.",
    50: "The source could not be fetched right now; please try again later.",
}
MENTION_KINDS = [Comment.Kind.PINGBACK, Comment.Kind.TRACKBACK, Comment.Kind.WEBMENTION]
CONTEXT_CHARS = 100
CUT = "[…]"
LOCK_CLASS = 0x70696E67  # "ping": the first key of the fetch slots' advisory locks
WAIT_LOCK_CLASS = 0x77616974  # "wait": the first key of the waiting answers' advisory locks
SLOT_WAIT = 2.0  # seconds to wait for a free fetch slot before giving up
VERDICTS_CHANNEL = "pingback_verdicts"  # NOTIFY channel: a pingback request was decided


class MentionError(Exception):
    """A mention refused; code is the Pingback fault code, str() the public message."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(message or FAULTS[code])
        self.code = code


class Busy(Exception):
    """Every fetch slot is taken: try again later."""


@dataclass(frozen=True)
class SourcePage:
    title: str
    excerpt: str


# Limits


def ip_rate_limited(ip: str) -> bool:
    limit, window = settings.PING_RATE_LIMIT_IP
    return ratelimit.hit("ping-ip", ip, limit=limit, window=window)


def source_rate_limited(source: str) -> bool:
    """Has the source's host sent too many pings lately? Never for a malformed source, which
    is refused before anything is stored or fetched."""
    if not weburls.is_valid(source):
        return False
    limit, window = settings.PING_RATE_LIMIT_SOURCE_HOST
    host = (urlsplit(weburls.checked(source)).hostname or "").lower()
    return ratelimit.hit("ping-source-host", host, limit=limit, window=window)


def _take_slot(lock_class: int, count: int) -> int | None:
    """The number of the advisory lock (lock_class, n < count) this session just took, or None
    when every one is held; never waits."""
    for slot in range(count):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_class, slot])
            if cursor.fetchone()[0]:
                return slot
    return None


def _free_slot(lock_class: int, slot: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_class, slot])


@contextmanager
def fetch_slot(wait: float | None = None):
    """Hold one of PING_FETCH_SLOTS session advisory locks, shared by every process."""
    deadline = time.monotonic() + (SLOT_WAIT if wait is None else wait)
    while (slot := _take_slot(LOCK_CLASS, settings.PING_FETCH_SLOTS)) is None:
        if time.monotonic() > deadline:
            raise Busy
        time.sleep(0.05)
    try:
        yield
    finally:
        _free_slot(LOCK_CLASS, slot)


@contextmanager
def waiting_slot():
    """True while this request holds one of PINGBACK_WAITERS slots for waiting on a verdict,
    False at once when every slot is taken (it never waits for one).

    The slots are session advisory locks in Postgres, so the bound holds across every web
    process and machine, and a process that dies frees its slot with its connection. A web
    request waiting for a worker ties up its web process: without this bound, a flood of
    pingbacks from slow sources keeps every process waiting and readers' pages wait behind
    them (issue 14).
    """
    slot = _take_slot(WAIT_LOCK_CLASS, settings.PINGBACK_WAITERS)
    if slot is None:
        yield False
        return
    try:
        yield True
    finally:
        _free_slot(WAIT_LOCK_CLASS, slot)


def fetch_limited(url: str, **kwargs) -> fetch.Response:
    """comments.fetch.fetch within a global fetch slot; Busy when none is free."""
    with fetch_slot():
        return fetch.fetch(url, **kwargs)


# Checks


def checked_source(source: str) -> str:
    """The source URL, or MentionError 16 saying why it is not a valid http(s) URL."""
    try:
        return weburls.checked(source)
    except weburls.BadURL as error:
        raise MentionError(16, f"The source URL {error}.") from None


def is_ours(url: str) -> bool:
    """Is url on this blog's host (SITE_URL), however it is spelled (IDNA, case, port)?"""
    return weburls.same_host(url, settings.SITE_URL)


def target_post(target: str) -> Post:
    """The published post at target, open to pings (faults 32, 33, 49). The target may be
    spelled as the blog prints it (percent-encoded) or as text (an IRI, RFC 3987)."""
    try:
        target = weburls.checked(target)
    except weburls.BadURL as error:
        raise MentionError(33, f"The target URL {error}.") from None
    if not is_ours(target):
        raise MentionError(33)
    try:
        match = resolve(weburls.path_text(target))
    except Resolver404:
        raise MentionError(32) from None
    if match.view_name == "blog:page":  # static pages take no pings; 32 when there is none
        raise MentionError(33 if Page.objects.filter(path=match.kwargs["path"]).exists() else 32)
    if match.view_name != "blog:post":
        raise MentionError(33)
    post = Post.objects.published().filter(slug=match.kwargs["slug"]).first()
    if post is None:
        raise MentionError(32)
    if not post.pings_open:
        raise MentionError(49, "Pings are closed on this post.")
    return post


def existing_mentions(post: Post, source: str):
    return Comment.objects.for_post(post).filter(kind__in=MENTION_KINDS, source_url=source)


def source_response(source: str) -> fetch.Response:
    """The source page (any status); MentionError 16 if it cannot be read, 50 when busy."""
    try:
        return fetch_limited(source)
    except Busy:
        raise MentionError(50) from None
    except fetch.FetchError as error:
        logger.info("Mention source %s not fetched: %s", source, error)
        raise MentionError(16) from None


def source_page(response: fetch.Response, target: str) -> SourcePage:
    """Title and the text around the link to target, or MentionError 17 when there is none."""
    content_type = response.headers.get_content_type() or ""
    host = urlsplit(response.url).hostname or ""
    if "html" in content_type:
        scanner = _ContextScanner(response.url, target)
        scanner.feed(response.text)
        scanner.close()
        if scanner.found:
            title = " ".join(printable(scanner.title).split())[:300] or host
            return SourcePage(title=title, excerpt=scanner.excerpt())
    elif content_type.startswith("text/"):
        text = response.text
        for spelling in _spellings(target):
            if spelling in text:
                before, _target, after = text.partition(spelling)
                return SourcePage(title=host, excerpt=excerpt(before, spelling, after))
    raise MentionError(17)


def _spellings(target: str) -> list[str]:
    """How a plain-text page may write target: as given, percent-encoded (either case of hex
    digits, as Django and WordPress print them) or as text (RFC 3987)."""
    uri = weburls.for_request(target)
    lower_hex = re.sub(r"%[0-9A-F]{2}", lambda match: match[0].lower(), uri)
    return list(dict.fromkeys([target, uri, lower_hex, unquote(uri, errors="replace")]))


# The text around the link

# Controls (C0 but tab and line breaks, DEL, C1), lone surrogates and the noncharacters U+FFFE
# and U+FFFF: Postgres refuses NUL, XML 1.0 (feeds, XML-RPC, WXR) refuses the rest.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """text without the characters a stored title or excerpt must not carry (_UNPRINTABLE);
    vertical tab and form feed are whitespace and go with the spaces."""
    return _UNPRINTABLE.sub("", text)


def excerpt(before: str, link_text: str, after: str, chars: int = CONTEXT_CHARS) -> str:
    """About chars characters each side of the link, whitespace-normalised, "[…]" where cut."""
    before, link_text, after = (
        " ".join(printable(part).split()) for part in (before, link_text, after)
    )
    if len(before) > chars:
        before = f"{CUT} " + before[-chars:].split(" ", 1)[-1]
    if len(after) > chars:
        after = after[:chars].rsplit(" ", 1)[0] + f" {CUT}"
    if len(link_text) > 2 * chars:
        link_text = link_text[: 2 * chars].rsplit(" ", 1)[0] + "…"
    return " ".join(part for part in (before, link_text, after) if part)


# Elements that do not break a paragraph; any other element starts a new block of text.
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
}  # fmt: skip
HIDDEN = {"script", "style", "template", "noscript", "svg"}


class _ContextScanner(HTMLParser):
    """Finds the first <a> linking to target and keeps the text of the block it stands in."""

    def __init__(self, page_url: str, target: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.target = page_url, target
        self.title, self.found = "", False
        self._block, self._hidden, self._in_title, self._link_depth = [], 0, False, 0
        self._before = self._link = self._after = None

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        self._in_title = tag == "title" and not self.title
        if tag not in INLINE:
            self._new_block()
        elif tag == "a" and not self.found and self._links_to_target(dict(attrs).get("href")):
            self.found, self._link_depth = True, 1
            self._before, self._block = "".join(self._block), []
        elif tag == "a" and self._link_depth:
            self._link_depth += 1
        elif tag == "br":
            self._block.append(" ")

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link_depth:
            self._link_depth -= 1
            if not self._link_depth:
                self._link, self._block = "".join(self._block), []
        elif tag not in INLINE:
            self._new_block()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self._block.append(data)

    def _links_to_target(self, href):
        url = weburls.join(self.page_url, href) if href else None
        return url is not None and weburls.same_url(url, self.target)

    def _new_block(self):
        if self._link_depth:  # a block inside the link: keep it in the link's text
            self._block.append(" ")
            return
        if self._link is not None and self._after is None:
            self._after = "".join(self._block)
        self._block = []

    def close(self):
        super().close()
        self._new_block()
        if self.found and self._link is None:  # the link was never closed
            self._link, self._after = "".join(self._block), ""

    def excerpt(self) -> str:
        return excerpt(self._before or "", self._link or "", self._after or "")
