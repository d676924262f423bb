"""Pings in the background: verifying received ones, sending ours, tidying up.

A site that is down or busy is tried again after 4, 16, 64, ... seconds: six retries, the last
about 1.5 hours on.
"""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comments.mentions import outgoing
from comments.mentions import services as mentions

PING_RETRY = RetryStrategy(
    max_attempts=6, exponential_wait=4, retry_exceptions={outgoing.TransientPingError}
)
VERIFY_RETRY = RetryStrategy(
    max_attempts=3, exponential_wait=5, retry_exceptions={mentions.TransientSourceError}
)


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
    """Fetch a received webmention's source and store, update or delete the mention."""
    last_attempt = context.job.attempts >= VERIFY_RETRY.max_attempts
    mentions.webmention_verify(request_id=request_id, last_attempt=last_attempt)


@app.task(queue="pings")
def verify_pingback(request_id: int) -> None:
    """Fetch a received pingback's source and decide; the XML-RPC answer waits for this.

    Not retried: the other blog reads the fault in its answer, and resends if it wants to."""
    mentions.pingback_verify(request_id=request_id)


@app.periodic(cron="17 3 * * *", periodic_id="purge-webmention-requests")
@app.task(queue="pings", queueing_lock="purge-webmention-requests")
def purge_webmention_requests(timestamp: int) -> None:
    """Every night, forget webmention requests finished more than 30 days ago."""
    mentions.webmention_requests_purge(days=30)
