"""Operations for moving models from one app to another without touching their tables.

Used by the features' first migrations (blog/followers, blog/media, blog/stats, blog/wordpress,
comments/mentions), which took their models over from blog and comments. The tables keep their
names (each model sets Meta.db_table), so nothing is copied; what changes is the app label:
the content types (and so the permissions and admin log entries that point at them) are
relabelled, and Procrastinate jobs still waiting under the old task names are renamed. Not a
migration itself: the loader skips modules whose name starts with "_".
"""

from django.db import migrations


def relabel(old_label, new_label, models, task_renames):
    """Two operations, reversible: relabel the content types of models (lower-case model names)
    from old_label to new_label, and rename the waiting jobs' task names (old -> new)."""

    def content_types(apps, schema_editor, source, target):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=target, model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(app_label=target)

    def forwards(apps, schema_editor):
        content_types(apps, schema_editor, old_label, new_label)
        rename_jobs(schema_editor, task_renames)

    def backwards(apps, schema_editor):
        content_types(apps, schema_editor, new_label, old_label)
        rename_jobs(schema_editor, {new: old for old, new in task_renames.items()})

    return migrations.RunPython(forwards, backwards)


def rename_jobs(schema_editor, renames):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # a new database: Procrastinate's tables come later, with no jobs in them
        for old, new in renames.items():
            cursor.execute(
                "UPDATE procrastinate_jobs SET task_name = %s"
                " WHERE task_name = %s AND status IN ('todo', 'doing')",
                [new, old],
            )
