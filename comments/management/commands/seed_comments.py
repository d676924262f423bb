"""Add the demo comments: the reference post's pingbacks and reader threads, and a few threads on
other recent posts. Deterministic, and safe to run again: comments already there are kept.
Run it after seed_demo (it needs the posts).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog.models import Post
from comments import demo_content as demo
from comments.models import Comment


class Command(BaseCommand):
    help = "Add the demo comments to the demo posts (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        self.now = timezone.localtime()
        reference = Post.objects.published().filter(slug=demo.REFERENCE_SLUG).first()
        if reference is None:
            self.stderr.write("The reference post is missing: run seed_demo first.")
            return
        for url, title, text in demo.REFERENCE_PINGBACKS:
            self.pingback(reference, url, title, text)
        self.threads(reference, demo.REFERENCE_THREADS)
        others = Post.objects.published().exclude(pk=reference.pk)[: demo.OTHER_POSTS]
        for post in others:
            self.threads(post, demo.OTHER_THREADS)
        total = Comment.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demo comments ready: {total} in all."))

    def base(self, post, hours):
        return {
            "content_type": ContentType.objects.get_for_model(Post),
            "object_pk": str(post.pk),
            "site_id": settings.SITE_ID,
            "submit_date": self.submit_date(post, hours),
            "status": Comment.Status.APPROVED,
        }

    def submit_date(self, post, hours):
        """hours after the post, or, when the post is younger than the demo's last comment
        (the reference post at 14:00 is a day and five hours old; its threads last 30 hours),
        the same part of the time since it went out: in order, and never in the future."""
        room = max(self.now - post.published_at - timedelta(minutes=5), timedelta(0))
        scale = min(1.0, room / timedelta(hours=demo.LAST_COMMENT_HOURS))
        return post.published_at + timedelta(hours=hours) * scale

    def pingback(self, post, url, title, text):
        existing = Comment.objects.for_post(post).filter(source_url=url).first()
        if existing is None:
            Comment(
                **self.base(post, 1),
                kind=Comment.Kind.PINGBACK,
                source_url=url,
                source_title=title,
                user_name=title[:50],
                user_url=url[:200],
                comment=text,
            ).save()

    def threads(self, post, rows):
        made = {}
        for key, parent, name, email, url, text, hours in rows:
            earlier = Comment.objects.for_post(post).filter(user_email=email, comment=text)
            comment = earlier.first() or Comment(
                **self.base(post, hours),
                parent_id=made[parent].pk if parent else 0,
                user_name=name,
                user_email=email,
                user_url=url,
                comment=text,
                ip_address="192.0.2.10",
            )
            if comment.pk is None:
                comment.save()
            made[key] = comment
