import smtplib

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comments import services

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
