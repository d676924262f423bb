import re

import pytest

from comments.forms import CommentForm
from comments.models import Comment
from tests.comments.factories import form_data, make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def bound(post, **fields):
    form = CommentForm(post, data=form_data(post, **fields))
    form.is_valid()
    return form


def test_form_with_honeypot_is_valid_but_flagged():
    form = bound(make_post(), honeypot="anything")
    assert form.is_valid()
    assert form.bot_signals() == ["filled in the hidden field"]


def test_form_sent_faster_than_a_person_types_is_flagged(settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    [signal] = bound(make_post(), seconds_ago=0).bot_signals()
    assert re.fullmatch(r"sent [01] s after the form was shown", signal)


def test_form_from_a_person_taking_time_has_no_bot_signals():
    assert bound(make_post(), seconds_ago=40).bot_signals() == []


def test_forged_security_hash_is_a_security_error():
    post = make_post()
    data = form_data(post)
    data["timestamp"] = str(int(data["timestamp"]) + 30)
    assert "security_hash" in CommentForm(post, data=data).security_errors()


def test_name_longer_than_fifty_characters_is_refused():
    form = bound(make_post(), name="n" * 51)
    assert "name" in form.errors


def test_reply_to_a_comment_of_another_post_is_refused():
    elsewhere = make_comment(make_post())
    form = bound(make_post(), reply_to=elsewhere.pk)
    assert form.errors["reply_to"] == ["The comment you are replying to is no longer available."]


def test_same_text_from_the_same_address_is_a_duplicate_unless_trashed():
    post = make_post()
    earlier = make_comment(post, "Same words", user_email="ADA@example.com")
    assert not bound(post, comment="Same words").is_valid()
    earlier.status = Comment.Status.TRASH
    earlier.save()
    assert bound(post, comment="Same words").is_valid()
