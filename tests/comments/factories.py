"""Helpers that make comments and comment-form posts for the comments tests."""

import itertools
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from blog.models import Post
from comments.forms import CommentForm
from comments.models import Comment

_seq = itertools.count(1)


def make_comment(post, text=None, *, parent=None, status=Comment.Status.APPROVED, **fields):
    n = next(_seq)
    fields.setdefault("user_name", f"Reader {n}")
    fields.setdefault("user_email", f"reader{n}@example.com")
    fields.setdefault("submit_date", timezone.now() - timedelta(minutes=1000 - n % 1000))
    comment = Comment(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        comment=text or f"Comment number {n}.",
        parent_id=parent.pk if parent else 0,
        status=status,
        **fields,
    )
    comment.save()
    return comment


def form_data(post, *, seconds_ago=60, **fields):
    """What the comment form on the post's page sends, shown seconds_ago and then filled in."""
    timestamp = int(time.time()) - seconds_ago
    form = CommentForm(post)
    data = {
        "content_type": "blog.post",
        "object_pk": str(post.pk),
        "timestamp": str(timestamp),
        "security_hash": form.initial_security_hash(timestamp),
        "reply_to": "0",
        "name": "Ada Reader",
        "email": "ada@example.com",
        "url": "",
        "comment": "A thoughtful comment about the news.",
        "honeypot": "",
    }
    data.update({key: str(value) for key, value in fields.items()})
    return data
