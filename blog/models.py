import html
import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from blog import widgets
from blog.sanitize import sanitize_html

SEARCH_CONFIG = "english"
# Dropped from the searchable text: search snippets use two of them to mark hits.
_CONTROL_CHARACTERS = dict.fromkeys(range(32), " ")


def unique_slug(model, value, *, instance_pk=None, max_length=200, **scope):
    """A slug from value that no other row of model (within scope) has: -2, -3, ... on clashes."""
    base = slugify(value, allow_unicode=True)[: max_length - 8].strip("-") or "item"
    others = model._default_manager.filter(**scope).exclude(pk=instance_pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, blank=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Slugs from the root down, "parent/child": one indexed column for URLs and descendants.
    path = models.CharField(max_length=1000, editable=False, unique=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="category_not_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name, instance_pk=self.pk, parent=self.parent)
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"path": self.path})

    def clean(self):
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be filed inside itself.")})
            ancestor = ancestor.parent
        path = f"{self.parent.path}/{self.slug}" if self.parent else self.slug
        if self.slug and Category.objects.exclude(pk=self.pk).filter(path=path).exists():
            raise ValidationError(
                {"slug": _("Another category with this parent already has this slug.")}
            )

    @property
    def depth(self):
        return self.path.count("/")

    def descendants_and_self(self):
        return Category.objects.filter(Q(path=self.path) | Q(path__startswith=f"{self.path}/"))


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts any reader may see: published, or scheduled and their time has come."""
        return self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED],
            published_at__lte=timezone.now(),
        )

    def for_lists(self):
        return self.select_related("author__profile", "featured_media").prefetch_related(
            "categories", "featured_media__renditions"
        )

    def in_category(self, category):
        return self.filter(categories__in=category.descendants_and_self()).distinct()


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PRIVATE = "private", _("Private")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        allow_unicode=True,
        help_text=_("The last part of the address; made from the title when left empty."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    body = models.TextField(_("body"), blank=True)
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("Made from the body when left empty.")
    )
    featured_image = models.ImageField(_("featured image"), upload_to="featured/%Y/%m/", blank=True)
    featured_media = models.ForeignKey(
        "Image", verbose_name=_("featured image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="featured_in",
        help_text=_("From the image library: shown on the post, in lists, feeds and mail."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        default=timezone.now,
        help_text=_("A time in the future schedules the post."),
    )
    sticky = models.BooleanField(_("sticky"), default=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    pings_open = models.BooleanField(_("pings open"), default=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="posts"
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True, through="TaggedPost")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set once, when the post_published signal went out for this post.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    body_text = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        get_latest_by = "published_at"
        permissions = [("edit_others_posts", _("Can edit and publish other people’s posts"))]
        constraints = [models.UniqueConstraint(fields=["slug"], name="post_slug_unique")]
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_gin"),
            models.Index(fields=["status", "-published_at"], name="post_status_published"),
            models.Index(fields=["-sticky", "-published_at"], name="post_sticky_published"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Post, self.title, instance_pk=self.pk)
        self.body = sanitize_html(self.body)
        text = html.unescape(strip_tags(self.body)).translate(_CONTROL_CHARACTERS)
        self.body_text = " ".join(text.split())
        self.excerpt = " ".join(html.unescape(strip_tags(self.excerpt)).split())
        if self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED):
            future = self.published_at > timezone.now()
            self.status = self.Status.SCHEDULED if future else self.Status.PUBLISHED
        with transaction.atomic():
            if self.pk and self.announced_at is None:
                # Never undo an announcement made since this instance was loaded; the lock
                # keeps the announcing job off the row until this save commits.
                locked = Post.objects.select_for_update().filter(pk=self.pk)
                self.announced_at = locked.values_list("announced_at", flat=True).first()
            super().save(*args, **kwargs)
        from blog.services import post_queue_announcement

        post_queue_announcement(post=self)
        from blog.media import post_images_sync

        post_images_sync(post=self)

    def get_absolute_url(self):
        local = timezone.localtime(self.published_at)
        return reverse(
            "blog:post",
            kwargs={
                "year": local.year,
                "month": f"{local.month:02d}",
                "day": f"{local.day:02d}",
                "slug": self.slug,
            },
        )

    @property
    def is_public(self):
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at <= timezone.now()
        )

    def editable_by(self, user):
        """Editors may edit (and preview) every post; authors only their own."""
        if user.has_perm("blog.edit_others_posts"):
            return True
        return user.has_perm("blog.change_post") and self.author_id == user.pk

    def tag_list(self):
        """The post's tags in alphabetical order (from the prefetch cache when there is one)."""
        return sorted(self.tags.all(), key=lambda tag: tag.name.lower())

    def summary(self, words=55):
        return self.excerpt or Truncator(self.body_text).words(words, truncate=" …")


