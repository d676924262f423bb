from datetime import timedelta

import pytest
from django.utils import timezone

from comments import selectors
from comments.models import Comment, DiscussionSettings
from tests.comments.factories import make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def shape(nodes):
    return [(node.comment.comment, node.level, shape(node.children)) for node in nodes]


def test_build_threads_nests_replies_under_their_parents():
    post = make_post()
    a = make_comment(post, "a")
    b = make_comment(post, "b", parent=a)
    make_comment(post, "c", parent=b)
    make_comment(post, "d")
    roots, count = selectors.build_threads(selectors.visible_comments(post), depth=3)
    assert shape(roots) == [("a", 0, [("b", 1, [("c", 2, [])])]), ("d", 0, [])]
    assert count == 4


def test_build_threads_flattens_replies_deeper_than_the_depth():
    post = make_post()
    a = make_comment(post, "a")
    b = make_comment(post, "b", parent=a)
    make_comment(post, "c", parent=b)
    roots, _count = selectors.build_threads(selectors.visible_comments(post), depth=2)
    assert shape(roots) == [("a", 0, [("b", 1, []), ("c", 1, [])])]


def test_build_threads_without_threading_lists_everything_at_the_top():
    post = make_post()
    make_comment(post, "b", parent=make_comment(post, "a"))
    roots, _count = selectors.build_threads(selectors.visible_comments(post), depth=1)
    assert shape(roots) == [("a", 0, []), ("b", 0, [])]


def test_hidden_comments_take_their_replies_with_them():
    post = make_post()
    held = make_comment(post, "held")
    make_comment(post, "reply", parent=held)
    held.status = Comment.Status.PENDING
    held.save()
    roots, count = selectors.build_threads(selectors.visible_comments(post), depth=3)
    assert (roots, count) == ([], 0)


def test_discussion_open_follows_the_post_switch_and_the_age_limit():
    rules = DiscussionSettings(close_after_days=10)
    now = timezone.now()
    assert selectors.discussion_open(make_post(days_ago=5), rules, now=now)
    assert not selectors.discussion_open(make_post(days_ago=11), rules, now=now)
    assert not selectors.discussion_open(make_post(comments_open=False), rules, now=now)
    assert selectors.discussion_open(make_post(days_ago=999), DiscussionSettings(), now=now)


def test_comment_section_pages_threads_not_replies():
    post = make_post()
    for i in range(3):
        make_comment(post, f"reply {i}", parent=make_comment(post, f"thread {i}"))
    rules = DiscussionSettings(threads_per_page=2)
    section = selectors.comment_section(post, rules=rules, page="2")
    assert section["count"] == 6
    assert [node.comment.comment for node in section["threads"]] == ["thread 2"]
    assert section["page_obj"].paginator.num_pages == 2


def test_latest_comments_leave_out_posts_readers_cannot_see():
    public, draft = make_post(), make_post(status="draft")
    shown = make_comment(public, "shown")
    make_comment(draft, "on a draft")
    make_comment(public, "held", status=Comment.Status.PENDING)
    assert selectors.latest_comments() == [shown]


def test_latest_comments_come_newest_first():
    post = make_post()
    old = make_comment(post, submit_date=timezone.now() - timedelta(days=2))
    new = make_comment(post, submit_date=timezone.now())
    assert selectors.latest_comments(post) == [new, old]
