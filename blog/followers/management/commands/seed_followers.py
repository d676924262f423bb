"""Add a few hundred demo followers, so the follow widget shows a real count.

Deterministic: the same addresses (at example.com, which takes no mail) on every run; running
it again adds nothing. Also puts the follow widget in the sidebar if the editor has not.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog import widgets
from blog.followers.models import Follower
from blog.models import SiteSettings

FIRST = ["amir", "sara", "reza", "leila", "john", "maria", "ali", "nina", "omid", "fatemeh",
         "david", "parisa", "hassan", "emma"]  # fmt: skip
LAST = ["tehrani", "smith", "karimi", "rossi", "ahmadi", "muller", "hosseini", "dubois",
        "rahimi", "jones", "moradi", "novak"]  # fmt: skip


def demo_followers(count, now):
    rng = random.Random(38316)
    people = [f"{a}.{b}{n}" for n in ("", "2", "3") for a in FIRST for b in LAST]
    rng.shuffle(people)
    for n, name in enumerate(people[:count]):
        roll = rng.random()
        status = (
            Follower.Status.ACTIVE if roll < 0.9
            else Follower.Status.PENDING if roll < 0.95
            else Follower.Status.UNSUBSCRIBED
        )  # fmt: skip
        subscribed = now - timedelta(days=rng.randint(1, 2000), minutes=n)
        yield Follower(
            email=f"{name}@example.com",
            status=status,
            source=rng.choice([Follower.Source.WIDGET] * 3 + [Follower.Source.IMPORT]),
            subscribed_at=subscribed,
            confirmed_at=None if status == Follower.Status.PENDING else subscribed,
            left_at=now - timedelta(days=1) if status == Follower.Status.UNSUBSCRIBED else None,
        )


class Command(BaseCommand):
    help = "Add a few hundred demo followers (deterministic; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)

    @transaction.atomic
    def handle(self, *args, count, **options):
        rows = list(demo_followers(min(count, 3 * len(FIRST) * len(LAST)), timezone.now()))
        before = Follower.objects.count()
        Follower.objects.bulk_create(rows, ignore_conflicts=True)
        self.show_widget()
        active = Follower.objects.active().count()
        added = Follower.objects.count() - before
        self.stdout.write(f"Added {added} demo followers; {active} follow the blog now.")

    def show_widget(self):
        site = SiteSettings.load()
        keys = widgets.parse_keys(site.sidebar_widgets)
        if "follow-blog" not in keys:
            at = keys.index("follow-us") + 1 if "follow-us" in keys else min(1, len(keys))
            keys.insert(at, "follow-blog")
            site.sidebar_widgets = ", ".join(keys)
            site.save(update_fields=["sidebar_widgets"])
