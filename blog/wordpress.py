"""Import a WordPress export (WXR) and its followers CSV (blog.wordpress_export goes the other way).

The import runs in one transaction: a file that turns out to be cut short halfway rolls back
everything, so a blog is never left half-imported. Every object is keyed by its WordPress ID in
LegacyLink, so a second run updates instead of duplicating, and old addresses redirect.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import django_comments
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from blog import wxr
from blog.models import (
    AuthorProfile,
    Category,
    LegacyLink,
    Page,
    Post,
    page_free_slug,
    page_slug_reserved,
    unique_slug,
)

STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "future": Post.Status.SCHEDULED,
    "private": Post.Status.PRIVATE,
}
# Pages have no review step or scheduled state here: pending ones come in as drafts, and a
# scheduled page is published with its future time, so readers see it only from then on.
PAGE_STATUSES = {
    "publish": Page.Status.PUBLISHED,
    "future": Page.Status.PUBLISHED,
    "draft": Page.Status.DRAFT,
    "pending": Page.Status.DRAFT,
    "private": Page.Status.PRIVATE,
}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}


@dataclass
class Report:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[str] = field(default_factory=list)

    def add(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def table(self):
        lines = [f"{'':14}{'created':>9}{'updated':>9}{'skipped':>9}"]
        for kind in sorted(self.counts):
            row = self.counts[kind]
            lines.append(f"{kind:14}{row['created']:>9}{row['updated']:>9}{row['skipped']:>9}")
        return "\n".join(lines)


def aware(value):
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class Importer:
    def __init__(self, *, media_dir=None, report=None, progress=None):
        self.media_dir = Path(media_dir) if media_dir else None
        self.report = report or Report()
        self.progress = progress or (lambda items: None)
        self.authors = {}  # login -> user
        self.categories = {}  # slug -> Category
        self.pending_parents = []  # (category, parent slug)
        self.page_items = []  # pages wait for the end of the file: parents may come after
        self.items = 0
        self.post_type = ContentType.objects.get_for_model(Post)
        # Every WordPress ID seen in an earlier import, read once: (kind, wp_id) -> local pk.
        links = LegacyLink.objects.values_list("kind", "wp_id", "object_id").iterator(5000)
        self.links = {(kind, wp_id): object_id for kind, wp_id, object_id in links}

    # --- the stream ------------------------------------------------------------------------

    def run(self, source):
        for obj in wxr.read(source):
            getattr(self, f"on_{type(obj).__name__.lower()}")(obj)
        self.resolve_parents()
        self.import_pages()
        return self.report

    def on_author(self, author):
        User = get_user_model()
        user = User.objects.filter(username=author.login).first()
        if user is None and author.email:
            user = User.objects.filter(email__iexact=author.email).first()
        outcome = "updated"
        if user is None:
            user = User(username=author.login[:150], email=author.email, is_active=False)
            user.first_name, user.last_name = author.first_name[:150], author.last_name[:150]
            user.set_unusable_password()
            user.save()
            outcome = "created"
        profile, _ = AuthorProfile.objects.get_or_create(user=user)
        if author.display_name and not profile.display_name:
            profile.display_name = author.display_name[:150]
            profile.save()
        self.link("author", author.wp_id, user.pk, f"/author/{author.login}/")
        self.authors[author.login] = user
        self.report.add("authors", outcome)

    def on_term(self, term):
        if term.kind == "tag":
            return self.on_tag(term)
        slug = slugify(term.slug or term.name, allow_unicode=True)[:200] or "category"
        category = self.linked(Category, "category", term.wp_id)
        category = category or Category.objects.filter(path=slug).first()
        outcome = "updated" if category else "created"
        category = category or Category(slug=slug)
        category.name = term.name[:200] or slug
        category.description = term.description
        category.save()
        self.link("category", term.wp_id, category.pk)
        self.categories[term.slug or slug] = category
        if term.parent_slug:
            self.pending_parents.append((category, term.parent_slug))
        self.report.add("categories", outcome)

    def on_tag(self, term):
        name = term.name[:100] or term.slug
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=self.tag_slug(term.slug or name))
            self.report.add("tags", "created")
        else:
            self.report.add("tags", "updated")

    def on_item(self, item):
        self.resolve_parents()
        self.items += 1
        self.progress(self.items)
        handlers = {
            "post": self.on_post,
            "page": self.page_items.append,
            "attachment": self.on_attachment,
        }
        handler = handlers.get(item.post_type)
        if handler is None:
            self.report.add(f"{item.post_type}s", "skipped")
            return
        handler(item)

    # --- posts -----------------------------------------------------------------------------

    def on_post(self, item):
        status = STATUSES.get(item.status)
        if status is None:
            self.report.add("posts", "skipped")
            return
        if item.password and status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED):
            status = Post.Status.PRIVATE
            self.protected_problem("Post", item)
        post = self.linked(Post, "post", item.wp_id)
        outcome = "updated" if post else "created"
        post = post or Post()
        self.fill_post(post, item, status)
        post.save()
        post.categories.set(self.item_categories(item))
        post.tags.set([name[:100] for kind, _slug, name in item.categories if kind == "tag"])
        self.link("post", item.wp_id, post.pk, urlsplit(item.link).path if item.link else "")
        self.report.add("posts", outcome)
        self.import_comments(post, item.comments)

    def protected_problem(self, kind, item):
        """This blog has no per-post passwords: what only the password's holders could read on
        WordPress stays out of sight (private: editors only) until an editor publishes it."""
        self.report.problems.append(
            f"{kind} “{item.title}” (ID {item.wp_id}) was password-protected on WordPress; "
            "imported as private (editors only): publish it when everyone may read it"
        )

    def fill_post(self, post, item, status):
        published = aware(item.date) or post.published_at or timezone.now()
        post.title = item.title[:300] or "(no title)"
        if not post.slug or (item.slug and post.slug != item.slug[:200]):
            post.slug = unique_slug(Post, item.slug or post.title, instance_pk=post.pk)
        post.author = self.author_for(item.creator)
        post.body = wxr.content_to_html(item.content)
        post.excerpt = item.excerpt.strip()
        post.status = status
        post.published_at = published
        post.sticky = item.is_sticky
        post.comments_open = item.comment_status == "open"
        post.pings_open = item.ping_status == "open"
        if status == Post.Status.PUBLISHED and published <= timezone.now():
            # Old posts are history: no follower mail and no outgoing pings for them.
            post.announced_at = post.announced_at or published

    def item_categories(self, item):
        found = []
        for kind, slug, name in item.categories:
            if kind != "category":
                continue
            category = self.categories.get(slug)
            if category is None:
                category = Category.objects.create(name=name[:200] or slug, slug=slug[:200])
                self.categories[slug] = category
                self.report.add("categories", "created")
            found.append(category)
        return found

    def author_for(self, login):
        if login in self.authors:
            return self.authors[login]
        user, created = get_user_model().objects.get_or_create(
            username=(login or "imported")[:150], defaults={"is_active": False}
        )
        if created:
            user.set_unusable_password()
            user.save()
            self.report.add("authors", "created")
        self.authors[login] = user
        return user

    # --- pages -----------------------------------------------------------------------------

    def import_pages(self):
        """Parents first, so every page is saved once, at its final address."""
        waiting = {item.wp_id: item for item in self.page_items}
        while waiting:
            ready = [item for item in waiting.values() if item.parent_id not in waiting]
            if not ready:  # parents in a loop: the lowest ID goes to the top level
                first = waiting[min(waiting)]
                self.report.problems.append(
                    f"Page “{first.title}” (ID {first.wp_id}) is filed under itself through "
                    "its parents; imported at the top level"
                )
                first.parent_id, ready = 0, [first]
            for item in ready:
                del waiting[item.wp_id]
                self.on_page(item)

    def on_page(self, item):
        self.skip_page_comments(item)
        status = PAGE_STATUSES.get(item.status)
        if status is None:
            self.report.add("pages", "skipped")
            return
        if item.password and status == Page.Status.PUBLISHED:
            status = Page.Status.PRIVATE
            self.protected_problem("Page", item)
        parent = self.linked(Page, "page", item.parent_id)
        if item.parent_id and parent is None:
            self.report.problems.append(
                f"Page “{item.title}” (ID {item.wp_id}) names a parent page (ID "
                f"{item.parent_id}) that is not in the export; imported at the top level"
            )
        slug = slugify(item.slug, allow_unicode=True)[:200]
        page = self.linked(Page, "page", item.wp_id) or self.unlinked_page(parent, slug)
        outcome = "updated" if page else "created"
        page = page or Page()
        self.fill_page(page, item, status, parent, slug)
        page.save()
        if slug and page.slug != slug and parent is None and page_slug_reserved(slug):
            self.report.problems.append(
                f"Page “{item.title}” (ID {item.wp_id}): /{slug}/ is one of this blog’s own "
                f"addresses, so the page is at {page.get_absolute_url()}"
            )
        self.link("page", item.wp_id, page.pk, urlsplit(item.link).path if item.link else "")
        self.report.add("pages", outcome)

    def fill_page(self, page, item, status, parent, slug):
        moved = page.pk is None or page.parent_id != (parent.pk if parent else None)
        page.title = item.title[:300] or "(no title)"
        page.parent = parent
        if moved or not page.slug or (slug and page.slug != slug):
            page.slug = page_free_slug(slug or page.title, parent=parent, instance_pk=page.pk)
        page.author = self.author_for(item.creator)
        page.body = wxr.content_to_html(item.content)
        page.excerpt = item.excerpt.strip()
        page.status = status
        page.published_at = aware(item.date) or page.published_at or timezone.now()
        page.menu_order = item.menu_order

    def unlinked_page(self, parent, slug):
        """A page made here before the import at the same address: the import takes it over."""
        found = Page.objects.filter(parent=parent, slug=slug).first() if slug else None
        if found is None:
            return None
        linked = any(kind == "page" and pk == found.pk for (kind, _), pk in self.links.items())
        return None if linked else found

    def skip_page_comments(self, item):
        """Comments belong to posts here; those on a page are counted and named, not kept."""
        for wp in item.comments:
            self.report.add(f"{wp.kind}s", "skipped")
        if item.comments:
            self.report.problems.append(
                f"Page “{item.title}” (ID {item.wp_id}): {len(item.comments)} comment(s) not "
                "imported (this blog keeps comments on posts only)"
            )

    # --- comments --------------------------------------------------------------------------

    def import_comments(self, post, comments):
        """Update the comments seen before; insert the new ones in bulk, threads worked out here."""
        Comment = django_comments.get_model()
        known = {c.wp_id: self.links.get(("comment", c.wp_id)) for c in comments}
        fresh = [c for c in comments if known[c.wp_id] is None]
        for wp in comments:
            if known[wp.wp_id] is not None:
                Comment.objects.filter(pk=known[wp.wp_id]).update(
                    comment=wp.content, status=COMMENT_STATUS.get(wp.approved, "pending")
                )
                self.report.add(f"{wp.kind}s", "updated")
        if fresh:
            self.insert_comments(Comment, post, fresh, known)

    def insert_comments(self, Comment, post, fresh, known):
        ids = reserve_ids(Comment, len(fresh))
        objs = {}
        for wp, pk in zip(sorted(fresh, key=lambda c: c.wp_id), ids, strict=True):
            objs[wp.wp_id] = self.comment_object(Comment, post, wp, pk)
        for wp in fresh:
            parent = wp.parent_id and (objs.get(wp.parent_id) or known.get(wp.parent_id))
            if wp.parent_id and not parent:
                self.report.problems.append(
                    f"Comment {wp.wp_id} answers comment {wp.parent_id}, which is not in the "
                    "export; imported as a new thread"
                )
            obj = objs[wp.wp_id]
            obj.parent_id = parent.pk if hasattr(parent, "pk") else (parent or obj.pk)
        thread_comments(list(objs.values()))
        insert_mti(Comment, list(objs.values()))
        LegacyLink.objects.bulk_create(
            [LegacyLink(kind="comment", wp_id=w, object_id=o.pk) for w, o in objs.items()]
        )
        for wp_id, obj in objs.items():
            self.links[("comment", wp_id)] = obj.pk
            self.report.add(f"{obj.kind}s", "created")

    def comment_object(self, Comment, post, wp, pk):
        mention = wp.kind != "comment" and wp.url
        status = COMMENT_STATUS.get(wp.approved, "pending")
        return Comment(
            id=pk, comment_ptr_id=pk, xtdcomment_ptr_id=pk,
            content_type=self.post_type, object_pk=str(post.pk), site_id=settings.SITE_ID,
            user_name=wp.author[:50], user_email=wp.email[:254], user_url=wp.url[:200],
            ip_address=wp.ip or None, comment=wp.content,
            submit_date=aware(wp.date) or post.published_at,
            kind=wp.kind if mention else "comment",
            source_url=wp.url[:500] if mention else "",
            source_title=wp.author[:300] if mention else "",
            status=status, is_public=status == "approved", is_removed=status in ("spam", "trash"),
        )  # fmt: skip

    # --- attachments -----------------------------------------------------------------------

    def on_attachment(self, item):
        from blog.media import image_create
        from blog.models import Image

        existing = self.linked(Image, "attachment", item.wp_id)
        name = Path(urlsplit(item.attachment_url).path).name
        if existing is not None:
            existing.title = item.title[:200] or existing.title
            existing.caption = item.excerpt.strip() or existing.caption
            existing.save()
            self.report.add("images", "updated")
            return
        path = self.media_dir / name if self.media_dir and name else None
        if path is None or not path.is_file():
            self.report.add("images", "skipped")
            self.report.problems.append(
                f"Image file {name or '(no name)'} not found; kept its address "
                f"{item.attachment_url}"
            )
            return
        alt = item.meta.get("_wp_attachment_image_alt", "")
        with path.open("rb") as handle:
            try:
                image = image_create(
                    upload=File(handle, name=name), title=item.title[:200] or name,
                    alt_text=alt[:300], caption=item.excerpt.strip(),
                )  # fmt: skip
            except ValidationError as error:
                self.report.add("images", "skipped")
                self.report.problems.append(f"Image {name}: {' '.join(error.messages)}")
                return
        self.link("attachment", item.wp_id, image.pk, urlsplit(item.attachment_url).path)
        self.report.add("images", "created")

    # --- helpers ---------------------------------------------------------------------------

    def linked(self, model, kind, wp_id):
        object_id = self.links.get((kind, wp_id)) if wp_id else None
        return model._default_manager.filter(pk=object_id).first() if object_id else None

    def link(self, kind, wp_id, object_id, old_path=""):
        if not wp_id:
            return
        if self.links.get((kind, wp_id)) != object_id or old_path:
            LegacyLink.objects.update_or_create(
                kind=kind, wp_id=wp_id, defaults={"object_id": object_id, "old_path": old_path}
            )
            self.links[(kind, wp_id)] = object_id

    def resolve_parents(self):
        while self.pending_parents:
            category, parent_slug = self.pending_parents.pop()
            parent = self.categories.get(parent_slug)
            if parent is None:
                self.report.problems.append(
                    f"Category “{category.name}” names a parent “{parent_slug}” that is not "
                    "in the export"
                )
            elif category.parent_id != parent.pk:
                category.parent = parent
                category.save()

    def tag_slug(self, value):
        return unique_slug(Tag, value, max_length=100)


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


def wordpress_import(*, source, media_dir=None, dry_run=False, progress=None) -> Report:
    """Import a WXR file; all or nothing. With dry_run, report what would happen, keep nothing."""
    with transaction.atomic():
        report = Importer(media_dir=media_dir, progress=progress).run(source)
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- followers ------------------------------------------------------------------------------


def followers_import_csv(*, text, confirmed=True):
    """Followers from a WordPress.com / Jetpack CSV (email and, if present, the date they joined).

    confirmed: keep them as active followers; otherwise each is asked to confirm again by email.
    Addresses already following are left as they are.
    """
    from blog import followers
    from blog.models import Follower

    text = text.lstrip("\ufeff")
    result = followers.followers_import(
        addresses=followers.addresses_from_csv(text), must_confirm=not confirmed
    )
    dates = csv_dates(text)
    added = list(Follower.objects.filter(pk__in=result.added))
    for follower in added:
        when = dates.get(follower.email.lower())
        if when:
            follower.subscribed_at = when
            follower.confirmed_at = when if confirmed else None
    Follower.objects.bulk_update(added, ["subscribed_at", "confirmed_at"], batch_size=1000)
    return result


def csv_dates(text):
    """email (lower-cased) -> when it subscribed, from a date column if the CSV has one."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    email_col = next((i for i, h in enumerate(header) if "mail" in h), None)
    date_col = next((i for i, h in enumerate(header) if "date" in h or "subscri" in h), None)
    if email_col is None or date_col is None:
        return {}
    return {
        row[email_col].strip().lower(): parse_csv_date(row[date_col])
        for row in rows[1:]
        if len(row) > max(email_col, date_col)
    }


