"""The new-post email's Message-ID: one per post and follower, whatever sends it and how often."""

import pytest
from django.core import mail
from django.utils import timezone

from blog.followers import deliveries
from blog.followers.models import Delivery, Follower
from blog.models import Post
from tests.factories import make_post
from tests.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db


def quiet_post(title="News of the day"):
    post = make_post(title)
    Post.objects.filter(pk=post.pk).update(announced_at=timezone.now())
    return post


def send_after_a_crash(post):
    """Send to everyone; then the worker 'dies' before recording it, and a new one sends again."""
    for _attempt in range(2):
        Delivery.objects.filter(post=post).update(status=Delivery.Status.QUEUED)
        deliveries.deliveries_plan(post_id=post.pk)
        ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
        deliveries.deliveries_send_batch(post_id=post.pk, first_id=min(ids), last_id=max(ids))


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server.recorder


def test_message_id_is_the_same_when_a_follower_is_mailed_twice_over_smtp(smtp):
    Follower.objects.create(email="reader@example.com", status="active")
    send_after_a_crash(quiet_post())
    first, second = smtp.parsed()
    assert first["Message-ID"] == second["Message-ID"]


def test_message_id_is_the_same_when_a_follower_is_mailed_twice_by_another_mailer():
    Follower.objects.create(email="reader@example.com", status="active")
    send_after_a_crash(quiet_post())
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


def test_message_id_differs_between_followers_and_between_posts(smtp):
    Follower.objects.create(email="one@example.com", status="active")
    Follower.objects.create(email="two@example.com", status="active")
    send_after_a_crash(quiet_post("First"))
    send_after_a_crash(quiet_post("Second"))
    ids = [message["Message-ID"] for message in smtp.parsed()]
    assert len(ids) == 8 and len(set(ids)) == 4
