"""Helpers for the pingback and webmention tests: source pages that link to our posts, and a
way to run queued jobs until the jobs they queue are done too."""

from django.conf import settings
from django.utils import timezone

from comments.models import Comment


def linking_page(target, *, before="", after="", title="A blog that links", text="this post"):
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{before} <a href='{target}'>{text}</a> {after}</p>"
        "<footer>More posts elsewhere.</footer></article></body></html>"
    )


def target_url(post):
    return f"{settings.SITE_URL}{post.get_absolute_url()}"


def mentions_of(post):
    return list(Comment.objects.for_post(post).exclude(kind=Comment.Kind.COMMENT))


def run_until_idle(run_jobs):
    """Run jobs like the worker until none is due (jobs that wait for a retry stay queued)."""
    for _ in range(10):
        jobs = run_jobs()
        now = timezone.now()
        due = [
            job for job in jobs.values()
            if job["status"] == "todo" and (job["scheduled_at"] is None or job["scheduled_at"] <= now)
        ]  # fmt: skip
        if not due:
            return jobs
    raise AssertionError("jobs keep queueing jobs")
