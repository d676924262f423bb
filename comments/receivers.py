"""Receivers of django-comments-xtd's signals (third-party hooks, connected in apps.py)."""

from comments import selectors
from comments.models import Comment, DiscussionSettings


def on_confirmation_received(sender, comment, request, **kwargs):
    """A guest clicked the link in the mail: refuse it if comments closed or it was said before.

    Returning False makes xtd show its "discarded" page instead of posting the comment.
    """
    post = comment.content_object
    if not selectors.discussion_open(post, DiscussionSettings.load()):
        return False
    earlier = Comment.objects.for_post(post).exclude(status=Comment.Status.TRASH)
    said = earlier.filter(user_email__iexact=comment.user_email, comment=comment.comment)
    return not said.exists()


def on_demo_seeded(sender, verbosity=1, stdout=None, **kwargs):
    """seed_demo made the blog's demo posts: add the demo comments and pingbacks to them."""
    from django.core.management import call_command

    call_command("seed_comments", verbosity=verbosity, stdout=stdout)
