"""WordPress imports started from the admin, run by the worker."""

from procrastinate.contrib.django import app

from blog.wordpress import services as wordpress_services


@app.task(queue="default", retry=False)
def run_wordpress_import(run_id: int) -> None:
    """An import an editor started from the admin; see blog.wordpress.import_run_execute."""
    wordpress_services.import_run_execute(run_id=run_id)
