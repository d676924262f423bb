import pytest

from comments.models import Comment
from comments.receivers import on_confirmation_received
from tests.comments.factories import make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


class Pending(dict):
    """Stands in for xtd's TmpXtdComment, the comment carried in the confirmation link."""

    __getattr__ = dict.get


def test_confirmation_is_accepted_while_comments_are_open():
    post = make_post()
    pending = Pending(content_object=post, user_email="ada@example.com", comment="New")
    assert on_confirmation_received(None, pending, None) is True


def test_confirmation_after_comments_closed_is_discarded():
    post = make_post(comments_open=False)
    pending = Pending(content_object=post, user_email="ada@example.com", comment="Late")
    assert on_confirmation_received(None, pending, None) is False


def test_confirmation_of_something_said_already_is_discarded():
    post = make_post()
    make_comment(post, "Twice", user_email="ADA@example.com", status=Comment.Status.PENDING)
    pending = Pending(content_object=post, user_email="ada@example.com", comment="Twice")
    assert on_confirmation_received(None, pending, None) is False
