from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comments.signin import services


@app.task(queue="default", retry=RetryStrategy(max_attempts=3, exponential_wait=5))
def copy_avatar(account_id: int) -> None:
    """Copy a signed-in reader's picture from their provider (services.avatar_copy)."""
    services.avatar_copy(account_id=account_id)
