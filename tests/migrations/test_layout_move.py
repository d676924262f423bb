"""Upgrading a blog from before the layout move (issue 12): every row stays, nothing is copied.

django-test-migrations' migrator takes the test database back to the last migrations before the
features had apps of their own (unapplying only the move, so Procrastinate's schema stays),
writes rows through the models as they were then, migrates forward, and reads them back through
the features' models.
"""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

FEATURES = ["followers", "media", "stats", "wordpress", "mentions"]
BEFORE = [
    ("blog", "0008_rate_counters"),
    ("comments", "0003_pingbacks_verified_by_a_task"),
    *((label, None) for label in FEATURES),
]
AFTER = [("blog", "0009_features_in_their_own_apps"), ("comments", "0004_mentions_in_their_own_app")]


@pytest.fixture
def upgraded(migrator):
    migrator.apply_tested_migration(BEFORE)  # backwards, from the head
    loader = MigrationLoader(connection)
    model = loader.project_state([node for node in BEFORE if node[1]]).apps.get_model
    user = model("auth", "User").objects.create(username="editor")
    post = model("blog", "Post").objects.create(
        title="Before the move", slug="before-the-move", author=user, status="published"
    )
    image = model("blog", "Image").objects.create(
        title="Cairo", file="images/cairo.jpg", width=1200, height=675, uploaded_by=user
    )
    model("blog", "Rendition").objects.create(
        image=image, kind="width", format="WEBP", width=640, height=360, file="r.webp", size=9
    )
    model("blog", "ImageUse").objects.create(image=image, post=post, position=0)
    model("blog", "Post").objects.filter(pk=post.pk).update(featured_media=image)
    follower = model("blog", "Follower").objects.create(email="reader@example.com", user=None)
    model("blog", "Delivery").objects.create(post=post, follower=follower)
    model("blog", "Like").objects.create(post=post, user=user)
    model("blog", "DailyPostViews").objects.create(post=post, day="2026-11-01", views=7)
    model("blog", "ImportRun").objects.create(file="imports/export.xml")
    model("comments", "OutgoingPing").objects.create(post=post, target="https://example.com/")
    model("comments", "MentionRequest").objects.create(
        source="https://example.com/a", target="https://example.com/b", post=post
    )
    ContentType = model("contenttypes", "ContentType")
    Permission = model("auth", "Permission")
    follower_type, _ = ContentType.objects.get_or_create(app_label="blog", model="follower")
    permission, _ = Permission.objects.get_or_create(
        content_type=follower_type, codename="change_follower", defaults={"name": "Can change"}
    )
    user.user_permissions.add(permission)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
            " VALUES ('followers', 'blog.tasks.send_post_batch', '{}', 'todo') RETURNING id"
        )
        job_id = cursor.fetchone()[0]
    new = migrator.apply_tested_migration(AFTER)
    ids = {"post": post.pk, "image": image.pk, "user": user.pk, "job": job_id}
    yield new.apps.get_model, ids
    with connection.cursor() as cursor:  # Procrastinate's tables are not flushed between tests
        cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])


def test_layout_move_keeps_every_row(upgraded):
    model, ids = upgraded
    counts = {
        label: model(*label.split(".")).objects.count()
        for label in [
            "media.Image", "media.Rendition", "media.ImageUse", "followers.Follower",
            "followers.Delivery", "stats.Like", "stats.DailyPostViews", "wordpress.ImportRun",
            "mentions.OutgoingPing", "mentions.MentionRequest",
        ]
    }  # fmt: skip
    assert counts == dict.fromkeys(counts, 1)
    post = model("blog", "Post").objects.get(pk=ids["post"])
    assert post.featured_media_id == ids["image"]
    assert model("stats", "DailyPostViews").objects.get().views == 7


def test_layout_move_keeps_permissions_given_to_people(upgraded):
    model, ids = upgraded
    user = model("auth", "User").objects.get(pk=ids["user"])
    labels = set(user.user_permissions.values_list("content_type__app_label", "codename"))
    assert labels == {("followers", "change_follower")}


def test_layout_move_renames_jobs_still_waiting(upgraded):
    _model, ids = upgraded
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name FROM procrastinate_jobs WHERE id = %s", [ids["job"]])
        assert cursor.fetchone() == ("blog.followers.tasks.send_post_batch",)
