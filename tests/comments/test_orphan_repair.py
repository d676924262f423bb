"""Replies orphaned by deletes from before issue 13 are re-attached by migration 0005."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from comments.models import Comment
from tests.comments.factories import make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db

repair = importlib.import_module("comments.migrations.0005_reattach_orphaned_replies")


def delete_the_old_way(comment):
    """What deleting did before: the row goes, its replies keep pointing at it."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM comments_comment WHERE xtdcomment_ptr_id = %s", [comment.pk])
        cursor.execute(
            "DELETE FROM django_comments_xtd_xtdcomment WHERE comment_ptr_id = %s", [comment.pk]
        )
        cursor.execute("DELETE FROM django_comments WHERE id = %s", [comment.pk])


def test_reply_of_a_deleted_reply_answers_its_grandparent(client, rules):
    post = make_post()
    top = make_comment(post, "The first word.")
    middle = make_comment(post, "Deleted long ago.", parent=top)
    reply = make_comment(post, "Still worth reading.", parent=middle)
    delete_the_old_way(middle)
    assert "Still worth reading." not in client.get(post.get_absolute_url()).content.decode()
    repair.reattach(apps, None)
    reply = Comment.objects.get(pk=reply.pk)
    assert (reply.parent_id, reply.thread_id, reply.level) == (top.pk, top.pk, 1)
    assert "Still worth reading." in client.get(post.get_absolute_url()).content.decode()


def test_reply_of_a_deleted_top_comment_starts_its_own_thread(client, rules):
    post = make_post()
    top = make_comment(post, "Deleted long ago.")
    reply = make_comment(post, "Still worth reading.", parent=top)
    answer = make_comment(post, "An answer to it.", parent=reply)
    delete_the_old_way(top)
    repair.reattach(apps, None)
    reply, answer = Comment.objects.get(pk=reply.pk), Comment.objects.get(pk=answer.pk)
    assert (reply.parent_id, reply.thread_id, reply.level) == (reply.pk, reply.pk, 0)
    assert (answer.parent_id, answer.thread_id, answer.level) == (reply.pk, reply.pk, 1)
    body = client.get(post.get_absolute_url()).content.decode()
    assert "Still worth reading." in body and "An answer to it." in body