def parse_csv_date(text):
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return aware(datetime.strptime(text.strip(), fmt))
        except ValueError:
            continue
    return None


class ProgressWriter:
    """Writes an ImportRun's progress on its own connection, outside the import's transaction,
    so the admin page sees it move while the import is still uncommitted."""

    def __init__(self, run, size):
        self.run_id, self.size, self.last = run.pk, max(size, 1), 0.0
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)

    def __call__(self, items, position):
        progress = min(position / self.size, 0.99)
        if progress - self.last >= 0.01 or items % 500 == 0:
            self.last = progress
            self.conn.execute(
                "UPDATE blog_importrun SET progress = %s, items = %s WHERE id = %s",
                [progress, items, self.run_id],
            )

    def close(self):
        self.conn.close()


def import_run_execute(*, run_id):
    """Run an admin-started import once; the report and status end up on the ImportRun."""
    from blog.models import ImportRun

    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        return
    run = ImportRun.objects.get(pk=run_id)
    with run.file.open("rb") as source:
        writer = ProgressWriter(run, run.file.size)
        try:
            report = wordpress_import(
                source=source, dry_run=run.dry_run,
                progress=lambda items: writer(items, source.tell()),
            )  # fmt: skip
            run.status, run.progress = ImportRun.Status.DONE, 1.0
            run.report = report.table() + "".join(f"\n! {p}" for p in report.problems)
        except wxr.WxrError as error:
            run.status, run.report = ImportRun.Status.FAILED, str(error)
        finally:
            writer.close()
    run.finished_at = timezone.now()
    run.save()
