import pytest
from django.db import IntegrityError

from comments.models import Comment, DiscussionSettings
from tests.comments.factories import make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_status_keeps_django_comments_flags_in_step():
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    assert (comment.is_public, comment.is_removed) == (False, False)
    for status, flags in [("approved", (True, False)), ("spam", (False, True)),
                          ("trash", (False, True))]:  # fmt: skip
        comment.status = status
        comment.save()
        comment.refresh_from_db()
        assert (comment.is_public, comment.is_removed) == flags


def test_public_for_lists_only_approved_comments_of_that_post():
    post, other = make_post(), make_post()
    shown = make_comment(post)
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.SPAM)
    make_comment(other)
    assert list(Comment.objects.public_for(post)) == [shown]


def test_reply_is_threaded_under_its_parent():
    post = make_post()
    top = make_comment(post)
    reply = make_comment(post, parent=top)
    assert (reply.thread_id, reply.level, reply.parent_id) == (top.pk, 1, top.pk)


def test_mention_needs_a_source_address_and_a_comment_has_none():
    post = make_post()
    with pytest.raises(IntegrityError):
        make_comment(post, kind=Comment.Kind.PINGBACK, source_url="")


def test_plain_comment_cannot_carry_a_source_address():
    with pytest.raises(IntegrityError):
        make_comment(make_post(), source_url="https://elsewhere.example/")


def test_comment_url_is_its_permalink():
    comment = make_comment(make_post())
    assert comment.get_absolute_url() == f"/comments/{comment.pk}/"


def test_discussion_settings_have_one_row_with_wordpress_defaults():
    first = DiscussionSettings.load()
    second = DiscussionSettings.load()
    assert first.pk == second.pk == 1
    assert (first.approval, first.hold_link_count, first.thread_depth, first.close_after_days) == (
        DiscussionSettings.Approval.FIRST_TIME,
        2,
        3,
        0,
    )


def test_discussion_settings_refuse_depth_over_ten():
    rules = DiscussionSettings.load()
    rules.thread_depth = 11
    with pytest.raises(IntegrityError):
        rules.save()


def test_word_lists_ignore_blank_lines_and_case():
    rules = DiscussionSettings(moderation_words="  Casino \n\nLOANS\n")
    assert rules.moderation_word_list() == ["casino", "loans"]
