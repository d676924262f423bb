"""The editorial roles: an Editor group that does everything editorial, and an Author group.

As on WordPress, Editors write, publish and see private pages (every blog permission), while
Authors write and publish their own posts only: no page permissions at all.
"""

from django.contrib.auth.management import create_permissions

# Editors get every permission of these apps: the blog, its features (blog/*/) and the comments.
EDITOR_APPS = [
    "blog", "followers", "media", "stats", "wordpress", "taggit",
    "comments", "mentions", "django_comments", "django_comments_xtd",
]  # fmt: skip
AUTHOR_PERMISSIONS = [
    ("blog", "add_post"),
    ("blog", "change_post"),
    ("blog", "delete_post"),
    ("blog", "view_post"),
    ("blog", "view_category"),
    ("blog", "add_taggedpost"),
    ("blog", "view_taggedpost"),
    ("media", "add_image"),
    ("media", "view_image"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
]


def roles_ensure(apps, *, with_permissions=False):
    """Create or complete both groups; idempotent, so every migrate and flush can call it."""
    if with_permissions:
        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    author, _ = Group.objects.get_or_create(name="Author")
    for app_label, codename in AUTHOR_PERMISSIONS:
        author.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
