"""The media app takes its models over from blog: the tables stay as they are.

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
                    name="Image",
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
                            models.FileField(
                                max_length=255, upload_to="images/%Y/%m/", verbose_name="file"
                            ),
                        ),
                        (
                            "format",
                            models.CharField(
                                choices=[
                                    ("JPEG", "JPEG"),
                                    ("PNG", "PNG"),
                                    ("GIF", "GIF"),
                                    ("WEBP", "WebP"),
                                    ("AVIF", "AVIF"),
                                ],
                                editable=False,
                                max_length=8,
                                verbose_name="format",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "alt_text",
                            models.CharField(
                                blank=True,
                                help_text="What the image shows, for readers who cannot see it.",
                                max_length=300,
                                verbose_name="alt text",
                            ),
                        ),
                        (
                            "caption",
                            models.TextField(
                                blank=True,
                                help_text="Shown under the image.",
                                verbose_name="caption",
                            ),
                        ),
                        (
                            "credit",
                            models.CharField(blank=True, max_length=200, verbose_name="credit"),
                        ),
                        (
                            "width",
                            models.PositiveIntegerField(editable=False, verbose_name="width"),
                        ),
                        (
                            "height",
                            models.PositiveIntegerField(editable=False, verbose_name="height"),
                        ),
                        (
                            "animated",
                            models.BooleanField(
                                default=False, editable=False, verbose_name="animated"
                            ),
                        ),
                        (
                            "pinned",
                            models.BooleanField(
                                default=False,
                                help_text="Pinned images come first in the sidebar gallery (once a post shows them).",
                                verbose_name="pin to “Visuals to Share”",
                            ),
                        ),
                        (
                            "uploaded_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="uploaded"
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "image",
                        "verbose_name_plural": "images",
                        "db_table": "blog_image",
                        "ordering": ["-uploaded_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ImageUse",
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
                            "position",
                            models.PositiveSmallIntegerField(default=0, verbose_name="position"),
                        ),
                        (
                            "image",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="uses",
                                to="media.image",
                                verbose_name="image",
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="image_uses",
                                to="blog.post",
                                verbose_name="post",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "image use",
                        "verbose_name_plural": "image uses",
                        "db_table": "blog_imageuse",
                        "ordering": ["post", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="Rendition",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("width", "scaled to a width"),
                                    ("og", "link preview card (1200×630)"),
                                ],
                                default="width",
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "format",
                            models.CharField(
                                choices=[
                                    ("JPEG", "JPEG"),
                                    ("PNG", "PNG"),
                                    ("GIF", "GIF"),
                                    ("WEBP", "WebP"),
                                    ("AVIF", "AVIF"),
                                ],
                                max_length=8,
                                verbose_name="format",
                            ),
                        ),
                        ("width", models.PositiveIntegerField(verbose_name="width")),
                        ("height", models.PositiveIntegerField(verbose_name="height")),
                        (
                            "file",
                            models.FileField(
                                max_length=255,
                                upload_to="images/renditions/%Y/%m/",
                                verbose_name="file",
                            ),
                        ),
                        ("size", models.PositiveIntegerField(verbose_name="bytes")),
                        (
                            "image",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="renditions",
                                to="media.image",
                                verbose_name="image",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "rendition",
                        "verbose_name_plural": "renditions",
                        "db_table": "blog_rendition",
                        "ordering": ["image", "kind", "format", "width"],
                    },
                ),
                migrations.AddIndex(
                    model_name="image",
                    index=models.Index(fields=["-uploaded_at"], name="image_uploaded"),
                ),
                migrations.AddConstraint(
                    model_name="image",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("height__gt", 0), ("width__gt", 0)),
                        name="image_has_size",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="imageuse",
                    constraint=models.UniqueConstraint(
                        fields=("post", "image"), name="image_use_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="rendition",
                    constraint=models.UniqueConstraint(
                        fields=("image", "kind", "format", "width"), name="rendition_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
        relabel(
            "blog",
            "media",
            ["image", "rendition", "imageuse"],
            {"blog.tasks.make_image_renditions": "blog.media.tasks.make_image_renditions"},
        ),
    ]
