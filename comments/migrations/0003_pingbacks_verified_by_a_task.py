# Received webmentions and pingbacks share one table: both are verified by a task now.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_wordpress_import"),
        ("comments", "0002_mentions"),
    ]

    operations = [
        migrations.RenameModel("WebmentionRequest", "MentionRequest"),
        migrations.AddField(
            model_name="mentionrequest",
            name="protocol",
            field=models.CharField(
                choices=[("webmention", "Webmention"), ("pingback", "Pingback")],
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
                "verbose_name_plural": "received pingbacks and webmentions",
            },
        ),
    ]
