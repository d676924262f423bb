"""django-comments-xtd's thread fields, kept true when comments leave a thread.

xtd numbers each thread in pre-order (django_comments_xtd.models.XtdComment.
_calculate_thread_data): thread_id is the top comment's id, parent_id the comment answered (its
own id at the top), level the depth (0 at the top), order the place in the thread (1, 2, ...),
nested_count how many replies hang below. Replies are shown, hidden and answered by these.
"""

from collections import defaultdict

FIELDS = ["parent_id", "thread_id", "level", "order", "nested_count"]


def new_parents(rows, removed: set[int]) -> dict[int, int]:
    """{id: new parent id} for the rows that stay and answer a removed comment.

    Each moves up to the nearest ancestor that stays, as WordPress's wp_delete_comment() moves
    the children of a deleted comment to its parent; a reply whose ancestors all go starts a
    thread of its own (its own id). rows: objects with pk and parent_id (a top comment's is
    its own pk), the removed ones among them.
    """
    parent_of = {row.pk: row.parent_id for row in rows}
    moved = {}
    for row in rows:
        if row.pk in removed or row.parent_id not in removed:
            continue
        parent = row.parent_id
        while parent in removed and parent_of.get(parent, parent) != parent:
            parent = parent_of[parent]
        moved[row.pk] = row.pk if parent in removed else parent
    return moved


def below(rows, ids: set[int]) -> set[int]:
    """The ids of the rows that hang, however deep, under the comments ids (not ids)."""
    parent_of = {row.pk: row.parent_id for row in rows}
    found = set()
    for row in rows:
        seen, parent = {row.pk}, row.parent_id
        while parent not in ids and parent in parent_of and parent not in seen:
            seen.add(parent)
            parent = parent_of[parent]
        if parent in ids and row.pk not in ids:
            found.add(row.pk)
    return found


def renumber(rows) -> list:
    """Give rows (one or more whole threads) xtd's fields again from their parent_id alone;
    the rows whose fields changed, for a bulk update of FIELDS.

    Siblings keep their order; a row whose parent is not among rows starts a thread.
    """
    by_pk = {row.pk: row for row in rows}
    children, roots = defaultdict(list), []
    for row in sorted(rows, key=lambda r: (r.thread_id, r.order, r.pk)):
        if row.parent_id != row.pk and row.parent_id in by_pk:
            children[row.parent_id].append(row)
        else:
            roots.append(row)
    before = {row.pk: tuple(getattr(row, name) for name in FIELDS) for row in rows}
    for root in roots:
        _number(root, children)
    return [row for row in rows if tuple(getattr(row, n) for n in FIELDS) != before[row.pk]]


def _number(root, children) -> None:
    root.parent_id = root.pk
    order, stack, path = 0, [(root, 0)], []
    while stack:
        row, level = stack.pop()
        order += 1
        row.thread_id, row.level, row.order, row.nested_count = root.pk, level, order, 0
        del path[level:]
        for ancestor in path:
            ancestor.nested_count += 1
        path.append(row)
        stack.extend((kid, level + 1) for kid in reversed(children[row.pk]))


def replies_reattach(model, removed_ids) -> list[int]:
    """Before the comments removed_ids are deleted: move their replies up (new_parents) and
    number the threads again without them. model: the comment model. The ids of the replies
    that moved."""
    removed = set(removed_ids)
    threads = model.norel_objects.filter(pk__in=removed).values("thread_id")
    rows = list(model.norel_objects.filter(thread_id__in=threads).only(*FIELDS))
    moved = new_parents(rows, removed)
    staying = [row for row in rows if row.pk not in removed]
    for row in staying:
        row.parent_id = moved.get(row.pk, row.parent_id)
    model.norel_objects.bulk_update(renumber(staying), FIELDS)
    return list(moved)
