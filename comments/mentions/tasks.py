"""Pings in the background: verifying received ones, sending ours, tidying up.

A site that is down or busy is tried again after 4, 16, 64, ... seconds: six retries, the last
about 1.5 hours on; sooner or later when it says when (Retry-After, WordPress's flood window).
A verification that fails on a transient error (the source's server, our database connection)
is tried again after 5, 25 and 125 seconds; one that fails for good rejects its request with
the reason, and a sweep every ten minutes settles requests and pings whose job is gone.
"""

import logging
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError
from procrastinate import RetryDecision, RetryStrategy
from procrastinate.contrib.django import app

from blog import jobs
from comments.mentions import mastodon, outgoing, titles
from comments.mentions import services as mentions

logger = logging.getLogger(__name__)
DB_TRANSIENT = {OperationalError, InterfaceError}  # a connection cut, a server restarting
MAX_RETRY_AFTER = 24 * 3600  # seconds: a Retry-After further off is taken as a day


class PingRetry(RetryStrategy):
    """RetryStrategy that waits what the other site asked for (TransientPingError's
    retry_after, in seconds, at most a day) instead of the backoff, when it asked."""

    def get_retry_decision(self, *, exception, job):
        decision = super().get_retry_decision(exception=exception, job=job)
        retry_after = getattr(exception, "retry_after", None)
        if decision is None or retry_after is None:
            return decision
        return RetryDecision(retry_in={"seconds": int(min(max(retry_after, 1), MAX_RETRY_AFTER))})


PING_RETRY = PingRetry(
    max_attempts=6, exponential_wait=4,
    retry_exceptions={outgoing.TransientPingError, *DB_TRANSIENT},
)  # fmt: skip
VERIFY_RETRY = RetryStrategy(
    max_attempts=3, exponential_wait=5,
    retry_exceptions={mentions.TransientSourceError, *DB_TRANSIENT},
)  # fmt: skip
PINGBACK_RETRY = RetryStrategy(max_attempts=3, exponential_wait=5, retry_exceptions=DB_TRANSIENT)


@contextmanager
def _rejected_when_final(context, retry: RetryStrategy, request_id: int):
    """Reject the request when the job fails and will not be tried again (the error is not
    one retry takes, or this was the last attempt); the job still fails, for the logs."""
    try:
        yield
    except Exception as error:
        job = context.job
        if retry.get_retry_decision(exception=error, job=job) is None:
            mentions.mention_request_fail(request_id=request_id, error=error)
        raise


@app.task(queue="pings", retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def queue_post_pings(post_id: int) -> None:
    """Queue a ping for every page the post links to that was not pinged yet."""
    outgoing.post_pings_queue(post_id=post_id)


@app.task(queue="pings", retry=PING_RETRY, pass_context=True)
def send_ping(context, ping_id: int) -> None:
    """Send one pingback or webmention (whichever the linked page takes)."""
    last_attempt = context.job.attempts >= PING_RETRY.max_attempts
    outgoing.ping_send(ping_id=ping_id, last_attempt=last_attempt)


@app.task(queue="pings", retry=VERIFY_RETRY, pass_context=True)
def verify_webmention(context, request_id: int) -> None:
    """Fetch a received webmention's (or trackback's) source; store, update or delete it."""
    last_attempt = context.job.attempts >= VERIFY_RETRY.max_attempts
    with _rejected_when_final(context, VERIFY_RETRY, request_id):
        mentions.webmention_verify(request_id=request_id, last_attempt=last_attempt)


@app.task(queue="pings", retry=PINGBACK_RETRY, pass_context=True)
def verify_pingback(context, request_id: int) -> None:
    """Fetch a received pingback's source and decide; the XML-RPC answer waits for this.

    A failed fetch is a fault at once (the other blog reads it, and resends if it wants to);
    only our own database failing is tried again."""
    with _rejected_when_final(context, PINGBACK_RETRY, request_id):
        mentions.pingback_verify(request_id=request_id)


@app.periodic(cron="*/10 * * * *", periodic_id="settle-stale-pings")
@app.task(queue="pings", queueing_lock="settle-stale-pings")
def settle_stale_pings(timestamp: int) -> None:
    """Every ten minutes, settle received mentions and sent pings whose job is gone."""
    mentions.mention_requests_settle()
    outgoing.pings_settle()


@app.periodic(cron="17 3 * * *", periodic_id="purge-webmention-requests")
@app.task(queue="pings", queueing_lock="purge-webmention-requests")
def purge_webmention_requests(timestamp: int) -> None:
    """Every night, forget webmention requests finished more than 30 days ago."""
    mentions.webmention_requests_purge(days=30)


@app.task(queue="default", retry=PINGBACK_RETRY)
def fetch_link_title(url: str, reply_to: str) -> None:
    """Fetch a page's title and site name for another app's link card, through the safe
    fetcher, and queue the task named reply_to with url, title and site ("" when the page
    could not be read). The caller names its own task, so this app imports none of blog's."""
    title, site = titles.page_title(url)
    jobs.task(reply_to).defer(url=url, title=title, site=site)


@app.task(queue="pings")
def fetch_mastodon_statuses(profile_id: int) -> None:
    """Read a Follow-box Mastodon account's latest posts; a failure keeps the old ones."""
    try:
        mastodon.statuses_fetch(profile_id=profile_id)
    except mastodon.Unavailable as error:
        logger.info("Mastodon posts not fetched: %s", error)


@app.periodic(cron="*/30 * * * *", periodic_id="refresh-mastodon-statuses")
@app.task(queue="pings", queueing_lock="refresh-mastodon-statuses")
def refresh_mastodon_statuses(timestamp: int) -> None:
    """Every half hour, queue a fetch of each Follow-box Mastodon account's posts."""
    for profile_id in mastodon.mastodon_profile_ids():
        fetch_mastodon_statuses.defer(profile_id=profile_id)
