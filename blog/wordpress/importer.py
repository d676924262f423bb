"""Import a WordPress export (WXR): authors, terms, posts, pages, comments and attachments.

The import runs in one transaction: a file that turns out to be cut short halfway rolls back
everything, so a blog is never left half-imported. Every object is keyed by its WordPress ID in
LegacyLink, so a second run updates instead of duplicating, and old addresses redirect.
(blog.wordpress.exporter goes the other way; followers come from blog.followers.wpcom.)
"""

import ipaddress
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import django_comments
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from blog.links import safe_url
from blog.models import (
    AuthorProfile,
    Category,
    LegacyLink,
    Post,
    unique_slug,
)
from blog.wordpress import wxr
from blog.wordpress.attachments import AttachmentImport
from blog.wordpress.bulk import insert_mti, reserve_ids, thread_comments
from blog.wordpress.pages import PageImport, aware
from blog.wordpress.report import Report

STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "future": Post.Status.SCHEDULED,
    "private": Post.Status.PRIVATE,
}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}


def post_format(item):
    """The post's format from its post_format term ("post-format-aside"); standard without one
    or for a format WordPress does not know (get_post_format_slugs())."""
    slugs = [slug for kind, slug, _name in item.categories if kind == "post_format"]
    value = slugs[0].removeprefix("post-format-") if slugs else ""
    return value if value in Post.Format.values else Post.Format.STANDARD


