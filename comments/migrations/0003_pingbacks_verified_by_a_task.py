# Received webmentions and pingbacks share one table: both are verified by a task now.

from django.db import migrations, models


def rename_permissions(apps, schema_editor):
    """Carry the old model's permissions (and whoever holds them) over to the new name."""
    Permission = apps.get_model("auth", "Permission")
    for old in Permission.objects.filter(
        content_type__app_label="comments", codename__endswith="_webmentionrequest"
    ):
        action = old.codename.removesuffix("_webmentionrequest")
        codename = f"{action}_mentionrequest"
        if Permission.objects.filter(content_type=old.content_type, codename=codename).exists():
            old.delete()
        else:
            old.codename, old.name = codename, f"Can {action} received mention"
            old.save(update_fields=["codename", "name"])


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_wordpress_import"),
        ("comments", "0002_mentions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameModel("WebmentionRequest", "MentionRequest"),
        migrations.AddField(
            model_name="mentionrequest",
            name="protocol",
            field=models.CharField(
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
        migrations.AddField(
            model_name="mentionrequest",
            name="fault",
            field=models.SmallIntegerField(
                blank=True,
                help_text="The Pingback fault code answered.",
                null=True,
                verbose_name="fault code",
            ),
        ),
        migrations.AlterModelOptions(
            name="mentionrequest",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "received mention",
                "verbose_name_plural": "received pingbacks, trackbacks and webmentions",
            },
        ),
        migrations.RunPython(rename_permissions, migrations.RunPython.noop),
    ]
