"""Followers' mail: confirmations, test emails, and each new post in batches."""

from django.db import DatabaseError
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from blog.followers import deliveries
from blog.followers import services as followers

BATCH_RETRY = RetryStrategy(
    max_attempts=10,
    exponential_wait=2,  # 2 s, 4 s, ... about 34 minutes in all
    retry_exceptions={followers.TransientSendError, DatabaseError},
)


@app.task(queue="default", priority=1, retry=RetryStrategy(max_attempts=5, exponential_wait=3))
def send_follower_confirmation(follower_id: int) -> None:
    followers.confirmation_send(follower_id=follower_id)


@app.task(queue="default", retry=RetryStrategy(max_attempts=5, exponential_wait=3))
def send_follower_confirmations(follower_ids: list[int]) -> None:
    """Confirmation emails for imported addresses; those confirmed meanwhile are skipped."""
    for follower_id in follower_ids:
        followers.confirmation_send(follower_id=follower_id)


@app.task(queue="default", priority=1, retry=RetryStrategy(max_attempts=3, exponential_wait=3))
def send_post_test_email(post_id: int, email: str) -> None:
    deliveries.post_send_test(post_id=post_id, email=email)


@app.task(queue="followers", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def plan_post_deliveries(post_id: int) -> None:
    """Write the post's delivery ledger and queue its send batches (safe to run again)."""
    deliveries.deliveries_plan(post_id=post_id)


@app.task(queue="followers", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def queue_waiting_deliveries(post_id: int) -> None:
    """Queue send batches for the post's emails still waiting (an editor's "send again")."""
    deliveries.deliveries_queue_waiting(post_id=post_id)


@app.task(queue="followers", retry=BATCH_RETRY, pass_context=True)
def send_post_batch(context, post_id: int, first_id: int, last_id: int) -> None:
    """Send a post to the followers with ids first_id..last_id still waiting for it."""
    last_attempt = context.job.attempts >= BATCH_RETRY.max_attempts
    deliveries.deliveries_send_batch(
        post_id=post_id, first_id=first_id, last_id=last_id, last_attempt=last_attempt
    )
