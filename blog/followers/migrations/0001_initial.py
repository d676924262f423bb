"""The followers app takes its models over from blog: the tables stay as they are.

Only the migration state moves (SeparateDatabaseAndState); the content types and waiting jobs
are relabelled (blog/migrations/_app_move.py).
"""

import django.db.models.deletion
import django.db.models.functions.text
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
                    name="Follower",
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
                        ("email", models.EmailField(max_length=254, verbose_name="email address")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting for confirmation"),
                                    ("active", "Following"),
                                    ("unsubscribed", "Unsubscribed"),
                                    ("bounced", "Bounced"),
                                ],
                                default="pending",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("widget", "Sidebar widget"),
                                    ("admin", "Added in the admin"),
                                    ("import", "Imported"),
                                ],
                                default="admin",
                                max_length=20,
                                verbose_name="where from",
                            ),
                        ),
                        (
                            "subscribed_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="subscribed"
                            ),
                        ),
                        (
                            "confirmed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="confirmed"),
                        ),
                        (
                            "left_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="left"),
                        ),
                        (
                            "bounces",
                            models.PositiveSmallIntegerField(
                                default=0,
                                help_text="Permanent delivery failures since the last success.",
                                verbose_name="bounces in a row",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="follows",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="account",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "follower",
                        "verbose_name_plural": "followers",
                        "db_table": "blog_follower",
                        "ordering": ["-subscribed_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Delivery",
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
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Waiting"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                        ),
                        (
                            "last_error",
                            models.CharField(blank=True, max_length=500, verbose_name="last error"),
                        ),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent"),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                        (
                            "follower",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="followers.follower",
                                verbose_name="follower",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "delivery",
                        "verbose_name_plural": "deliveries",
                        "db_table": "blog_delivery",
                        "ordering": ["post", "follower"],
                    },
                ),
                migrations.AddIndex(
                    model_name="follower",
                    index=models.Index(fields=["status", "id"], name="follower_status_id"),
                ),
                migrations.AddConstraint(
                    model_name="follower",
                    constraint=models.UniqueConstraint(
                        django.db.models.functions.text.Lower("email"),
                        name="follower_email_ci_unique",
                        violation_error_message="This address follows the blog already.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="follower",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("user",),
                        name="follower_one_per_user",
                        violation_error_message="This account follows the blog already.",
                    ),
                ),
                migrations.AddIndex(
                    model_name="delivery",
                    index=models.Index(fields=["post", "status"], name="delivery_post_status"),
                ),
                migrations.AddConstraint(
                    model_name="delivery",
                    constraint=models.UniqueConstraint(
                        fields=("post", "follower"), name="delivery_once_per_follower"
                    ),
                ),
            ],
            database_operations=[],
        ),
        relabel(
            "blog",
            "followers",
            ["follower", "delivery"],
            {
                "blog.tasks.send_follower_confirmation": "blog.followers.tasks.send_follower_confirmation",
                "blog.tasks.send_follower_confirmations": "blog.followers.tasks.send_follower_confirmations",
                "blog.tasks.send_post_test_email": "blog.followers.tasks.send_post_test_email",
                "blog.tasks.plan_post_deliveries": "blog.followers.tasks.plan_post_deliveries",
                "blog.tasks.send_post_batch": "blog.followers.tasks.send_post_batch",
            },
        ),
    ]
