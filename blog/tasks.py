from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from blog import services


@app.task(queue="default", retry=RetryStrategy(max_attempts=10, exponential_wait=2))
def announce_post(post_id: int) -> None:
    """Announce a post at its publish time; a no-op if it is not live yet or already announced."""
    services.post_announce(post_id=post_id)


@app.periodic(cron="* * * * *", periodic_id="announce-due-posts")
@app.task(queue="default", queueing_lock="announce-due-posts")
def announce_due_posts(timestamp: int) -> None:
    """Every minute, announce live posts whose own job was lost or moved."""
    services.posts_announce_due()
