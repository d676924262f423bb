"""Pingbacks and webmentions received: verify a source page and store it as a comment.

Shared by the XML-RPC endpoint (comments.pingback), the Webmention endpoint (comments.webmention),
their tasks, and the sender (comments.outgoing, which uses fetch_limited). Both endpoints only do
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
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from blog import ratelimit
from blog.models import Page, Post
from comments import discovery, fetch, moderation
from comments.models import Comment, DiscussionSettings, MentionRequest

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
    limit, window = settings.PING_RATE_LIMIT_SOURCE_HOST
    host = (urlsplit(source).hostname or "").lower()
    return ratelimit.hit("ping-source-host", host, limit=limit, window=window)


def _take_slot() -> int | None:
    for slot in range(settings.PING_FETCH_SLOTS):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, slot])
            if cursor.fetchone()[0]:
                return slot
    return None


@contextmanager
def fetch_slot(wait: float | None = None):
    """Hold one of PING_FETCH_SLOTS session advisory locks, shared by every process."""
    deadline = time.monotonic() + (SLOT_WAIT if wait is None else wait)
    while (slot := _take_slot()) is None:
        if time.monotonic() > deadline:
            raise Busy
        time.sleep(0.05)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, slot])


def fetch_limited(url: str, **kwargs) -> fetch.Response:
    """comments.fetch.fetch within a global fetch slot; Busy when none is free."""
    with fetch_slot():
        return fetch.fetch(url, **kwargs)


# Checks


def is_web_url(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 1000


def is_ours(url: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower()


def target_post(target: str) -> Post:
    """The published post at target, open to pings (faults 32, 33, 49)."""
    if not is_web_url(target) or not is_ours(target):
        raise MentionError(33)
    try:
        match = resolve(urlsplit(target).path or "/")
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
            title = " ".join(scanner.title.split())[:300] or host
            return SourcePage(title=title, excerpt=scanner.excerpt())
    elif content_type.startswith("text/") and target in response.text:
        before, _target, after = response.text.partition(target)
        return SourcePage(title=host, excerpt=excerpt(before, target, after))
    raise MentionError(17)


# The text around the link


def excerpt(before: str, link_text: str, after: str, chars: int = CONTEXT_CHARS) -> str:
    """About chars characters each side of the link, whitespace-normalised, "[…]" where cut."""
    before, link_text, after = (" ".join(part.split()) for part in (before, link_text, after))
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
        return bool(href) and discovery.same_url(urljoin(self.page_url, href), self.target)

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


# Storing


def _submission(post: Post, source: str, page: SourcePage, ip: str) -> moderation.Submission:
    """A mention as the comment moderation rules see it; the source's host stands for the
    commenter's e-mail in "has had a comment approved before"."""
    host = urlsplit(source).hostname or ""
    approved_before = (
        Comment.objects.public()
        .filter(kind__in=MENTION_KINDS, source_url__iregex=rf"^https?://{re.escape(host)}[:/]")
        .exists()
    )
    return moderation.Submission(
        name=page.title,
        email="",
        url=source,
        text=page.excerpt,
        ip=ip or "",
        trusted=False,
        previously_approved=approved_before,
    )


def mention_save(
    *, post: Post, source: str, kind: str, page: SourcePage, ip: str = "", replace: bool = True
) -> Comment:
    """Store a verified mention through the comment moderation rules, or update the one there.

    An update keeps the editor's decision, except that text which now matches the blocklist or
    the moderation words takes a published mention back out of sight.
    """
    rules = DiscussionSettings.load()
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one writer per post
        comment = existing_mentions(post, source).first()
        if comment is not None and not replace:
            raise MentionError(48)
        submission = _submission(post, source, page, ip)
        if comment is None:
            verdict = moderation.classify(submission, rules)
            return mention_create(
                post=post, source=source, kind=kind, page=page, ip=ip, verdict=verdict
            )
        comment.source_title, comment.comment = page.title, page.excerpt
        comment.user_name = page.title[:50]
        if comment.status == Comment.Status.APPROVED:
            rules.approval = DiscussionSettings.Approval.NONE  # approved once: only the text
            verdict = moderation.classify(submission, rules)
            if verdict.status != Comment.Status.APPROVED:
                comment.status, comment.moderation_note = verdict.status, verdict.reason
        comment.save()
        return comment


