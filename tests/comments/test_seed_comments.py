from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_seed_comments_adds_threads_and_the_reference_pingbacks(demo, client):
    call_command("seed_comments", verbosity=0)
    reference = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
    on_reference = Comment.objects.public_for(reference)
    assert on_reference.filter(kind="pingback").count() == 3
    assert on_reference.filter(level__gt=1).exists()  # real threads
    assert 30 <= Comment.objects.count() <= 50
    body = client.get(reference.get_absolute_url()).content.decode()
    assert f"{on_reference.count()} comments on “{reference.title}”" in body
    assert "US Secretary of State John Kerry kept Iran out of his talks" in body


def test_seed_comments_twice_adds_nothing(demo):
    call_command("seed_comments", verbosity=0)
    count = Comment.objects.count()
    call_command("seed_comments", verbosity=0)
    assert Comment.objects.count() == count


@pytest.mark.parametrize("hour", [0, 9, 14, 23])
def test_seed_dates_no_comment_in_the_future_whatever_the_hour(monkeypatch, hour):
    """Run before 15:00, the reference post's last replies once landed up to 12 hours ahead."""
    fake_now = timezone.localtime().replace(hour=hour, minute=30) - timedelta(days=1)
    real = timezone.localtime

    def localtime(value=None, timezone=None):
        return fake_now if value is None else real(value, timezone)

    monkeypatch.setattr(timezone, "localtime", localtime)
    call_command("seed_demo", verbosity=0)
    dates = list(Comment.objects.order_by("pk").values_list("submit_date", flat=True))
    assert len(dates) > 30
    assert max(dates) <= fake_now


def test_seed_replies_come_after_what_they_answer(demo):
    dates = dict(Comment.objects.values_list("pk", "submit_date"))
    replies = Comment.objects.filter(level__gt=0).values_list("parent_id", "submit_date")
    assert replies
    assert all(date > dates[parent] for parent, date in replies)
