"""Revisions of saves made outside the post form (blog.signals.post_edited)."""

from blog.revisions.services import revision_record


def revision_on_edit(sender, *, post, user, **kwargs):
    """A quick draft from the desk is a post's first revision."""
    revision_record(post=post, user=user)
