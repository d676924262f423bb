from datetime import timedelta

import procrastinate.utils
import pytest
from django.utils import timezone

from blog import services
from blog.models import Post
from blog.signals import post_published
from blog.tasks import announce_due_posts
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db
# The worker runs tasks in another thread, on another connection: rows must be committed.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announced():
    """The ids of the posts post_published was sent for, in order."""
    sent = []

    def receiver(sender, post, **kwargs):
        sent.append(post.pk)

    post_published.connect(receiver, dispatch_uid="test-services-announced")
    yield sent
    post_published.disconnect(dispatch_uid="test-services-announced")


@pytest.fixture
def travel(monkeypatch):
    """Move the clock of Django and of the task queue forward."""

    def go(delta):
        real_now, real_utcnow = timezone.now, procrastinate.utils.utcnow
        monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)
        monkeypatch.setattr(procrastinate.utils, "utcnow", lambda: real_utcnow() + delta)

    return go


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Save a post as the admin would, with its on-commit work (deferring jobs) done."""

    def save(*args, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_post(*args, **fields)

    return save


@committed
def test_post_published_is_sent_when_a_post_is_published(publish, run_jobs, announced):
    post = publish("Breaking")
    run_jobs()
    assert announced == [post.pk]


@committed
def test_post_published_is_sent_with_the_post_live(publish, run_jobs, announced):
    post = publish("Breaking")
    run_jobs()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.announced_at is not None


@committed
def test_post_saved_again_is_not_announced_again(publish, run_jobs, announced,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    post = publish("Breaking")
    run_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Breaking: update"
        post.save()
    run_jobs()
    assert announced == [post.pk]


def test_post_announce_run_twice_sends_once(announced):
    post = make_post("Breaking")
    assert services.post_announce(post_id=post.pk) is True
    assert services.post_announce(post_id=post.pk) is False
    assert announced == [post.pk]


@committed
def test_periodic_job_announces_a_post_whose_own_job_was_lost(task_queue, run_jobs, announced):
    post = make_post("Lost job")
    task_queue.connector.reset()
    announce_due_posts.defer(timestamp=0)
    run_jobs()
    assert announced == [post.pk]


@committed
def test_periodic_job_after_the_posts_own_job_sends_nothing_more(publish, run_jobs, announced):
    post = publish("Breaking")
    run_jobs()
    announce_due_posts.defer(timestamp=0)
    run_jobs()
    assert services.posts_announce_due() == 0
    assert announced == [post.pk]


@committed
def test_scheduled_post_is_not_announced_before_its_time(publish, run_jobs, announced):
    publish("Next week", published_at=timezone.now() + timedelta(days=7))
    run_jobs()
    assert services.posts_announce_due() == 0
    assert announced == []


@committed
def test_scheduled_post_is_announced_by_its_job_once_its_time_has_come(
    publish, run_jobs, announced, travel
):
    post = publish("Next week", published_at=timezone.now() + timedelta(days=7))
    travel(timedelta(days=7, minutes=1))
    run_jobs()
    post.refresh_from_db()
    assert announced == [post.pk]
    assert post.status == Post.Status.PUBLISHED


@committed
def test_scheduled_post_moved_later_is_not_announced_at_the_old_time(
    publish, run_jobs, announced, travel, django_capture_on_commit_callbacks
):
    post = publish("Moved", published_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        post.published_at = timezone.now() + timedelta(days=2)
        post.save()
    travel(timedelta(hours=2))
    run_jobs()
    assert announced == []
    travel(timedelta(days=2, minutes=1))
    run_jobs()
    assert announced == [post.pk]


@committed
def test_draft_is_not_announced(publish, run_jobs, announced):
    publish("Draft", status=Post.Status.DRAFT)
    run_jobs()
    assert services.posts_announce_due() == 0
    assert announced == []


@committed
@pytest.mark.parametrize("status", [Post.Status.PENDING, Post.Status.PRIVATE])
def test_post_not_for_readers_is_not_announced(publish, run_jobs, announced, status):
    publish("Not public", status=status)
    run_jobs()
    assert services.posts_announce_due() == 0
    assert announced == []


@committed
def test_scheduled_post_unpublished_before_its_time_is_not_announced(
    publish, run_jobs, announced, travel
):
    post = publish("Cancelled", published_at=timezone.now() + timedelta(hours=1))
    services.posts_unpublish(posts=Post.objects.filter(pk=post.pk))
    travel(timedelta(hours=2))
    run_jobs()
    assert services.posts_announce_due() == 0
    assert announced == []


@committed
def test_post_unpublished_and_published_again_is_not_announced_again(
    publish, run_jobs, announced, django_capture_on_commit_callbacks
):
    post = publish("Back and forth")
    run_jobs()
    services.posts_unpublish(posts=Post.objects.filter(pk=post.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.posts_publish(posts=Post.objects.filter(pk=post.pk))
    run_jobs()
    assert announced == [post.pk]


@committed
def test_posts_publish_makes_drafts_and_scheduled_posts_live_now(
    run_jobs, announced, django_capture_on_commit_callbacks
):
    draft = make_post("Draft", status=Post.Status.DRAFT, days_ago=3)
    scheduled = make_post("Later", published_at=timezone.now() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        count = services.posts_publish(posts=Post.objects.filter(pk__in=[draft.pk, scheduled.pk]))
    run_jobs()
    assert count == 2
    assert set(Post.objects.published()) == {draft, scheduled}
    assert sorted(announced) == sorted([draft.pk, scheduled.pk])


def test_posts_publish_keeps_the_date_of_a_backdated_draft():
    draft = make_post("Old draft", status=Post.Status.DRAFT, days_ago=3)
    services.posts_publish(posts=Post.objects.filter(pk=draft.pk))
    draft.refresh_from_db()
    assert draft.published_at < timezone.now() - timedelta(days=2)


def test_posts_publish_skips_posts_already_published():
    live = make_post("Live")
    before = Post.objects.get(pk=live.pk).updated_at
    assert services.posts_publish(posts=Post.objects.filter(pk=live.pk)) == 0
    assert Post.objects.get(pk=live.pk).updated_at == before


def test_posts_unpublish_takes_posts_back_to_draft():
    live, draft = make_post("Live"), make_post("Draft", status=Post.Status.DRAFT)
    count = services.posts_unpublish(posts=Post.objects.filter(pk__in=[live.pk, draft.pk]))
    assert count == 1
    assert not Post.objects.published().exists()


def test_posts_add_category_keeps_the_posts_other_categories():
    world, sport = make_category("World"), make_category("Sport")
    post = make_post("Filed", categories=[world])
    services.posts_add_category(posts=Post.objects.filter(pk=post.pk), category=sport)
    assert set(post.categories.all()) == {world, sport}


def test_posts_add_category_twice_files_a_post_once():
    world = make_category("World")
    post = make_post("Filed", categories=[world])
    services.posts_add_category(posts=Post.objects.filter(pk=post.pk), category=world)
    assert list(post.categories.all()) == [world]