class Importer(PageImport, AttachmentImport):
    def __init__(self, *, media_dir=None, report=None, progress=None):
        self.media_dir = Path(media_dir) if media_dir else None
        self.report = report or Report()
        self.progress = progress or (lambda items: None)
        self.authors = {}  # login -> user
        self.categories = {}  # slug -> Category
        self.tags = {}  # slug -> Tag
        self.pending_parents = []  # (category, parent slug)
        self.page_items = []  # pages wait for the end of the file: parents may come after
        self.items = 0
        self.post_type = ContentType.objects.get_for_model(Post)
        # Every WordPress ID seen in an earlier import, read once: (kind, wp_id) -> local pk.
        links = LegacyLink.objects.values_list("kind", "wp_id", "object_id").iterator(5000)
        self.links = {(kind, wp_id): object_id for kind, wp_id, object_id in links}

    # --- the stream ------------------------------------------------------------------------

    def run(self, source):
        if isinstance(source, str | Path):
            with open(source, "rb") as stream:
                return self.run(stream)
        if not source.seekable():  # two passes: keep a copy to read again
            with tempfile.TemporaryFile() as copy:
                shutil.copyfileobj(source, copy)
                copy.seek(0)
                return self.run(copy)
        start = source.tell()
        self.read_attachments(source)  # first: posts name attachments the file has later
        source.seek(start)
        for obj in wxr.read(source):
            getattr(self, f"on_{type(obj).__name__.lower()}")(obj)
        self.resolve_parents()
        self.import_pages()
        self.queue_link_titles()
        self.report.close()
        return self.report

    def on_author(self, author):
        User = get_user_model()
        user = User.objects.filter(username=author.login).first()
        if user is None and author.email:
            user = User.objects.filter(email__iexact=author.email).first()
        outcome = "updated"
        if user is None:
            fit = self.report.fit
            email = self.report.fit_or_drop(author.email, 254, "author email")
            user = User(
                username=fit(author.login, 150, "author login"), email=email, is_active=False,
                first_name=fit(author.first_name, 150, "author first name"),
                last_name=fit(author.last_name, 150, "author last name"),
            )  # fmt: skip
            user.set_unusable_password()
            user.save()
            outcome = "created"
        profile, _ = AuthorProfile.objects.get_or_create(user=user)
        if author.display_name and not profile.display_name:
            profile.display_name = self.report.fit(author.display_name, 150, "author name")
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
        category.name = self.report.fit(term.name, 200, "category name") or slug
        category.description = term.description
        category.save()
        self.link("category", term.wp_id, category.pk)
        self.categories[term.slug or slug] = category
        if term.parent_slug:
            self.pending_parents.append((category, term.parent_slug))
        self.report.add("categories", outcome)

    def on_tag(self, term):
        slug = self.tag_key(term.slug, term.name)
        tag = self.linked(Tag, "tag", term.wp_id) or Tag.objects.filter(slug=slug).first()
        self.report.add("tags", "updated" if tag else "created")
        self.tags[slug] = tag or self.tag_create(slug, term.name)
        self.link("tag", term.wp_id, self.tags[slug].pk)

    def tag_key(self, slug, name):
        """A tag's slug as this blog stores it: WordPress's nicename (or else its name) made a
        slug that fits taggit's 100-character column."""
        return slugify(slug or name, allow_unicode=True)[:100].strip("-") or "tag"

    def tag_create(self, slug, name):
        """A new tag with WordPress's slug. Taggit keeps names unique, WordPress matches terms
        by slug and may have two with one name: the second is told apart by its slug."""
        name = self.report.fit(name, 100, "tag name") or slug
        if Tag.objects.filter(name=name).exists():
            self.report.problems.append(
                f"Tag “{name}” ({slug}) has the name of another tag here; imported as "
                f"“{name} ({slug})”"
            )
            name = f"{name[: 97 - len(slug)]} ({slug})"
        return Tag.objects.create(name=name, slug=slug)

    def item_tags(self, item):
        """The item's tags, matched by slug (nicename) as WordPress does, not by name."""
        found = []
        for kind, slug, name in item.categories:
            if kind != "tag" or not (slug or name):
                continue
            key = self.tag_key(slug, name)
            if key not in self.tags:
                tag = Tag.objects.filter(slug=key).first()
                self.tags[key] = tag or self.tag_create(key, name)
                self.report.add("tags", "updated" if tag else "created")
            found.append(self.tags[key])
        return found

    def on_item(self, item):
        self.resolve_parents()
        self.items += 1
        self.progress(self.items)
        handlers = {
            "post": self.on_post,
            "page": self.page_items.append,
            "attachment": lambda item: None,  # read in the first pass
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
        self.attach_media(post, item)
        post.save()
        post.categories.set(self.item_categories(item))
        post.tags.set(self.item_tags(item))
        self.link("post", item.wp_id, post.pk, self.old_path(item, post))
        self.report.add("posts", outcome)
        self.report.blocks_not_rendered(f"Post “{item.title}” (ID {item.wp_id})", item.content)
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
        post.title = self.report.fit(item.title, 300, "post title") or "(no title)"
        if not post.slug or (item.slug and post.slug != item.slug[:200]):
            post.slug = unique_slug(Post, item.slug or post.title_text, instance_pk=post.pk)
        post.author = self.author_for(item.creator)
        post.body = wxr.content_to_html(item.content, footnotes=item.meta.get("footnotes", ""))
        post.excerpt = item.excerpt.strip()
        post.status = status
        post.published_at = published
        post.sticky = item.is_sticky
        post.format = post_format(item)
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
                category = self.categories[slug] = self.category_from_item(slug, name)
            found.append(category)
        return found

    def category_from_item(self, slug, name):
        """A top-level category an item names without the export declaring it: the one at
        its address, or a new one (its nicename made a slug: it may hold "/" or spaces)."""
        slug = slugify(slug or name, allow_unicode=True)[:200] or "category"
        category = Category.objects.filter(path=slug).first()
        if category is None:
            name = self.report.fit(name, 200, "category name") or slug
            category = Category.objects.create(name=name, slug=slug)
            self.report.add("categories", "created")
        return category

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
        fit, fit_or_drop = self.report.fit, self.report.fit_or_drop
        mention = wp.kind != "comment" and wp.url
        status = COMMENT_STATUS.get(wp.approved, "pending")
        return Comment(
            id=pk, comment_ptr_id=pk, xtdcomment_ptr_id=pk,
            content_type=self.post_type, object_pk=str(post.pk), site_id=settings.SITE_ID,
            user_name=fit(wp.author, 50, "commenter name"),
            user_email=fit_or_drop(wp.email, 254, "commenter email"),
            user_url=fit_or_drop(safe_url(wp.url), 200, "commenter website"),
            ip_address=self.ip_address(wp.ip), comment=wp.content,
            submit_date=aware(wp.date) or post.published_at,
            kind=wp.kind if mention else "comment",
            source_url=fit_or_drop(wp.url, 500, "ping source address") if mention else "",
            source_title=fit(wp.author, 300, "ping source title") if mention else "",
            status=status, is_public=status == "approved", is_removed=status in ("spam", "trash"),
        )  # fmt: skip

    def ip_address(self, text):
        """The commenter's IP as Postgres' inet column takes it; None (counted) for "unknown",
        a host name or anything else an old plugin wrote there."""
        try:
            return str(ipaddress.ip_address(text)) if text else None
        except ValueError:
            self.report.not_stored("commenter IP", "not an IP address, left out")
            return None

    # --- helpers ---------------------------------------------------------------------------

    def linked(self, model, kind, wp_id):
        object_id = self.links.get((kind, wp_id)) if wp_id else None
        return model._default_manager.filter(pk=object_id).first() if object_id else None

    def link(self, kind, wp_id, object_id, old_path=""):
        """Key the object by its WordPress ID; an old address, when given, redirects to it
        (without one, the address kept from an earlier import stays)."""
        if not wp_id:
            return
        old_path = self.report.fit_or_drop(old_path, 500, "old address (no redirect from it)")
        if self.links.get((kind, wp_id)) != object_id or old_path:
            defaults = {"object_id": object_id, **({"old_path": old_path} if old_path else {})}
            LegacyLink.objects.update_or_create(kind=kind, wp_id=wp_id, defaults=defaults)
            self.links[(kind, wp_id)] = object_id

    def old_path(self, item, obj):
        """The item's address on the old blog; none when it is the object's address here (this
        blog's own export imported again), so the WordPress address kept before stays."""
        path = urlsplit(item.link).path if item.link else ""
        return "" if path == obj.get_absolute_url() else path

    def resolve_parents(self):
        while self.pending_parents:
            category, parent_slug = self.pending_parents.pop(0)  # in file order: parents first
            parent = self.categories.get(parent_slug)
            if parent is None:
                self.report.problems.append(
                    f"Category “{category.name}” names a parent “{parent_slug}” that is not "
                    "in the export"
                )
            elif category.parent_id != parent.pk:
                category.parent = parent
                self.save_within_path_limit(category, f"Category “{category.name}”")

    def save_within_path_limit(self, node, label):
        """Save a category or page; one whose address (or a descendant's) would pass the
        path column goes to the top level instead, with a report line."""
        try:
            node.check_path_length(node.slug)
        except ValidationError:
            self.report.problems.append(
                f"{label}: its address under its parent would be longer than 1000 characters; "
                "imported at the top level"
            )
            node.parent = None
        node.save()
