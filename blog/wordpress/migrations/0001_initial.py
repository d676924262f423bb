"""The wordpress app takes its models over from blog: the tables stay as they are.

Only the migration state moves (SeparateDatabaseAndState); the content types and waiting jobs
are relabelled (blog/migrations/_app_move.py).
"""

import django.db.models.deletion
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
                    name="ImportRun",
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
                            "file",
                            models.FileField(upload_to="imports/%Y/%m/", verbose_name="WXR export"),
                        ),
                        (
                            "dry_run",
                            models.BooleanField(
                                default=False, help_text="Report only.", verbose_name="dry run"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Waiting for the worker"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed: nothing was imported"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("progress", models.FloatField(default=0.0, verbose_name="progress")),
                        (
                            "items",
                            models.PositiveIntegerField(default=0, verbose_name="items read"),
                        ),
                        ("report", models.TextField(blank=True, verbose_name="report")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="started"),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "WordPress import",
                        "verbose_name_plural": "WordPress imports",
                        "db_table": "blog_importrun",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("progress__gte", 0), ("progress__lte", 1)),
                                name="import_run_progress_range",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        relabel(
            "blog",
            "wordpress",
            ["importrun"],
            {"blog.tasks.run_wordpress_import": "blog.wordpress.tasks.run_wordpress_import"},
        ),
    ]