def mention_create(
    *,
    post: Post,
    source: str,
    kind: str,
    page: SourcePage,
    verdict: moderation.Verdict,
    ip: str = "",
    when=None,
) -> Comment:
    """A new mention comment with the moderation verdict given."""
    comment = Comment(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        kind=kind,
        source_url=source,
        source_title=page.title,
        user_name=page.title[:50],
        user_url=source if len(source) <= 200 else "",
        comment=page.excerpt,
        ip_address=ip or None,
        submit_date=when or timezone.now(),
        status=verdict.status,
        moderation_note=verdict.reason,
    )
    comment.save()
    return comment


def mention_remove(*, post: Post, source: str) -> int:
    """Delete the mentions of post from source (the source is gone or no longer links)."""
    _total, by_model = existing_mentions(post, source).delete()  # total counts parent rows
    return by_model.get(Comment._meta.label, 0)


# Pingback


def pingback_accept(*, source: str, target: str, ip: str = "") -> MentionRequest:
    """The checks that need no fetch (faults 0, 16, 32, 33, 48, 49), then a queued request
    and the task that verifies it (deferred in the same transaction as the request's row)."""
    if not is_web_url(source):
        raise MentionError(16)
    if discovery.same_url(source, target):
        raise MentionError(0)
    post = target_post(target)
    waiting = MentionRequest.objects.filter(
        protocol=MentionRequest.Protocol.PINGBACK, source=source, target=target,
        status=MentionRequest.Status.QUEUED,
    )  # fmt: skip
    if existing_mentions(post, source).exists() or waiting.exists():
        raise MentionError(48)
    from comments.tasks import verify_pingback

    with transaction.atomic():
        request = MentionRequest.objects.create(
            protocol=MentionRequest.Protocol.PINGBACK, source=source, target=target, post=post,
            ip_address=ip or None,
        )  # fmt: skip
        verify_pingback.defer(request_id=request.pk)
    return request


