"""Add the reference page's three pingbacks to the reference post, published, with the text
around their links as the reference page shows it. Safe to run again: a source already there is
kept. Run it after seed_demo (it needs the post); seed_comments adds the same three.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Post
from comments import demo_content as demo
from comments import moderation
from comments.mentions import services as mentions
from comments.mentions import sources
from comments.models import Comment


class Command(BaseCommand):
    help = "Add the reference post's three pingbacks (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        post = Post.objects.published().filter(slug=demo.REFERENCE_SLUG).first()
        if post is None:
            self.stderr.write("The reference post is missing: run seed_demo first.")
            return
        added = 0
        for hours, (url, title, text) in enumerate(demo.REFERENCE_PINGBACKS, start=1):
            if sources.existing_mentions(post, url).exists():
                continue
            mentions.mention_create(
                post=post,
                source=url,
                kind=Comment.Kind.PINGBACK,
                page=sources.SourcePage(title=title, excerpt=text),
                verdict=moderation.Verdict(Comment.Status.APPROVED),
                when=post.published_at + timedelta(hours=hours),
            )
            added += 1
        self.stdout.write(self.style.SUCCESS(f"Pingbacks on the reference post: {added} added."))
