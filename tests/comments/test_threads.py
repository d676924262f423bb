"""Threads when a comment leaves them: deleted comments' replies move up (as WordPress's
wp_delete_comment does), held, spammed or trashed comments' replies are hidden with them."""

import pytest
from defusedxml import ElementTree

from blog.wordpress.exporter import export_comment, post_comments
from blog.wordpress.wpids import WordPressIds
from comments import threads
from comments.models import Comment
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("editor", group="Editor"))
    return client


@pytest.fixture
def thread():
    """A post with a top comment and three replies, the second with a reply of its own."""
    post = make_post("Fuel prices")
    top = make_comment(post, "The top comment")
    one = make_comment(post, "First reply", parent=top)
    two = make_comment(post, "Second reply", parent=top)
    deep = make_comment(post, "Reply to the second", parent=two)
    three = make_comment(post, "Third reply", parent=top)
    return post, top, one, two, deep, three


def fields(comment):
    comment.refresh_from_db()
    return (comment.thread_id, comment.parent_id, comment.level, comment.order)


def feed_texts(client, url="/comments/feed/"):
    items = ElementTree.fromstring(client.get(url).content).findall("channel/item")
    return sorted(item.findtext("description") for item in items)


def admin_delete(client, comment):
    return client.post(f"{CHANGELIST}{comment.pk}/delete/", {"post": "yes"})


# Deleting


def test_deleting_a_top_comment_in_the_admin_keeps_its_replies_on_the_post(
    client, editor_client, thread
):
    post, top, one, two, deep, three = thread
    assert admin_delete(editor_client, top).status_code == 302
    body = client.get(post.get_absolute_url()).content.decode()
    assert "The top comment" not in body
    for text in ["First reply", "Second reply", "Reply to the second", "Third reply"]:
        assert text in body


def test_replies_of_a_deleted_top_comment_each_start_a_thread(thread):
    _post, top, one, two, deep, three = thread
    top.delete()
    assert fields(one) == (one.pk, one.pk, 0, 1)
    assert fields(two) == (two.pk, two.pk, 0, 1)
    assert fields(deep) == (two.pk, two.pk, 1, 2)
    assert fields(three) == (three.pk, three.pk, 0, 1)
    assert two.nested_count == 1


def test_replies_of_a_deleted_reply_answer_its_parent(thread):
    _post, top, one, two, deep, three = thread
    two.delete()
    assert fields(deep) == (top.pk, top.pk, 1, 3)
    assert fields(three) == (top.pk, top.pk, 1, 4)
    top.refresh_from_db()
    assert top.nested_count == 3


def test_deleting_a_comment_and_its_reply_together_moves_the_grandchild_to_the_top(thread):
    _post, top, one, two, deep, three = thread
    grandchild = make_comment(top.content_object, "Deepest", parent=deep)
    Comment.objects.filter(pk__in=[two.pk, deep.pk]).delete()
    assert fields(grandchild) == (top.pk, top.pk, 1, 3)


def test_a_new_reply_after_a_delete_takes_its_place_in_the_thread(client, thread):
    post, top, one, two, deep, three = thread
    two.delete()
    make_comment(post, "A late answer to the first", parent=one)
    body = client.get(post.get_absolute_url()).content.decode()
    order = ["First reply", "A late answer to the first", "Reply to the second", "Third reply"]
    assert [body.index(text) for text in order] == sorted(body.index(text) for text in order)


def test_replies_of_a_deleted_comment_keep_permalinks_that_reach_them(client, thread):
    post, top, one, two, deep, three = thread
    top.delete()
    response = client.get(deep.get_absolute_url())
    assert response.status_code == 302
    page, anchor = response["Location"].split("#")
    assert f'id="{anchor}"' in client.get(page).content.decode()


def test_replies_of_a_deleted_comment_stay_in_the_feed(client, thread):
    _post, top, *_replies = thread
    top.delete()
    assert len(feed_texts(client)) == 4


def test_export_after_a_delete_keeps_each_reply_under_a_comment_in_the_file(thread):
    post, top, one, two, deep, three = thread
    two.delete()
    exported, ids = {}, WordPressIds()  # no comment came from WordPress: IDs are the pks
    for comment in post_comments(post):
        out = _Writer()
        export_comment(out, comment, ids)
        exported[comment.pk] = out.text
    assert f"<wp:comment_parent>{top.pk}</wp:comment_parent>" in exported[deep.pk]
    assert two.pk not in exported


