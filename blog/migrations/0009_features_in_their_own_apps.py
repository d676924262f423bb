"""Followers, images, stats and WordPress imports now live in apps of their own.

Each feature app's first migration took its models over (same tables, state only); this one
drops them from blog's state, children before parents, and points the featured image at the
image library's model. Nothing in the database changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0008_rate_counters"),
        ("followers", "0001_initial"),
        ("media", "0001_initial"),
        ("stats", "0001_initial"),
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="featured_media",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="From the image library: shown on the post, in lists, feeds and mail.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="featured_in",
                        to="media.image",
                        verbose_name="featured image",
                    ),
                ),
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="Follower"),
                migrations.DeleteModel(name="ImageUse"),
                migrations.DeleteModel(name="Rendition"),
                migrations.DeleteModel(name="Image"),
                migrations.DeleteModel(name="StatsDashboard"),
                migrations.DeleteModel(name="ViewEvent"),
                migrations.DeleteModel(name="DailyPostViews"),
                migrations.DeleteModel(name="DailyReferrer"),
                migrations.DeleteModel(name="DailySiteViews"),
                migrations.DeleteModel(name="DailyVisitor"),
                migrations.DeleteModel(name="Like"),
                migrations.DeleteModel(name="ImportRun"),
            ],
            database_operations=[],
        ),
    ]
