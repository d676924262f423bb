"""The stats app takes its models over from blog: the tables stay as they are.

Only the migration state moves (SeparateDatabaseAndState); the content types and waiting jobs
are relabelled (blog/migrations/_app_move.py).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from blog.migrations._app_move import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0008_rate_counters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailySiteViews",
                    fields=[
                        (
                            "day",
                            models.DateField(primary_key=True, serialize=False, verbose_name="day"),
                        ),
                        ("views", models.PositiveIntegerField(default=0, verbose_name="views")),
                        (
                            "visitors",
                            models.PositiveIntegerField(default=0, verbose_name="unique visitors"),
                        ),
                    ],
                    options={
                        "verbose_name": "daily site views",
                        "verbose_name_plural": "daily site views",
                        "db_table": "blog_dailysiteviews",
                        "ordering": ["-day"],
                    },
                ),
                migrations.CreateModel(
                    name="DailyReferrer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(verbose_name="day")),
                        ("host", models.CharField(max_length=253, verbose_name="host")),
                        ("views", models.PositiveIntegerField(default=0, verbose_name="views")),
                    ],
                    options={
                        "verbose_name": "daily referrer",
                        "verbose_name_plural": "daily referrers",
                        "db_table": "blog_dailyreferrer",
                        "ordering": ["-day", "-views"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("day", "host"), name="daily_referrer_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StatsDashboard",
                    fields=[],
                    options={
                        "verbose_name": "stats",
                        "verbose_name_plural": "stats",
                        "permissions": [("view_stats", "Can see the stats dashboard")],
                        "proxy": True,
                        "default_permissions": (),
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("stats.dailysiteviews",),
                ),
                migrations.CreateModel(
                    name="DailyVisitor",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField()),
                        ("visitor", models.CharField(max_length=32)),
                    ],
                    options={
                        "db_table": "blog_dailyvisitor",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("day", "visitor"), name="daily_visitor_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ViewEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField()),
                        ("visitor", models.CharField(max_length=32)),
                        ("referrer_host", models.CharField(blank=True, max_length=253)),
                        (
                            "post",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="blog.post",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "view waiting to be counted",
                        "verbose_name_plural": "views waiting to be counted",
                        "db_table": "blog_viewevent",
                    },
                ),
                migrations.CreateModel(
                    name="DailyPostViews",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(verbose_name="day")),
                        ("views", models.PositiveIntegerField(default=0, verbose_name="views")),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="daily_views",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "daily post views",
                        "verbose_name_plural": "daily post views",
                        "db_table": "blog_dailypostviews",
                        "ordering": ["-day"],
                        "indexes": [models.Index(fields=["day"], name="daily_post_views_day")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("post", "day"), name="daily_post_views_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Like",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "browser",
                            models.UUIDField(blank=True, null=True, verbose_name="browser"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="liked"
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="likes",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="likes",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "like",
                        "verbose_name_plural": "likes",
                        "db_table": "blog_like",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(fields=["post", "-created_at"], name="like_post_recent")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("user__isnull", False)),
                                fields=("post", "user"),
                                name="like_once_per_user",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("browser__isnull", False)),
                                fields=("post", "browser"),
                                name="like_once_per_browser",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("browser__isnull", True), ("user__isnull", False)),
                                    models.Q(("browser__isnull", False), ("user__isnull", True)),
                                    _connector="OR",
                                ),
                                name="like_by_user_or_browser",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        relabel(
            "blog",
            "stats",
            [
                "viewevent",
                "dailysiteviews",
                "dailypostviews",
                "dailyreferrer",
                "dailyvisitor",
                "statsdashboard",
                "like",
            ],
            {"blog.tasks.fold_page_views": "blog.stats.tasks.fold_page_views"},
        ),
    ]
