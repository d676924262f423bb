"""Reads for the comment section, permalinks, feeds and the admin: fixed query counts."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from blog.models import Post
from blog.prepared import PreparedQuery, stand_in
from comments import threads
from comments.models import Comment, DiscussionSettings

PAGE_PARAM = "cpage"


class ShownComment(NamedTuple):
    """A comment as the post page shows it: what the comment list prints or needs to build
    threads, and the commenter's avatar file (or ""), as the query's row itself (a tuple): a
    page may show hundreds, and a model instance, or attributes set one by one, per row cost
    more than printing it."""

    pk: int
    user_id: int | None
    user_name: str
    user_email: str
    user_url: str
    comment: str
    submit_date: datetime
    thread_id: int
    parent_id: int
    level: int
    order: int
    kind: str
    source_url: str
    source_title: str
    avatar: str | None

    @property
    def is_mention(self) -> bool:
        return self.kind != Comment.Kind.COMMENT

    def get_kind_display(self) -> str:
        return Comment.Kind(self.kind).label


# The comment's fields the list loads (the avatar comes from the commenter's profile).
SHOWN_FIELDS = ShownComment._fields[:-1]


@dataclass(slots=True)
class Node:
    """A comment as shown: its level on the page (capped by the depth setting) and replies."""

    comment: ShownComment
    level: int
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)


def discussion_open(post: Post, rules: DiscussionSettings, *, now=None) -> bool:
    """Readers may comment: the post is public, open, and not past the auto-close age."""
    if not (post.is_public and post.comments_open):
        return False
    if not rules.close_after_days:
        return True
    now = now or timezone.now()
    return post.published_at >= now - timedelta(days=rules.close_after_days)


def post_for_form(data) -> Post | None:
    """The public post a posted comment form points at, or None."""
    if data.get("content_type") != "blog.post":
        return None
    try:
        return Post.objects.published().get(pk=int(data.get("object_pk", "")))
    except (ValueError, Post.DoesNotExist):
        return None


def visible_comments(post: Post) -> list[ShownComment]:
    """Every approved comment of the post in thread order, in one query.

    Some may hang below a held, spammed or trashed comment: build_threads() leaves those
    out, as Comment.objects.shown() does, without the query's subquery per row.
    """
    ctype = ContentType.objects.get_for_model(post)
    rows = _VISIBLE_COMMENTS(ctype.pk, str(post.pk), settings.SITE_ID)
    return list(map(ShownComment._make, rows))


def _visible_comments(content_type_id, object_pk, site_id):
    return (
        Comment.objects.filter(content_type_id=content_type_id, object_pk=object_pk)
        .filter(site_id=site_id)
        .public()
        .order_by("thread_id", "order")
        .values_list(*SHOWN_FIELDS, "user__profile__avatar")
    )


# Comment.objects.for_post(post).public(), its SQL written once per process.
_VISIBLE_COMMENTS = PreparedQuery(
    _visible_comments, stand_in(int, 0), stand_in(str), stand_in(int, 1)
)


def build_threads(comments: list[ShownComment], depth: int) -> tuple[list[Node], int]:
    """Top-level nodes with their replies, and how many comments are shown.

    Replies to a comment that is not shown stay hidden with it; replies deeper than the depth
    setting allows (it may have been lowered) join their nearest allowed ancestor.
    """
    nodes, roots = {}, []
    for comment in comments:
        parent = None if comment.parent_id == comment.pk else nodes.get(comment.parent_id)
        if parent is None and comment.parent_id != comment.pk:
            continue
        while parent is not None and parent.level >= depth - 1:
            parent = parent.parent
        node = Node(comment, parent.level + 1 if parent else 0, parent)
        (parent.children if parent else roots).append(node)
        nodes[comment.pk] = node
    return roots, len(nodes)


def ordered_threads(post: Post, rules: DiscussionSettings) -> tuple[list[Node], int]:
    roots, count = build_threads(visible_comments(post), rules.thread_depth)
    if rules.order == DiscussionSettings.Order.NEWEST:
        roots.reverse()
    return roots, count


def split_mentions(roots: list[Node], rules: DiscussionSettings) -> tuple[list[Node], list[Node]]:
    """(comment threads, pingbacks and webmentions) when the setting lists them apart, else
    (all, []). Mentions take no replies, so each is one node."""
    if not rules.mentions_separate:
        return roots, []
    mentions = [node for node in roots if node.comment.is_mention]
    return [node for node in roots if not node.comment.is_mention], mentions


def thread_paginator(roots: list[Node], rules: DiscussionSettings) -> Paginator:
    return Paginator(roots, rules.threads_per_page or max(len(roots), 1))


def comment_section(post: Post, *, rules: DiscussionSettings, page=None) -> dict:
    """What the post page shows under the post: count, one page of threads, open or closed."""
    roots, count = ordered_threads(post, rules)
    roots, mentions = split_mentions(roots, rules)
    page_obj = thread_paginator(roots, rules).get_page(page)
    return {
        "post": post,
        "count": count - len(mentions),
        "mentions": mentions,
        "threads": page_obj.object_list,
        "page_obj": page_obj,
        "page_query": f"?{PAGE_PARAM}={page_obj.number}" if page_obj.number > 1 else "",
        "is_paginated": page_obj.paginator.num_pages > 1,
        "open": discussion_open(post, rules),
        "depth": rules.thread_depth,
    }


def comment_page_number(comment: Comment, rules: DiscussionSettings) -> int:
    """The page of the post's comments that shows this comment's thread."""
    roots, _count = ordered_threads(comment.content_object, rules)
    roots, _mentions = split_mentions(roots, rules)
    per_page = rules.threads_per_page
    for index, node in enumerate(roots):
        if node.comment.thread_id == comment.thread_id:
            return index // per_page + 1 if per_page else 1
    return 1


def comment_url(comment: Comment, page: int) -> str:
    query = f"?{PAGE_PARAM}={page}" if page > 1 else ""
    return f"{comment.content_object.get_absolute_url()}{query}#comment-{comment.pk}"


def avatar_hue(comment) -> int:
    """A stable colour for the commenter's initials; the e-mail never leaves the server."""
    return _hue(settings.SECRET_KEY, (comment.user_email or comment.user_name).lower())


