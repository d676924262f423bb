"""Writes with side effects: publishing, announcing, bulk editorial changes."""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from blog.models import Category, Post
from blog.signals import post_edited, post_published


def post_announce(*, post_id: int) -> bool:
    """Send post_published for a post that is live and was never announced; True if sent."""
    with transaction.atomic():
        post = (
            Post.objects.published()
            .select_for_update(skip_locked=True)
            .filter(pk=post_id, announced_at__isnull=True)
            .first()
        )
        if post is None:
            return False
        post.announced_at = timezone.now()
        post.status = Post.Status.PUBLISHED
        Post.objects.filter(pk=post.pk).update(announced_at=post.announced_at, status=post.status)
        post_published.send(sender=Post, post=post)
    return True


def posts_announce_due() -> int:
    """Announce every live post that slipped past its scheduled job; the periodic safety net."""
    due = Post.objects.published().filter(announced_at__isnull=True).values_list("pk", flat=True)
    return sum(post_announce(post_id=pk) for pk in list(due))


def posts_publish(*, posts) -> int:
    """Publish now the given posts that are not yet public."""
    count = 0
    for post in posts.exclude(status=Post.Status.PUBLISHED):
        post.status = Post.Status.PUBLISHED
        if post.published_at > timezone.now():
            post.published_at = timezone.now()
        post.save()
        count += 1
    return count


def posts_unpublish(*, posts) -> int:
    return posts.exclude(status=Post.Status.DRAFT).update(status=Post.Status.DRAFT)


def posts_add_category(*, posts, category: Category) -> int:
    through = Post.categories.through
    pks = posts.values_list("pk", flat=True)
    links = [through(post_id=pk, category_id=category.pk) for pk in pks]
    through.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


def post_quick_draft(*, author, title: str, text: str) -> Post:
    """A draft from the desk's quick draft box: each paragraph of text (blank-line separated)
    becomes a paragraph of the body."""
    paragraphs = [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n")]
    body = "".join(f"<p>{escape(part)}</p>" for part in paragraphs if part)
    post = Post.objects.create(title=title, body=body, author=author, status=Post.Status.DRAFT)
    post_edited.send(sender=Post, post=post, user=author)
    return post
