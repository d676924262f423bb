import pytest
from django.core.management import call_command

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
