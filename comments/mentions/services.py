"""Received pingbacks, webmentions and trackbacks: accepted, verified by a task, stored as
comments."""

import logging
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from blog import jobs
from blog.models import Post
from comments import moderation
from comments.mentions import fetch, weburls
from comments.mentions.models import MentionRequest
from comments.mentions.sources import (
    FAULTS,
    MENTION_KINDS,
    VERDICTS_CHANNEL,
    Busy,
    MentionError,
    SourcePage,
    checked_source,
    existing_mentions,
    fetch_limited,
    source_page,
    source_response,
    target_post,
)
from comments.models import Comment, DiscussionSettings

# Storing

logger = logging.getLogger(__name__)


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
    source = checked_source(source)
    if weburls.same_url(source, target):
        raise MentionError(0)
    post = target_post(target)
    waiting = MentionRequest.objects.filter(
        protocol=MentionRequest.Protocol.PINGBACK, source=source, target=target,
        status=MentionRequest.Status.QUEUED,
    )  # fmt: skip
    if existing_mentions(post, source).exists() or waiting.exists():
        raise MentionError(48)
    with transaction.atomic():
        request = MentionRequest.objects.create(
            protocol=MentionRequest.Protocol.PINGBACK, source=source, target=target, post=post,
            ip_address=ip or None,
        )  # fmt: skip
        jobs.task("comments.mentions.tasks.verify_pingback").defer(request_id=request.pk)
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
    _verdict_notify(request.pk)
    return request.status


def _verdict_notify(request_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [VERDICTS_CHANNEL, str(request_id)])


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
    for name, url in (("source", source), ("target", target)):
        try:
            weburls.checked(url)
        except weburls.BadURL as error:
            message = f"Source and target must be http or https URLs: the {name} {error}."
            raise MentionError(0, message) from None
    source, target = weburls.checked(source), weburls.checked(target)
    if weburls.same_url(source, target):
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
    task = jobs.task("comments.mentions.tasks.verify_webmention")
    transaction.on_commit(lambda: task.defer(request_id=request.pk))
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


# Jobs that died

NOT_VERIFIED_DB = "Not verified: our database was unavailable. Please send it again."
NOT_VERIFIED_ERROR = "Not verified: the check failed on our side. Please send it again."
NOT_VERIFIED_IN_TIME = "Not verified: the check never finished. Please send it again."
PENDING_LIMIT = timedelta(hours=1)  # far past the last retry of a verification (3 minutes)
VERIFY_TASKS = [
    "comments.mentions.tasks.verify_pingback",
    "comments.mentions.tasks.verify_webmention",
]


def mention_request_fail(*, request_id: int, error: BaseException) -> bool:
    """Reject a request whose verification failed for good, the reason in its detail (shown in
    the admin and on the status page); the connection is renewed first if the error broke it.
    False when the request was no longer waiting."""
    if connection.connection is not None and not connection.is_usable():
        connection.close()  # the next query opens a new one
    detail = NOT_VERIFIED_DB if isinstance(error, DatabaseError) else NOT_VERIFIED_ERROR
    return _reject_waiting(MentionRequest.objects.filter(pk=request_id), detail) > 0


def mention_requests_settle(*, older_than: timedelta = PENDING_LIMIT) -> int:
    """Reject the requests still waiting older_than after they came whose job is gone (a
    worker that died, a job that failed without a word); the periodic sweep calls this."""
    stale = MentionRequest.objects.filter(
        status=MentionRequest.Status.QUEUED, created_at__lt=timezone.now() - older_than
    ).exclude(pk__in=live_job_args(VERIFY_TASKS, "request_id"))
    return _reject_waiting(stale, NOT_VERIFIED_IN_TIME)


def live_job_args(task_names: list[str], key: str) -> set:
    """The values of argument key of the jobs of task_names waiting or running now."""
    return {
        job.task_kwargs.get(key)
        for name in task_names
        for status in ("todo", "doing")
        for job in app.job_manager.list_jobs(task=name, status=status)
    }


def _reject_waiting(requests, detail: str) -> int:
    pks = list(requests.filter(status=MentionRequest.Status.QUEUED).values_list("pk", flat=True))
    MentionRequest.objects.filter(pk__in=pks, status=MentionRequest.Status.QUEUED).update(
        status=MentionRequest.Status.REJECTED, fault=50, detail=detail, updated_at=timezone.now()
    )
    for pk in pks:  # a pingback's answer may still be waiting for its verdict
        _verdict_notify(pk)
    return len(pks)


def webmention_requests_purge(*, days: int = 30) -> int:
    """Forget finished webmention requests older than days (their status pages go with them)."""
    old = timezone.now() - timedelta(days=days)
    finished = MentionRequest.objects.exclude(status=MentionRequest.Status.QUEUED)
    count, _by_model = finished.filter(created_at__lt=old).delete()
    return count