class TaggedPost(TaggedItemBase):
    content_object = models.ForeignKey(Post, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("post tag")
        verbose_name_plural = _("post tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_post_unique")
        ]

    def __str__(self):
        return f"{self.content_object_id}: {self.tag_id}"


# The first part of the site's own addresses (config/urls.py, blog/urls.py, comments/urls.py,
# uploads and static files): a top-level page there would be unreachable. Years too (archives).
RESERVED_PAGE_SLUGS = frozenset({
    "accounts", "admin", "author", "category", "comments", "feed", "followers", "healthz",
    "image", "likes", "media", "robots.txt", "search", "sitemap.xml", "static", "tag",
    "webmention", "xmlrpc", "xmlrpc.php",
})  # fmt: skip
PAGE_MENU_CACHE_KEY = make_template_fragment_key("page-menu")


def page_slug_reserved(slug):
    return slug.lower() in RESERVED_PAGE_SLUGS or bool(re.fullmatch(r"[0-9]{4}", slug))


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages any reader may see: published, and their publish time has come."""
        return self.filter(status=Page.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_menu(self):
        """Top-level published pages for the site header, in the editor's order."""
        top = self.published().filter(parent=None, show_in_menu=True)
        return top.only("title", "path").order_by("menu_order", "title", "pk")


