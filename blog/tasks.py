from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import UniqueViolation
from procrastinate.jobs import Status

from blog import ratelimit, services


@app.task(queue="default", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def announce_post(post_id: int) -> None:
    """Announce a post at its publish time; a no-op if it is not live yet or already announced."""
    services.post_announce(post_id=post_id)


@app.periodic(cron="* * * * *", periodic_id="announce-due-posts")
@app.task(queue="default", queueing_lock="announce-due-posts")
def announce_due_posts(timestamp: int) -> None:
    """Every minute, announce live posts whose own job was lost or moved."""
    services.posts_announce_due()


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


@app.periodic(cron="17 * * * *", periodic_id="purge-rate-counters")
@app.task(queue="default", queueing_lock="purge-rate-counters")
def purge_rate_counters(timestamp: int) -> None:
    """Every hour, drop the rate-limit counters whose window has closed (blog.ratelimit)."""
    ratelimit.purge()