@lru_cache(maxsize=4096)
def _hue(secret: str, key: str) -> int:
    digest = hashlib.sha256(f"{secret}|{key}".encode()).digest()
    return int.from_bytes(digest[:2]) % 360


def latest_comments(post: Post | None = None, limit: int = 30):
    """The newest comments readers see (Comment.objects.shown()), of one post or the whole
    site, with their posts."""
    if post is not None:
        comments = Comment.objects.public_for(post)
    else:
        public = Post.objects.published().annotate(key=Cast("pk", CharField())).values("key")
        comments = Comment.objects.shown().filter(object_pk__in=public)
    return list(comments.prefetch_related("content_object").order_by("-submit_date")[:limit])


def _threads_of(ids) -> list[Comment]:
    """Every comment of the threads the comments ids are in, in thread order."""
    thread_ids = Comment.norel_objects.filter(pk__in=ids).values("thread_id")
    comments = Comment.objects.select_related(None).filter(thread_id__in=thread_ids)
    return list(comments.order_by("thread_id", "order"))


def replies_moving(ids) -> list[tuple[Comment, Comment | None]]:
    """What deleting the comments ids does to their replies, for the admin to say first:
    [(reply, the comment it will answer, or None when it will start a thread)], the replies
    in thread order (comments.threads.new_parents)."""
    removed = set(ids)
    rows = _threads_of(removed)
    by_pk = {row.pk: row for row in rows}
    moved = threads.new_parents(rows, removed)
    return [(row, by_pk.get(moved[row.pk]) if moved[row.pk] != row.pk else None)
            for row in rows if row.pk in moved]  # fmt: skip


def replies_hidden_with(ids) -> list[Comment]:
    """The approved replies, however deep, that readers stop seeing when the comments ids are
    held, spammed or trashed (Comment.objects.shown())."""
    rows = _threads_of(set(ids))
    hidden = threads.below(rows, set(ids))
    return [row for row in rows if row.pk in hidden and row.status == Comment.Status.APPROVED]


def desk_comments(request, limit: int = 5) -> dict | None:
    """The desk's panel: the oldest comments waiting for moderation (first come, first served)
    with their posts, and how many wait; None for staff who cannot moderate."""
    if not request.user.has_perm("comments.change_comment"):
        return None
    waiting = Comment.objects.pending()
    comments = list(waiting.prefetch_related("content_object").order_by("submit_date")[:limit])
    return {"comments": comments, "count": waiting.count()}
