"""Deferring Procrastinate tasks by name, so services never import the tasks that call them.

A tasks module imports its app's services; a service that queued work by importing the task
would close an import cycle (which `lint-imports` refuses). Tasks are registered by the
procrastinate app when Django starts (each app's tasks.py is discovered), so their name is
enough: `task("blog.followers.tasks.send_post_batch").defer(post_id=1, ...)`.
"""

from procrastinate.contrib.django import app
from procrastinate.jobs import JobDeferrer  # noqa: F401  (the type task() returns)


def task(name: str, **options):
    """The registered task called name (its module path and function), configured with
    Procrastinate's options (schedule_at, lock, queueing_lock, priority, ...), ready for
    .defer(**arguments). Raises KeyError for a name no installed app registered."""
    return app.configure_task(name, allow_unknown=False, **options)