class Page(models.Model):
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
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = page_free_slug(self.title, parent=self.parent, instance_pk=self.pk)
        self.body = sanitize_html(self.body)
        self.excerpt = " ".join(html.unescape(strip_tags(self.excerpt)).split())
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()
        transaction.on_commit(lambda: cache.delete(PAGE_MENU_CACHE_KEY))

    def get_absolute_url(self):
        return reverse("blog:page", kwargs={"path": self.path})

    def delete(self, *args, **kwargs):
        transaction.on_commit(lambda: cache.delete(PAGE_MENU_CACHE_KEY))
        return super().delete(*args, **kwargs)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A page cannot be filed under itself.")})
            ancestor = ancestor.parent
        slug = self.slug or slugify(self.title, allow_unicode=True)
        if self.parent is None and page_slug_reserved(slug):
            raise ValidationError({"slug": _(
                "/%(slug)s/ is one of the blog’s own addresses: choose another slug, or file "
                "the page under a parent page."
            ) % {"slug": slug}})  # fmt: skip
        path = f"{self.parent.path}/{slug}" if self.parent else slug
        if self.slug and Page.objects.exclude(pk=self.pk).filter(path=path).exists():
            raise ValidationError({"slug": _("Another page at this level has this slug.")})

    @property
    def depth(self):
        return self.path.count("/")

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


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), blank=True, help_text=_("Shown in the box under each post."))
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    website = models.URLField(_("website"), blank=True)
    twitter = models.CharField(_("X/Twitter handle"), max_length=100, blank=True)
    links = models.TextField(
        _("other profile links"), blank=True, help_text=_("One address per line.")
    )

    class Meta:
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:author", kwargs={"username": self.user.get_username()})

    @property
    def name(self):
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class SingletonModel(models.Model):
    """A table of one row (pk=1, kept by a CheckConstraint in each subclass): settings."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SiteSettings(SingletonModel):
    """The one row of settings an editor changes in the admin."""

    title = models.CharField(_("site title"), max_length=200, default="Newsroom")
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    about = models.TextField(_("about text"), blank=True)
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=10)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    twitter_url = models.URLField(_("X/Twitter"), blank=True)
    mastodon_url = models.URLField(_("Mastodon"), blank=True)
    flickr_url = models.URLField(_("Flickr"), blank=True)
    pinterest_url = models.URLField(_("Pinterest"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    bluesky_url = models.URLField(_("Bluesky"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    tumblr_url = models.URLField(_("Tumblr"), blank=True)
    show_rss_link = models.BooleanField(_("show the RSS feed in “Follow us”"), default=True)
    sidebar_widgets = models.CharField(
        _("sidebar widgets"),
        max_length=500,
        default=widgets.DEFAULT_SIDEBAR,
        blank=True,
        validators=[widgets.validate_sidebar_widgets],
        help_text=widgets.SIDEBAR_HELP,
    )
    visitor_count_start = models.PositiveBigIntegerField(
        _("views before counting here"),
        default=0,
        help_text=_(
            "Views the blog had before it moved here (e.g. from WordPress.com Stats); the "
            "Visitor Count widget adds them to the views counted here."
        ),
    )
    follower_email_full_post = models.BooleanField(
        _("send followers the whole post"),
        default=False,
        help_text=_("Off: the email to followers has the excerpt and a link to read on."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="site_settings_single_row"),
            models.CheckConstraint(
                condition=Q(posts_per_page__gte=1, posts_per_page__lte=100),
                name="site_settings_posts_per_page_range",
            ),
        ]

    def __str__(self):
        return str(_("Site settings"))

    def social_links(self):
        """(label, address) of each profile filled in; the Follow us widget's list, feed aside."""
        profiles = widgets.social_profiles(self)
        return [(item["label"], item["url"]) for item in profiles if item["key"] != "rss"]


# Visitor statistics. A page view only INSERTs a ViewEvent; a periodic task folds the events
# into the daily tables (blog.stats.views_fold), so no request waits on another's row lock.


class ViewEvent(models.Model):
    """One counted page view waiting to be folded into the daily counts; never updated."""

    # No foreign key constraint: checking it would lock the post's row on every view.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )  # fmt: skip
    day = models.DateField()
    # A hash of address and browser with a salt that changes every day; never the address.
    visitor = models.CharField(max_length=32)
    referrer_host = models.CharField(max_length=253, blank=True)

    class Meta:
        verbose_name = _("view waiting to be counted")
        verbose_name_plural = _("views waiting to be counted")

    def __str__(self):
        return f"{self.day} post={self.post_id}"


class DailySiteViews(models.Model):
    """Views and unique visitors of the whole blog on one day."""

    day = models.DateField(_("day"), primary_key=True)
    views = models.PositiveIntegerField(_("views"), default=0)
    visitors = models.PositiveIntegerField(_("unique visitors"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily site views")
        verbose_name_plural = _("daily site views")

    def __str__(self):
        return f"{self.day}: {self.views}"


class DailyPostViews(models.Model):
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily post views")
        verbose_name_plural = _("daily post views")
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="daily_post_views_unique")
        ]
        indexes = [models.Index(fields=["day"], name="daily_post_views_day")]

    def __str__(self):
        return f"{self.day} post={self.post_id}: {self.views}"


