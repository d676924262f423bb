"""Replies whose parent was deleted before deleting re-attached them (issue 13) come back.

Until then, deleting a comment left its replies pointing at a comment that no longer exists,
so they vanished from the post. Each such reply now answers the deleted comment's own parent,
as WordPress's wp_delete_comment() does: xtd numbers a thread in pre-order, so that parent is
the last comment before the reply in its thread two levels up. A reply whose deleted parent
was the thread's top starts a thread of its own. Thread fields are then renumbered with
comments.threads.renumber (a pure function of the rows).
"""

from django.db import migrations

from comments.threads import FIELDS, renumber


def grandparent(reply, thread):
    """The pk the reply moves to: the last comment before it two levels up, or its own."""
    earlier = [row for row in thread if row.order < reply.order and row.level == reply.level - 2]
    return max(earlier, key=lambda row: row.order).pk if earlier else reply.pk


def reattach(apps, schema_editor):
    rows_of = apps.get_model("django_comments_xtd", "XtdComment")._base_manager  # no joins
    ids = set(rows_of.values_list("pk", flat=True))
    orphans = [row for row in rows_of.only("pk", "parent_id") if row.parent_id not in ids]
    if not orphans:
        return
    threads = rows_of.filter(
        thread_id__in=rows_of.filter(pk__in=[o.pk for o in orphans]).values("thread_id")
    )
    rows = list(threads.only("pk", *FIELDS))
    by_thread = {}
    for row in rows:
        by_thread.setdefault(row.thread_id, []).append(row)
    for row in rows:
        if row.parent_id not in ids:
            row.parent_id = grandparent(row, by_thread[row.thread_id])
    rows_of.bulk_update(renumber(rows), FIELDS)


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_mentions_in_their_own_app")]

    operations = [migrations.RunPython(reattach, migrations.RunPython.noop)]
