"""WordPress imports started from the admin, run by the worker."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from blog.wordpress import services as wordpress_services


@app.task(queue="default", retry=False)
def run_wordpress_import(run_id: int) -> None:
    """An import an editor started from the admin; see blog.wordpress.import_run_execute."""
    wordpress_services.import_run_execute(run_id=run_id)


@app.task(queue="default", retry=RetryStrategy(max_attempts=3, exponential_wait=5))
def link_card_title(url: str, title: str, site: str) -> None:
    """The fetched title of an embedded page (comments.mentions.tasks.fetch_link_title's
    answer) written into the link cards of the posts and pages that show it."""
    wordpress_services.link_cards_title(url=url, title=title, site=site)
