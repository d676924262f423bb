from django.conf import settings
from django.db import DatabaseError
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import UniqueViolation
from procrastinate.jobs import Status

from blog import followers, ratelimit, services, stats


@app.task(queue="default", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def announce_post(post_id: int) -> None:
    """Announce a post at its publish time; a no-op if it is not live yet or already announced."""
    services.post_announce(post_id=post_id)


@app.periodic(cron="* * * * *", periodic_id="announce-due-posts")
@app.task(queue="default", queueing_lock="announce-due-posts")
def announce_due_posts(timestamp: int) -> None:
    """Every minute, announce live posts whose own job was lost or moved."""
    services.posts_announce_due()


@app.periodic(cron="* * * * *", periodic_id="fold-page-views")
@app.task(queue="default", queueing_lock="fold-page-views")
def fold_page_views(timestamp: int) -> None:
    """Every minute, add the buffered page views to the daily counts (blog.stats)."""
    stats.views_fold()


@app.task(queue="images", retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def make_image_renditions(image_id: int) -> None:
    """Make the scaled copies and the link preview card of an uploaded image (blog.media)."""
    from blog import media

    media.image_renditions_make(image_id=image_id)


# Followers (blog.followers): confirmation emails, and each new post to every follower.

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
    followers.post_send_test(post_id=post_id, email=email)


@app.task(queue="followers", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def plan_post_deliveries(post_id: int) -> None:
    """Write the post's delivery ledger and queue its send batches (safe to run again)."""
    followers.deliveries_plan(post_id=post_id)


@app.task(queue="followers", retry=BATCH_RETRY, pass_context=True)
def send_post_batch(context, post_id: int, first_id: int, last_id: int) -> None:
    """Send a post to the followers with ids first_id..last_id still waiting for it."""
    last_attempt = context.job.attempts >= BATCH_RETRY.max_attempts
    followers.deliveries_send_batch(
        post_id=post_id, first_id=first_id, last_id=last_id, last_attempt=last_attempt
    )


@app.periodic(cron="* * * * * */10", periodic_id="retry-stalled-jobs")  # seconds last
@app.task(queue="default", queueing_lock="retry-stalled-jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Every 10 seconds, put back in the queue the jobs of workers that stopped beating.

    A worker killed mid-job leaves it "doing"; once its heartbeat is WORKER_STALLED_SECONDS
    old, the job runs again on a live worker (the followers' ledger makes that harmless).
    """
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.WORKER_STALLED_SECONDS
    )
    for job in stalled:
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            # A run of the same job is queued already (a periodic task's next one, for
            # instance, with the same queueing lock): close the dead one instead.
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)


@app.task(queue="default", retry=False)
def run_wordpress_import(run_id: int) -> None:
    """An import an editor started from the admin; see blog.wordpress.import_run_execute."""
    from blog import wordpress

    wordpress.import_run_execute(run_id=run_id)


@app.periodic(cron="17 * * * *", periodic_id="purge-rate-counters")
@app.task(queue="default", queueing_lock="purge-rate-counters")
def purge_rate_counters(timestamp: int) -> None:
    """Every hour, drop the rate-limit counters whose window has closed (blog.ratelimit)."""
    ratelimit.purge()
