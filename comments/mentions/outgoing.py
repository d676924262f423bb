"""Pingbacks and webmentions sent: to every page a post links to, when it goes live or an edit
adds links. Each (post, target) pair is one OutgoingPing row, sent once unless an editor asks
to resend; its attempts, outcome and the other side's answer are what the admin shows.
"""

import contextlib
import xmlrpc.client
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from blog import jobs
from blog.history import importing_history
from blog.models import Post
from comments.mentions import discovery, fetch, pingback, sources, weburls
from comments.mentions import services as mentions
from comments.mentions.models import OutgoingPing
from comments.models import DiscussionSettings

# WordPress refuses a second comment or ping from one address within 15 seconds
# (wp_check_comment_flood, wp-includes/comment.php); a little more, for clocks.
FLOOD_SECONDS = 20
STALE_AFTER = timedelta(days=1)  # a ping with no job this long after its last try is dead
MAX_TARGETS = 100  # links a post may ping; a list page of a thousand links pings nobody more
Outcome = OutgoingPing.Outcome
SEND_TASK = "comments.mentions.tasks.send_ping"
NEVER_SENT = "Never sent: the job that sends it stopped. Select it and send it again."


class TransientPingError(Exception):
    """The target or its endpoint could not be reached this time: the task tries again, after
    retry_after seconds when the other side said when (else after the backoff)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PingRefused(Exception):
    """The target or its endpoint is not ours to fetch (a private address, too big, ...)."""


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href.strip())


def post_source_url(post: Post) -> str:
    return f"{settings.SITE_URL}{post.get_absolute_url()}"


def post_links(post: Post, rules: DiscussionSettings) -> list[str]:
    """The other pages the post's body links to, in order, without fragments or repeats (two
    spellings of one address count once); malformed links are skipped."""
    parser = _Links()
    parser.feed(post.body)
    parser.close()
    own = post_source_url(post)
    found = {}
    for href in parser.hrefs:
        url = weburls.join(own, href)
        if url is None or not weburls.is_valid(url) or weburls.same_url(url, own):
            continue
        if sources.is_ours(url) and not rules.self_pings:
            continue
        found.setdefault(weburls.normal(url), url)
    return list(found.values())[:MAX_TARGETS]


def post_pings_queue(*, post_id: int) -> int:
    """Queue a ping to every page the live post links to that was never pinged for it."""
    post = Post.objects.published().filter(pk=post_id).first()
    rules = DiscussionSettings.load()
    if post is None or not rules.send_pings:
        return 0
    queued = 0
    for target in post_links(post, rules):
        ping, created = OutgoingPing.objects.get_or_create(post=post, target=target)
        if created:
            transaction.on_commit(lambda pk=ping.pk: ping_send_queue(ping_id=pk))
            queued += 1
    return queued


def ping_send_queue(*, ping_id: int) -> bool:
    """Queue the job that sends one ping, unless it is queued already (a second "send again"
    while the first waits); its lock keeps two sends of one ping from running at once."""
    lock = f"ping:{ping_id}"
    try:
        task = jobs.task(SEND_TASK, lock=lock, queueing_lock=lock)
        task.defer(ping_id=ping_id)
    except AlreadyEnqueued:
        return False
    return True


def pings_resend(*, pings) -> int:
    """An editor's "send again": the pings go out once more, whatever happened before."""
    pks = list(pings.values_list("pk", flat=True))
    OutgoingPing.objects.filter(pk__in=pks).update(
        outcome=Outcome.QUEUED, code=None, detail="", protocol="", endpoint=""
    )
    for pk in pks:
        transaction.on_commit(lambda pk=pk: ping_send_queue(ping_id=pk))
    return len(pks)


def ping_send(*, ping_id: int, last_attempt: bool = False) -> str | None:
    """Discover the target's endpoint and notify it; the outcome, or None if nothing to do.

    Raises TransientPingError (after recording the attempt) so the task retries, unless this
    is the last attempt, which records the ping as failed.
    """
    ping = OutgoingPing.objects.select_related("post").filter(pk=ping_id).first()
    if ping is None or ping.outcome not in (Outcome.QUEUED, Outcome.RETRYING):
        return None
    ping.attempts += 1
    ping.attempted_at, ping.code, ping.detail = timezone.now(), None, ""
    try:
        deliver(ping, source=post_source_url(ping.post))
    except PingRefused as error:
        ping.outcome, ping.detail = Outcome.FAILED, str(error)[:300]
    except TransientPingError as error:
        ping.outcome = Outcome.FAILED if last_attempt else Outcome.RETRYING
        ping.detail = str(error)[:300]
        ping.save()
        if not last_attempt:
            raise
        return ping.outcome
    ping.save()
    return ping.outcome


def deliver(ping: OutgoingPing, *, source: str) -> None:
    """Fill in the ping's protocol, endpoint and outcome from one try; TransientPingError."""
    page = _fetch(ping.target, "the linked page")
    if page.status >= 400:
        detail = f"The linked page answered HTTP {page.status}."
        _transient_or_fail(ping, page.status, detail, page.headers)
        ping.outcome, ping.code = Outcome.FAILED, page.status
        return
    if endpoint := discovery.webmention_endpoint(page):
        ping.protocol, ping.endpoint = OutgoingPing.Protocol.WEBMENTION, endpoint[:1000]
        webmention_send(ping, endpoint=endpoint, source=source)
    elif endpoint := discovery.pingback_endpoint(page):
        ping.protocol, ping.endpoint = OutgoingPing.Protocol.PINGBACK, endpoint[:1000]
        pingback_send(ping, endpoint=endpoint, source=source)
    else:
        ping.outcome, ping.detail = Outcome.NO_ENDPOINT, ""