class _Writer:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def test_admin_delete_page_lists_the_replies_that_move_up(editor_client, thread):
    _post, top, *_replies = thread
    body = editor_client.get(f"{CHANGELIST}{top.pk}/delete/").content.decode()
    assert "3 replies stay on the site" in body
    assert body.count("will start a thread of its own") == 3


def test_admin_delete_page_of_a_reply_names_the_comment_its_replies_will_answer(
    editor_client, thread
):
    _post, top, one, two, deep, three = thread
    body = editor_client.get(f"{CHANGELIST}{two.pk}/delete/").content.decode()
    assert "1 reply stays on the site" in body
    assert "“Reply to the second”" in body and "“The top comment”" in body


def test_bulk_delete_confirmation_lists_the_replies_and_deleting_keeps_them(editor_client, thread):
    _post, top, one, two, deep, three = thread
    data = {"action": "delete_selected", "_selected_action": [str(top.pk), str(two.pk)]}
    body = editor_client.post(CHANGELIST, data).content.decode()
    assert "3 replies stay on the site" in body
    editor_client.post(CHANGELIST, {**data, "post": "yes"})
    assert set(Comment.objects.values_list("pk", flat=True)) == {one.pk, deep.pk, three.pk}
    assert fields(deep) == (deep.pk, deep.pk, 0, 1)


def test_admin_delete_page_of_a_comment_without_replies_says_nothing_of_replies(
    editor_client, thread
):
    *_rest, three = thread
    body = editor_client.get(f"{CHANGELIST}{three.pk}/delete/").content.decode()
    assert "stay on the site" not in body


# Holding, spam and trash


@pytest.mark.parametrize("status", ["trash", "spam", "pending"])
def test_replies_of_a_removed_comment_leave_the_feeds(client, thread, status):
    post, top, *_replies = thread
    Comment.objects.filter(pk=top.pk).update(status=status)
    assert feed_texts(client) == []
    assert feed_texts(client, post.get_absolute_url() + "feed/") == []


def test_only_the_replies_under_a_trashed_reply_are_hidden(client, thread):
    post, top, one, two, deep, three = thread
    Comment.objects.filter(pk=two.pk).update(status="trash")
    shown = set(Comment.objects.public_for(post).values_list("pk", flat=True))
    assert shown == {top.pk, one.pk, three.pk}


def test_replies_of_a_spammed_comment_have_no_permalink(client, thread):
    _post, top, one, *_rest = thread
    Comment.objects.filter(pk=top.pk).update(status="spam")
    assert client.get(one.get_absolute_url()).status_code == 404


def test_replies_of_a_trashed_comment_cannot_be_answered(client, thread):
    _post, top, one, *_rest = thread
    Comment.objects.filter(pk=top.pk).update(status="trash")
    assert client.get(f"/comments/reply/{one.pk}/").status_code == 404


def test_restoring_a_trashed_comment_brings_its_replies_back(editor_client, client, thread):
    post, top, *_replies = thread
    editor_client.post(CHANGELIST, {"action": "trash", "_selected_action": [str(top.pk)]})
    assert "First reply" not in client.get(post.get_absolute_url()).content.decode()
    editor_client.post(
        CHANGELIST + "?status=trash", {"action": "restore", "_selected_action": [str(top.pk)]}
    )
    assert len(feed_texts(client)) == 5
    assert "Reply to the second" in client.get(post.get_absolute_url()).content.decode()


def test_trash_action_says_how_many_replies_are_hidden_with_it(editor_client, thread):
    _post, top, *_replies = thread
    response = editor_client.post(
        CHANGELIST, {"action": "trash", "_selected_action": [str(top.pk)]}, follow=True
    )
    assert "4 replies to them are hidden with them" in response.content.decode()


# The numbering itself


class Row:
    def __init__(self, pk, parent_id, thread_id=0, order=0):
        self.pk, self.parent_id, self.thread_id, self.order = pk, parent_id, thread_id, order
        self.level = self.nested_count = 0


def test_renumber_makes_a_row_whose_parent_is_missing_start_a_thread():
    rows = [Row(1, 1, 1, 1), Row(2, 99, 1, 2), Row(3, 2, 1, 3)]
    threads.renumber(rows)
    assert [(r.thread_id, r.parent_id, r.level, r.order) for r in rows] == [
        (1, 1, 0, 1), (2, 2, 0, 1), (2, 2, 1, 2),
    ]  # fmt: skip
