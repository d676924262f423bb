"""Fast bulk writes for the importer: ids reserved from sequences, threads, multi-table rows."""

from collections import defaultdict

from django.db import connection


def reserve_ids(model, count):
    """Take count ids from the model's sequence, so rows can refer to each other before insert."""
    base = model._meta.get_parent_list()[-1] if model._meta.get_parent_list() else model
    table, column = base._meta.db_table, base._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def thread_comments(objs):
    """django-comments-xtd's thread fields (thread, level, order, nested count) for new comments.

    A comment whose parent is not among them (or that is caught in a loop) starts a thread.
    """
    by_pk = {obj.pk: obj for obj in objs}
    children, roots = defaultdict(list), []
    for obj in sorted(objs, key=lambda o: (o.submit_date, o.pk)):
        if obj.parent_id != obj.pk and obj.parent_id in by_pk:
            children[obj.parent_id].append(obj)
        else:
            roots.append(obj)
    seen = set()
    for root in roots + [o for o in objs if o.pk not in seen]:
        if root.pk in seen:
            continue
        root.parent_id, order, stack = root.pk, 0, [(root, 0)]
        path = []
        while stack:
            node, level = stack.pop()
            seen.add(node.pk)
            order += 1
            node.thread_id, node.level, node.order, node.nested_count = root.pk, level, order, 0
            del path[level:]
            for ancestor in path:
                ancestor.nested_count += 1
            path.append(node)
            kids = [kid for kid in children[node.pk] if kid.pk not in seen]
            stack.extend((kid, level + 1) for kid in reversed(kids))


def insert_mti(model, objs):
    """Insert multi-table-inherited rows in bulk: each table's own columns, parents first."""
    chain = [*reversed(model._meta.get_parent_list()), model]
    with connection.cursor() as cursor:
        for table_model in chain:
            fields = table_model._meta.local_concrete_fields
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = (
                f"INSERT INTO {connection.ops.quote_name(table_model._meta.db_table)} "
                f"({columns}) VALUES ({marks})"
            )
            rows = [
                [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                for obj in objs
            ]
            cursor.executemany(sql, rows)
