"""WordPress pages in an import: parents first, the old paths kept, comments on them counted."""

from django.utils import timezone
from django.utils.text import slugify

from blog.models import Page, page_free_slug, page_slug_reserved
from blog.wordpress import wxr

PATH_LIMIT = Page._meta.get_field("path").max_length  # 1000
# Pages have no review step or scheduled state here: pending ones come in as drafts, and a
# scheduled page is published with its future time, so readers see it only from then on.
PAGE_STATUSES = {
    "publish": Page.Status.PUBLISHED,
    "future": Page.Status.PUBLISHED,
    "draft": Page.Status.DRAFT,
    "pending": Page.Status.DRAFT,
    "private": Page.Status.PRIVATE,
}


def aware(value):
    """A datetime from the export made time-zone aware (WordPress writes local times)."""
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class PageImport:
    """The Importer's page methods (it supplies linked, link, author_for, report, ...)."""

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
        self.attach_media(page, item, "Page")
        if page.parent is not None and page.longest_path(page.slug) > PATH_LIMIT:
            self.report.problems.append(
                f"Page “{item.title}” (ID {item.wp_id}): its address under its parent would be "
                f"longer than {PATH_LIMIT} characters; imported at the top level"
            )
            page.parent, parent = None, None
            page.slug = page_free_slug(page.slug, parent=None, instance_pk=page.pk)
        page.save()
        if slug and page.slug != slug and parent is None and page_slug_reserved(slug):
            self.report.problems.append(
                f"Page “{item.title}” (ID {item.wp_id}): /{slug}/ is one of this blog’s own "
                f"addresses, so the page is at {page.get_absolute_url()}"
            )
        self.link("page", item.wp_id, page.pk, self.old_path(item, page))
        self.report.add("pages", outcome)
        self.report.blocks_not_rendered(f"Page “{item.title}” (ID {item.wp_id})", item.content)

    def fill_page(self, page, item, status, parent, slug):
        moved = page.pk is None or page.parent_id != (parent.pk if parent else None)
        page.title = self.report.fit(item.title, 300, "page title") or "(no title)"
        page.parent = parent
        if moved or not page.slug or (slug and page.slug != slug):
            page.slug = page_free_slug(slug or page.title_text, parent=parent, instance_pk=page.pk)
        page.author = self.author_for(item.creator)
        page.body = wxr.content_to_html(item.content, footnotes=item.meta.get("footnotes", ""))
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
