from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The page cache's table when the cache is the blog's PostgreSQL (no CACHE_URL)."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("blog", "0014_merge_formats_and_social_profiles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
