import smtplib

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comments import mentions, outgoing, services

# A mail server that is down or says "try later" is tried again: 2, 4, 8, ... seconds, about
# an hour in all. Other errors (a broken template) are bugs, not worth retrying.
MAIL_RETRY = RetryStrategy(
    max_attempts=11, exponential_wait=2, retry_exceptions={smtplib.SMTPException, OSError}
)


@app.task(queue="mail", retry=MAIL_RETRY)
def send_mail(subject: str, body: str, from_email: str, recipient_list: list, html=None) -> None:
    """Send one message that was queued by services.mail_queue."""
    services.mail_send(
        subject=subject, body=body, from_email=from_email, recipient_list=recipient_list, html=html
    )


@app.task(queue="default", retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def notify_moderators(comment_id: int) -> None:
    """Queue a mail to the post's author and the editors: a comment waits for moderation."""
    services.comment_notify_moderators(comment_id=comment_id)


@app.task(queue="default", retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def notify_followers(comment_id: int) -> None:
    """Queue django-comments-xtd's follow-up mails for a newly approved comment."""
    services.comment_notify_followers(comment_id=comment_id)


# Pingbacks and webmentions (comments.mentions, comments.outgoing). A site that is down or busy
# is tried again after 4, 16, 64, ... seconds: six retries, the last about 1.5 hours on.
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
