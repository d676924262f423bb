"""The image library's work in the background."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from blog.media import renditions


@app.task(queue="images", retry=RetryStrategy(max_attempts=5, exponential_wait=2))
def make_image_renditions(image_id: int) -> None:
    """Make the scaled copies and the link preview card of an uploaded image."""
    renditions.image_renditions_make(image_id=image_id)