class DailyReferrer(models.Model):
    """Views that came from another site, by the referring host only (no paths or queries)."""

    day = models.DateField(_("day"))
    host = models.CharField(_("host"), max_length=253)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "-views"]
        verbose_name = _("daily referrer")
        verbose_name_plural = _("daily referrers")
        constraints = [
            models.UniqueConstraint(fields=["day", "host"], name="daily_referrer_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.host}: {self.views}"


class DailyVisitor(models.Model):
    """Visitor hashes seen on a recent day, to count each once; pruned after two days."""

    day = models.DateField()
    visitor = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "visitor"], name="daily_visitor_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.visitor}"


class StatsDashboard(DailySiteViews):
    """The editors' stats page in the admin; a proxy so it has a permission and an index link."""

    class Meta:
        proxy = True
        verbose_name = _("stats")
        verbose_name_plural = _("stats")
        default_permissions = ()
        permissions = [("view_stats", _("Can see the stats dashboard"))]


class Like(models.Model):
    """A reader likes a post: signed in (one per user) or anonymous (one per browser)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="likes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="likes",
    )  # fmt: skip
    # A random id kept in a signed cookie, for readers who are not signed in.
    browser = models.UUIDField(_("browser"), null=True, blank=True)
    created_at = models.DateTimeField(_("liked"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=Q(user__isnull=False), name="like_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["post", "browser"],
                condition=Q(browser__isnull=False),
                name="like_once_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, browser__isnull=True)
                | Q(user__isnull=True, browser__isnull=False),
                name="like_by_user_or_browser",
            ),
        ]
        indexes = [models.Index(fields=["post", "-created_at"], name="like_post_recent")]

    def __str__(self):
        return f"{self.user or self.browser} likes {self.post_id}"


# The image library (blog.media does the work: checks, renditions, what pages show).


class Image(models.Model):
    """An uploaded picture, stored upright and without metadata, with its words."""

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        GIF = "GIF", "GIF"
        WEBP = "WEBP", "WebP"
        AVIF = "AVIF", "AVIF"

    file = models.FileField(_("file"), upload_to="images/%Y/%m/", max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, editable=False)
    title = models.CharField(_("title"), max_length=200)
    alt_text = models.CharField(
        _("alt text"), max_length=300, blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )  # fmt: skip
    caption = models.TextField(_("caption"), blank=True, help_text=_("Shown under the image."))
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    animated = models.BooleanField(_("animated"), default=False, editable=False)
    pinned = models.BooleanField(
        _("pin to “Visuals to Share”"), default=False,
        help_text=_("Pinned images come first in the sidebar gallery (once a post shows them)."),
    )  # fmt: skip
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="image_has_size")
        ]
        indexes = [models.Index(fields=["-uploaded_at"], name="image_uploaded")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:image", kwargs={"pk": self.pk})

    def scaled(self, fmt):
        """Renditions of one format, narrowest first (from the prefetch cache when there is one)."""
        found = [r for r in self.renditions.all() if r.kind == "width" and r.format == fmt]
        return sorted(found, key=lambda rendition: rendition.width)

    def fallback_renditions(self):
        """The widths in a format every browser and mail client shows (not WebP)."""
        formats = {r.format for r in self.renditions.all() if r.kind == "width"} - {"WEBP"}
        return self.scaled(min(formats)) if formats else []

    def rendition_near(self, width, *, fallback=False):
        """The narrowest rendition at least width wide (else the widest), or None."""
        found = self.fallback_renditions() if fallback else self.scaled("WEBP")
        wide_enough = [r for r in found if r.width >= width]
        return (wide_enough or found[-1:] or [None])[0]

    def rendition_og(self):
        return next((r for r in self.renditions.all() if r.kind == "og"), None)


class Rendition(models.Model):
    """A copy of an image made by Pillow: scaled to a width, or cropped for link previews."""

    class Kind(models.TextChoices):
        WIDTH = "width", _("scaled to a width")
        OPEN_GRAPH = "og", _("link preview card (1200×630)")

    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.CASCADE, related_name="renditions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.WIDTH)
    format = models.CharField(_("format"), max_length=8, choices=Image.Format.choices)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), upload_to="images/renditions/%Y/%m/", max_length=255)
    size = models.PositiveIntegerField(_("bytes"))

    class Meta:
        ordering = ["image", "kind", "format", "width"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["image", "kind", "format", "width"], name="rendition_unique"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.kind} {self.format} {self.width}w"


class ImageUse(models.Model):
    """A library image a post shows: its featured image (position 0) or one in its text."""

    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.CASCADE, related_name="uses"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="image_uses"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["post", "position"]
        verbose_name = _("image use")
        verbose_name_plural = _("image uses")
        constraints = [models.UniqueConstraint(fields=["post", "image"], name="image_use_unique")]

    def __str__(self):
        return f"{self.image} in “{self.post}”"


# Followers: people who get every new post by email (blog.followers sends it).


class FollowerQuerySet(models.QuerySet):
    def with_email(self, address):
        """The follower with this address in any letter case (uses the unique index)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=address.lower())

    def active(self):
        return self.filter(status=Follower.Status.ACTIVE)