def pingback_verify(*, request_id: int) -> str | None:
    """Fetch a queued pingback's source and store the pingback, or record the fault; then wake
    whoever waits for the answer (pingback_await). None when the request was not waiting."""
    request = MentionRequest.objects.filter(
        pk=request_id, status=MentionRequest.Status.QUEUED
    ).first()
    if request is None:
        return None
    try:
        post = target_post(request.target)  # still published, still open to pings?
        response = source_response(request.source)
        if response.status >= 400:
            raise MentionError(16)
        page = source_page(response, request.target)
        comment = mention_save(
            post=post, source=request.source, kind=Comment.Kind.PINGBACK, page=page,
            ip=request.ip_address or "", replace=False,
        )  # fmt: skip
    except MentionError as error:
        request.status, request.fault = MentionRequest.Status.REJECTED, error.code
        request.detail = str(error)
    else:
        request.status, request.comment = MentionRequest.Status.ACCEPTED, comment
        request.detail = comment.get_status_display()
    request.save(update_fields=["status", "fault", "detail", "comment", "updated_at"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [VERDICTS_CHANNEL, str(request.pk)])
    return request.status


def pingback_await(*, request_id: int, timeout: float) -> MentionRequest:
    """The pingback request once the task has decided, or still queued after timeout seconds.

    Woken by the task's NOTIFY; the row is read again at least every second, so a missed
    notice (or one that cannot arrive inside a transaction) costs at most a second.
    """
    deadline = time.monotonic() + timeout
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {VERDICTS_CHANNEL}")
    try:
        while True:
            request = MentionRequest.objects.get(pk=request_id)
            remaining = deadline - time.monotonic()
            if request.status != MentionRequest.Status.QUEUED or remaining <= 0:
                return request
            verdict_wait(min(remaining, 1.0))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UNLISTEN {VERDICTS_CHANNEL}")


def verdict_wait(seconds: float) -> None:
    """Sleep until a verdict notice arrives or seconds pass (tests run the queue here)."""
    for _notice in connection.connection.notifies(timeout=seconds, stop_after=1):
        pass


def pingback_sources(target: str) -> list[str]:
    """pingback.extensions.getPingbacks: the sources of the target's published pingbacks."""
    post = target_post(target)
    pingbacks = Comment.objects.public_for(post).filter(kind=Comment.Kind.PINGBACK)
    return list(pingbacks.order_by("submit_date").values_list("source_url", flat=True))


# Webmention


def webmention_accept(
    *, source: str, target: str, ip: str = "", protocol: str = MentionRequest.Protocol.WEBMENTION
) -> MentionRequest:
    """The cheap checks done at once; the returned request waits for webmention_verify.

    A TrackBack goes the same way (protocol TRACKBACK): its source is verified like a
    webmention's, and it is stored as a comment of kind trackback."""
    if not (is_web_url(source) and is_web_url(target)):
        raise MentionError(0, "Source and target must be http or https URLs.")
    if discovery.same_url(source, target):
        raise MentionError(0)
    post = target_post(target)
    queued = MentionRequest.objects.filter(
        protocol=protocol, source=source, target=target, status=MentionRequest.Status.QUEUED
    ).first()
    if queued is not None:
        return queued  # the same verification is already on its way
    request = MentionRequest.objects.create(
        protocol=protocol, source=source, target=target, post=post, ip_address=ip or None
    )
    from comments.tasks import verify_webmention

    transaction.on_commit(lambda: verify_webmention.defer(request_id=request.pk))
    return request


class TransientSourceError(Exception):
    """The source could not be read this time (busy, slow, a server error): retry later."""


def webmention_verify(*, request_id: int, last_attempt: bool = False) -> str | None:
    """Fetch the source of a queued webmention and store, update or delete the mention.

    Returns the request's new status, or None when it was not waiting (already done).
    """
    request = MentionRequest.objects.filter(
        pk=request_id, status=MentionRequest.Status.QUEUED
    ).first()
    if request is None:
        return None
    try:
        post = target_post(request.target)
        status, detail, comment = _webmention_check(request, post)
    except MentionError as error:
        status, detail, comment = MentionRequest.Status.REJECTED, str(error), None
    except TransientSourceError:
        if not last_attempt:
            raise
        status, detail, comment = MentionRequest.Status.REJECTED, FAULTS[16], None
    request.status, request.detail, request.comment = status, detail, comment
    request.save(update_fields=["status", "detail", "comment", "updated_at"])
    return status


def _webmention_check(request, post):
    try:
        response = fetch_limited(request.source)
    except Busy:
        raise TransientSourceError from None
    except fetch.FetchRefused as error:
        logger.info("Webmention source %s refused: %s", request.source, error)
        raise MentionError(16) from None
    except fetch.FetchError as error:
        logger.info("Webmention source %s not fetched: %s", request.source, error)
        raise TransientSourceError from None
    if response.status == 410:
        mention_remove(post=post, source=request.source)
        return MentionRequest.Status.DELETED, "The source is gone (410).", None
    if response.status >= 500:
        raise TransientSourceError
    if response.status >= 400:
        raise MentionError(16)
    try:
        page = source_page(response, request.target)
    except MentionError:
        if mention_remove(post=post, source=request.source):
            return MentionRequest.Status.DELETED, FAULTS[17], None
        raise
    trackback = request.protocol == MentionRequest.Protocol.TRACKBACK
    kind = Comment.Kind.TRACKBACK if trackback else Comment.Kind.WEBMENTION
    comment = mention_save(
        post=post, source=request.source, kind=kind, page=page, ip=request.ip_address or ""
    )
    return MentionRequest.Status.ACCEPTED, comment.get_status_display(), comment


def webmention_requests_purge(*, days: int = 30) -> int:
    """Forget finished webmention requests older than days (their status pages go with them)."""
    old = timezone.now() - timedelta(days=days)
    finished = MentionRequest.objects.exclude(status=MentionRequest.Status.QUEUED)
    count, _by_model = finished.filter(created_at__lt=old).delete()
    return count
