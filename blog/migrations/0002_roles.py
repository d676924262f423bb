from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_APPS = ["blog", "taggit"]
AUTHOR_PERMISSIONS = [
    ("blog", "add_post"),
    ("blog", "change_post"),
    ("blog", "delete_post"),
    ("blog", "view_post"),
    ("blog", "view_category"),
    ("blog", "add_taggedpost"),
    ("blog", "view_taggedpost"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
]


def make_roles(apps, schema_editor):
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
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Author"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
