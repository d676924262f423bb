"""Keeping and restoring revisions of posts."""

import difflib
import re

from django.db import transaction

from blog.models import Post
from blog.revisions.models import Revision
from blog.sanitize import html_text

# Where a post body breaks into the lines a comparison shows side by side.
_BLOCK_END = re.compile(r"(?<=</p>)|(?<=</h[2-6]>)|(?<=</li>)|(?<=</figure>)|(?<=</blockquote>)")


def revision_record(*, post: Post, user=None, note: str = "") -> Revision | None:
    """Keep the post as it is now; nothing when it is the same as its latest revision."""
    latest = post.revisions.order_by("-created_at", "-pk").first()
    same = latest and (latest.title, latest.excerpt, latest.body) == (
        post.title, post.excerpt, post.body,
    )  # fmt: skip
    if same:
        return None
    return Revision.objects.create(
        post=post, author=user, title=post.title, excerpt=post.excerpt, body=post.body, note=note
    )


@transaction.atomic
def revision_restore(*, revision: Revision, user=None) -> Post:
    """Put a revision's title, excerpt and body back on its post; that save is a revision too."""
    post = Post.objects.select_for_update().get(pk=revision.post_id)
    post.title, post.excerpt, post.body = revision.title, revision.excerpt, revision.body
    post.save()
    when = f"{revision.created_at:%Y-%m-%d %H:%M}"
    revision_record(post=post, user=user, note=f"Restored the revision of {when}")
    return post


def lines(revision: Revision) -> list[str]:
    """What a comparison shows of a revision: its title, then each block of text on a line."""
    blocks = [html_text(block) for block in _BLOCK_END.split(revision.body)]
    excerpt = [f"Excerpt: {revision.excerpt}"] if revision.excerpt else []
    return [f"Title: {revision.title}", *excerpt, *[block for block in blocks if block]]


def revisions_diff(older: Revision, newer: Revision) -> str:
    """An HTML table of the two revisions side by side, changes marked (difflib's classes)."""
    table = difflib.HtmlDiff()  # no hard wrapping: CSS wraps the cells
    return table.make_table(lines(older), lines(newer), "Older", "Newer", context=False)
