"""An import brings in history: it never pings, announces or mails, however often it runs."""

import io

import pytest

from blog.followers.models import Follower
from blog.models import Post
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples
from tests.worker import run_until_idle

pytestmark = pytest.mark.django_db

LINKED = '<a href="http://other.example/story">Their story</a>, <a href="http://third.example/">this</a>.'
# Every task that pings another site, announces a post or mails someone.
NOISY_TASKS = {
    "comments.mentions.tasks.queue_post_pings",
    "comments.mentions.tasks.send_ping",
    "blog.tasks.announce_post",
    "blog.followers.tasks.plan_post_deliveries",
    "blog.followers.tasks.queue_waiting_deliveries",
    "blog.followers.tasks.send_post_batch",
    "blog.followers.tasks.send_follower_confirmation",
    "blog.followers.tasks.send_follower_confirmations",
}


def export():
    return samples.export(
        samples.item(1, "Linked story", slug="linked", body=LINKED, comments=[samples.comment(5)]),
        samples.item(2, "Second story", slug="second", body=LINKED),
        samples.item(3, "Coming soon", status="future", slug="soon", date="2099-01-01 09:00:00"),
    )


def import_and_run_worker(django_capture_on_commit_callbacks, run_jobs):
    with django_capture_on_commit_callbacks(execute=True):
        wordpress_services.wordpress_import(source=io.BytesIO(export()))
    return run_until_idle(run_jobs)


def noisy(jobs):
    return [job["task_name"] for job in jobs.values() if job["task_name"] in NOISY_TASKS]


def test_importing_twice_queues_no_ping_announcement_or_mail(
    django_capture_on_commit_callbacks, run_jobs, mailoutbox
):
    Follower.objects.create(email="reader@example.com", status=Follower.Status.ACTIVE)
    import_and_run_worker(django_capture_on_commit_callbacks, run_jobs)
    jobs = import_and_run_worker(django_capture_on_commit_callbacks, run_jobs)
    assert Post.objects.filter(status="published").count() == 2
    assert noisy(jobs) == []
    assert mailoutbox == []


def test_an_edit_after_the_import_still_pings_the_posts_links(
    django_capture_on_commit_callbacks, run_jobs
):
    import_and_run_worker(django_capture_on_commit_callbacks, run_jobs)
    post = Post.objects.get(slug="linked")
    with django_capture_on_commit_callbacks(execute=True):
        post.body += '<p><a href="http://fourth.example/">new link</a></p>'
        post.save()
    assert "comments.mentions.tasks.queue_post_pings" in noisy(run_jobs())
