"""The visitor statistics' periodic work."""

from procrastinate.contrib.django import app

from blog.stats import services as stats


@app.periodic(cron="* * * * *", periodic_id="fold-page-views")
@app.task(queue="default", queueing_lock="fold-page-views")
def fold_page_views(timestamp: int) -> None:
    """Every minute, add the buffered page views to the daily counts ."""
    stats.views_fold()