class Follower(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Following")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")

    class Source(models.TextChoices):
        WIDGET = "widget", _("Sidebar widget")
        ADMIN = "admin", _("Added in the admin")
        IMPORT = "import", _("Imported")

    email = models.EmailField(_("email address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("where from"), max_length=20, choices=Source.choices, default=Source.ADMIN
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="follows",
    )  # fmt: skip
    subscribed_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    bounces = models.PositiveSmallIntegerField(
        _("bounces in a row"),
        default=0,
        help_text=_("Permanent delivery failures since the last success."),
    )

    # Who gets new posts, or will once they confirm; the others left or bounced.
    FOLLOWING = (Status.ACTIVE, Status.PENDING)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        ordering = ["-subscribed_at", "-pk"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="follower_email_ci_unique",
                violation_error_message=_("This address follows the blog already."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False),
                name="follower_one_per_user",
                violation_error_message=_("This account follows the blog already."),
            ),
        ]
        # The fan-out walks active followers in id order.
        indexes = [models.Index(fields=["status", "id"], name="follower_status_id")]

    def __str__(self):
        return self.email


class Delivery(models.Model):
    """The ledger: one row per post and follower; a row marked sent is never sent again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="deliveries"
    )
    follower = models.ForeignKey(
        Follower, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["post", "follower"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["post", "follower"], name="delivery_once_per_follower")
        ]
        indexes = [models.Index(fields=["post", "status"], name="delivery_post_status")]

    def __str__(self):
        return f"{self.post_id} → {self.follower_id}: {self.status}"


class LegacyLink(models.Model):
    """What an object was called on the old WordPress blog: its ID there and its old address."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        ATTACHMENT = "attachment", _("Attachment")
        CATEGORY = "category", _("Category")
        AUTHOR = "author", _("Author")
        COMMENT = "comment", _("Comment")
        PAGE = "page", _("Page")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wp_id = models.BigIntegerField(_("WordPress ID"))
    object_id = models.BigIntegerField(_("object ID"))
    old_path = models.CharField(_("old address"), max_length=500, blank=True, db_index=True)

    class Meta:
        verbose_name = _("WordPress link")
        verbose_name_plural = _("WordPress links")
        ordering = ["kind", "wp_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "wp_id"], name="legacy_link_unique")]

    def __str__(self):
        return f"{self.kind} {self.wp_id} → {self.object_id}"


class ImportRun(models.Model):
    """A WordPress import started from the admin and run by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was imported")

    file = models.FileField(_("WXR export"), upload_to="imports/%Y/%m/")
    dry_run = models.BooleanField(_("dry run"), default=False, help_text=_("Report only."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    items = models.PositiveIntegerField(_("items read"), default=0)
    report = models.TextField(_("report"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1), name="import_run_progress_range"
            )
        ]

    def __str__(self):
        return f"{self.file.name} ({self.get_status_display()})"


class RateCounter(models.Model):
    """How often one client used one public form or endpoint in the current window (see
    blog.ratelimit). Kept in Postgres so every web process on every machine shares the count."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of secret, scope and client
    hits = models.PositiveIntegerField(default=1)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.key[:12]}… {self.hits} until {self.expires:%H:%M:%S}"
