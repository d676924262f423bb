"""Static pages (About, Contact, ...), nested like WordPress's."""

import html
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from blog.models.posts import TitleMarkup, excerpt_from, unique_slug
from blog.models.tree import SlugTree
from blog.sanitize import sanitize_html

# The first part of the site's own addresses (config/urls.py, blog/urls.py, comments/urls.py,
# uploads and static files): a top-level page there would be unreachable. Years too (archives).
RESERVED_PAGE_SLUGS = frozenset({
    ".well-known", "accounts", "admin", "author", "category", "comments", "feed", "followers",
    "healthz", "image", "likes", "media", "robots.txt", "search", "security.txt", "sitemap.xml",
    "static", "tag", "webmention", "xmlrpc", "xmlrpc.php",
})  # fmt: skip


def page_slug_reserved(slug):
    return slug.lower() in RESERVED_PAGE_SLUGS or bool(re.fullmatch(r"[0-9]{4}", slug))


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages any reader may see: published, and their publish time has come."""
        return self.filter(status=Page.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled_after(self, moment):
        """When the next page readers cannot see yet goes live by itself (None: none will)."""
        waiting = self.filter(status=Page.Status.PUBLISHED, published_at__gt=moment)
        return waiting.aggregate(next=models.Min("published_at"))["next"]

    def in_menu(self):
        """Top-level published pages for the site header, in the editor's order."""
        top = self.published().filter(parent=None, show_in_menu=True)
        return top.only("title", "path").order_by("menu_order", "title", "pk")


class Page(TitleMarkup, SlugTree, models.Model):
    """A static page outside the stream of posts (About, Contact), nested like WordPress's."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        PRIVATE = "private", _("Private (editors only)")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"), max_length=200, blank=True, allow_unicode=True,
        help_text=_("The last part of the address; made from the title when left empty."),
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", verbose_name=_("parent page"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", help_text=_("The page lives under its parent’s address."),
    )  # fmt: skip
    # Slugs from the root down, "about/team": the page's address, one indexed lookup.
    path = models.CharField(max_length=1000, editable=False, unique=True)
    body = models.TextField(_("body"), blank=True)
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("For search engines and link previews.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="pages",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"), default=timezone.now,
        help_text=_("A published page with a time in the future stays hidden until then."),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    menu_order = models.IntegerField(
        _("menu order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )
    show_in_menu = models.BooleanField(
        _("show in the menu"), default=True,
        help_text=_("Top-level published pages are listed in the site header."),
    )  # fmt: skip

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="page_not_own_parent")
        ]
        indexes = [models.Index(fields=["status", "parent", "menu_order"], name="page_menu")]

    def __str__(self):
        return self.title_text

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = page_free_slug(self.title_text, parent=self.parent, instance_pk=self.pk)
        self.body = sanitize_html(self.body)
        self.excerpt = " ".join(html.unescape(strip_tags(self.excerpt)).split())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:page", kwargs={"path": self.path})

    def clean(self):
        if self.filed_under_itself():
            raise ValidationError({"parent": _("A page cannot be filed under itself.")})
        slug = self.slug or slugify(self.title_text, allow_unicode=True)[:192]
        self.check_path_length(slug)
        if self.parent is None and page_slug_reserved(slug):
            raise ValidationError({"slug": _(
                "/%(slug)s/ is one of the blog’s own addresses: choose another slug, or file "
                "the page under a parent page."
            ) % {"slug": slug}})  # fmt: skip
        if self.slug and self.path_taken(self.path_for(slug)):
            raise ValidationError({"slug": _("Another page at this level has this slug.")})

    def summary(self, words=30):
        """The excerpt, else the body's first words (as Post.summary): for meta descriptions."""
        return self.excerpt or excerpt_from(self.body, words)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    def visible_to(self, user):
        """Readers see published pages; editors also private ones and previews of the rest."""
        return self.is_public or user.has_perm("blog.change_page")


def page_free_slug(value, *, parent, instance_pk=None):
    """A slug no sibling has; at the top level, never one of the site's own addresses."""
    slug = unique_slug(Page, value, instance_pk=instance_pk, parent=parent)
    if parent is None and page_slug_reserved(slug):
        slug = unique_slug(Page, f"{slug}-page", instance_pk=instance_pk, parent=parent)
    return slug
