"""Outgoing pings and received-mention requests now live in comments.mentions (app "mentions").

Its first migration took the models over (same tables, state only); this one drops them from
the comments app's state. Nothing in the database changes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_pingbacks_verified_by_a_task"),
        ("mentions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutgoingPing"),
                migrations.DeleteModel(name="MentionRequest"),
            ],
            database_operations=[],
        ),
    ]
