"""The mentions app takes its models over from comments: the tables stay as they are.

Only the migration state moves (SeparateDatabaseAndState); the content types and waiting jobs
are relabelled (blog/migrations/_app_move.py).
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from blog.migrations._app_move import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0008_rate_counters"),
        ("comments", "0003_pingbacks_verified_by_a_task"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MentionRequest",
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
                            "protocol",
                            models.CharField(
                                choices=[
                                    ("webmention", "Webmention"),
                                    ("pingback", "Pingback"),
                                    ("trackback", "TrackBack"),
                                ],
                                default="webmention",
                                max_length=20,
                                verbose_name="protocol",
                            ),
                        ),
                        (
                            "token",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("source", models.URLField(max_length=1000, verbose_name="source")),
                        ("target", models.URLField(max_length=1000, verbose_name="target")),
                        (
                            "ip_address",
                            models.GenericIPAddressField(
                                blank=True, null=True, verbose_name="sender address"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Waiting to be verified"),
                                    ("accepted", "Verified and stored"),
                                    ("deleted", "Removed: the source no longer links here"),
                                    ("rejected", "Rejected"),
                                ],
                                default="queued",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "fault",
                            models.SmallIntegerField(
                                blank=True,
                                help_text="The Pingback fault code answered.",
                                null=True,
                                verbose_name="fault code",
                            ),
                        ),
                        (
                            "detail",
                            models.CharField(blank=True, max_length=300, verbose_name="detail"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="received"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "comment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="comments.comment",
                                verbose_name="comment",
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "received mention",
                        "verbose_name_plural": "received pingbacks, trackbacks and webmentions",
                        "db_table": "comments_mentionrequest",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["source", "target", "status"],
                                name="webmention_request_pair",
                            ),
                            models.Index(fields=["created_at"], name="webmention_request_created"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OutgoingPing",
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
                        ("target", models.URLField(max_length=1000, verbose_name="linked page")),
                        (
                            "protocol",
                            models.CharField(
                                blank=True,
                                choices=[("webmention", "Webmention"), ("pingback", "Pingback")],
                                max_length=20,
                                verbose_name="protocol",
                            ),
                        ),
                        (
                            "endpoint",
                            models.URLField(blank=True, max_length=1000, verbose_name="endpoint"),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("queued", "Waiting to be sent"),
                                    ("retrying", "Failed for now, will try again"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("no_endpoint", "The page takes no pings"),
                                ],
                                default="queued",
                                max_length=20,
                                verbose_name="outcome",
                            ),
                        ),
                        (
                            "code",
                            models.IntegerField(
                                blank=True,
                                help_text="The endpoint’s HTTP status (webmention) or fault code (pingback).",
                                null=True,
                                verbose_name="status or fault",
                            ),
                        ),
                        (
                            "detail",
                            models.CharField(blank=True, max_length=300, verbose_name="detail"),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "attempted_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="last attempt"
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="outgoing_pings",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "outgoing ping",
                        "verbose_name_plural": "outgoing pings",
                        "db_table": "comments_outgoingping",
                        "ordering": ["-created_at", "pk"],
                        "indexes": [models.Index(fields=["outcome"], name="outgoing_ping_outcome")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("post", "target"), name="outgoing_ping_once_per_pair"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        relabel(
            "comments",
            "mentions",
            ["outgoingping", "mentionrequest"],
            {
                "comments.tasks.queue_post_pings": "comments.mentions.tasks.queue_post_pings",
                "comments.tasks.send_ping": "comments.mentions.tasks.send_ping",
                "comments.tasks.verify_webmention": "comments.mentions.tasks.verify_webmention",
                "comments.tasks.verify_pingback": "comments.mentions.tasks.verify_pingback",
                "comments.tasks.purge_webmention_requests": "comments.mentions.tasks.purge_webmention_requests",
            },
        ),
    ]
