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


# 64 characters before the @, labels of 63 after: valid, 261 characters in all.
ADDRESS_261 = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "eeee"])


def test_email_of_261_characters_is_refused_with_the_limit():
    assert len(ADDRESS_261) == 261
    form = bound(make_post(), email=ADDRESS_261)
    assert form.errors["email"] == ["Ensure this value has at most 254 characters (it has 261)."]


def test_email_of_254_characters_is_accepted():
    address = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 56, "eeee"])
    assert len(address) == 254
    assert bound(make_post(), email=address).is_valid()


def test_guest_comment_with_a_261_character_email_gives_the_text_back_and_mails_nothing(client):
    from django.core import mail

    post = make_post()
    response = client.post("/comments/post/",
                           form_data(post, email=ADDRESS_261, comment="My words."))  # fmt: skip
    assert response.status_code == 400
    assert "My words." in response.content.decode()
    assert mail.outbox == [] and not Comment.objects.exists()


@pytest.mark.parametrize("field", ["name", "comment", "url", "email"])
def test_nul_character_in_a_field_is_a_field_error(field):
    form = bound(make_post(), **{field: "a\x00b"})
    assert field in form.errors