def _fetch(url: str, what: str, **kwargs) -> fetch.Response:
    try:
        return sources.fetch_limited(url, **kwargs)
    except sources.Busy:
        raise TransientPingError("Too many fetches at once; waiting for a turn.") from None
    except fetch.FetchRefused as error:
        raise PingRefused(f"{what.capitalize()} was refused: {error}") from None
    except fetch.FetchError as error:
        raise TransientPingError(f"{what.capitalize()} could not be reached: {error}") from None


def _transient_or_fail(ping, status: int, detail: str, headers=None) -> None:
    """A server error or "too many requests" may pass (retried when its Retry-After says);
    other errors are final."""
    if status >= 500 or status == 429:
        ping.code = status
        retry_after = retry_after_seconds(headers.get("Retry-After") if headers else None)
        raise TransientPingError(detail, retry_after=retry_after)
    ping.detail = detail


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from an HTTP Retry-After value, delay-seconds or an HTTP-date
    (RFC 9110 section 10.2.3); None when absent or unreadable."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - timezone.now()).total_seconds())


def webmention_send(ping: OutgoingPing, *, endpoint: str, source: str) -> None:
    body = urlencode({"source": source, "target": ping.target}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = _fetch(endpoint, "the endpoint", method="POST", data=body, headers=headers)
    ping.code = response.status
    if 200 <= response.status < 300:
        location = response.headers.get("Location", "")
        ping.outcome = Outcome.SENT
        ping.detail = (f"Accepted; status at {location}" if location else "Accepted")[:300]
        return
    detail = f"The endpoint answered HTTP {response.status}."
    _transient_or_fail(ping, response.status, detail, response.headers)
    ping.outcome = Outcome.FAILED


def pingback_send(ping: OutgoingPing, *, endpoint: str, source: str) -> None:
    body = xmlrpc.client.dumps((source, ping.target), "pingback.ping").encode()
    headers = {"Content-Type": "text/xml"}
    response = _fetch(endpoint, "the endpoint", method="POST", data=body, headers=headers)
    if response.status != 200:
        ping.code = response.status
        detail = f"The endpoint answered HTTP {response.status}."
        _transient_or_fail(ping, response.status, detail, response.headers)
        ping.outcome = Outcome.FAILED
        return
    try:
        (result,), _method = pingback.loads(response.body)
    except xmlrpc.client.Fault as fault:
        _pingback_fault(ping, fault)
        return
    except Exception:  # hostile or broken XML from the other side
        ping.outcome, ping.detail = Outcome.FAILED, "The endpoint's answer was not XML-RPC."
        return
    ping.outcome, ping.code, ping.detail = Outcome.SENT, None, str(result)[:300]


def _pingback_fault(ping: OutgoingPing, fault: xmlrpc.client.Fault) -> None:
    """Faults 50 (the other blog could not fetch us now) and 429 (WordPress's "You are posting
    comments too quickly", within FLOOD_SECONDS of our last ping) pass; 48 means it is
    registered already; any other (16, 17, 32, 33, 49, ...) is final."""
    code = fault.faultCode if isinstance(fault.faultCode, int) else None
    ping.code, ping.detail = code, str(fault.faultString)[:300]
    if code == 50:
        raise TransientPingError(ping.detail)
    if code == 429:
        raise TransientPingError(ping.detail, retry_after=FLOOD_SECONDS)
    ping.outcome = Outcome.SENT if code == 48 else Outcome.FAILED


def pings_settle(*, older_than: timedelta = STALE_AFTER) -> int:
    """Mark failed the pings still waiting to be sent older_than after their last try (or
    their creation) whose job is gone; the periodic sweep calls this."""
    cutoff = timezone.now() - older_than
    stale = (
        OutgoingPing.objects.filter(outcome__in=[Outcome.QUEUED, Outcome.RETRYING])
        .filter(Q(attempted_at__lt=cutoff) | Q(attempted_at=None, created_at__lt=cutoff))
        .exclude(pk__in=mentions.live_job_args([SEND_TASK], "ping_id"))
    )
    return stale.update(outcome=Outcome.FAILED, detail=NEVER_SENT)


# Receivers (connected in comments.apps)


def on_post_published(sender, post, **kwargs):
    """post_published: ping the post's links once the announcement commits."""
    _queue_after_commit(post.pk)


def on_post_saved(sender, instance, created, raw=False, **kwargs):
    """An edit of a post that is already out may add links: ping the new ones. A save by an
    import is history, not an edit: WordPress pinged those links long ago."""
    if importing_history():
        return
    if not (raw or created) and instance.announced_at and instance.is_public:
        _queue_after_commit(instance.pk)


def _queue_after_commit(post_id: int) -> None:
    from procrastinate.exceptions import AlreadyEnqueued

    def defer():
        # A job already waiting reads the post as it is by then: one is enough.
        with contextlib.suppress(AlreadyEnqueued):
            lock = f"post-pings-{post_id}"
            task = jobs.task("comments.mentions.tasks.queue_post_pings", queueing_lock=lock)
            task.defer(post_id=post_id)

    transaction.on_commit(defer)
