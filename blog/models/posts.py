"""Posts, their categories and tags, and author profiles."""

import html
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from blog import jobs
from blog.history import importing_history
from blog.links import safe_url, validate_web_url, validate_web_url_lines
from blog.models.tree import SlugTree
from blog.post_html import link
from blog.sanitize import html_text, sanitize_html, sanitize_title, title_text

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


@lru_cache(maxsize=256)
def excerpt_from(body: str, words: int = 55) -> str:
    """The first words of an HTML body, as an automatic excerpt: no figure captions.

    Kept for the last bodies asked (the same text gives the same words): a list page shows
    ten, and parsing each body's HTML was a fifth of the page's time."""
    return Truncator(html_text(body, captions=False)).words(words, truncate=" …")


class Category(SlugTree, models.Model):
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"path": self.path})

    def clean(self):
        if self.filed_under_itself():
            raise ValidationError({"parent": _("A category cannot be filed inside itself.")})
        self.check_path_length(self.slug or slugify(self.name, allow_unicode=True)[:192])
        if self.slug and self.path_taken(self.path_for(self.slug)):
            raise ValidationError(
                {"slug": _("Another category with this parent already has this slug.")}
            )

    def descendants_and_self(self):
        # The prefix as an expression: the path stays one query parameter, which a prepared
        # query (blog.prepared) can replace, where a LIKE pattern made in Python would not.
        below = Concat(Value(self.path), Value("/"), output_field=models.CharField())
        return Category.objects.filter(Q(path=self.path) | Q(path__startswith=below))


# What only search reads: no page loads these (the vector is long) unless it searches.
SEARCH_ONLY = ["body_text", "search_vector"]
# The columns a summary on a list page reads (PostQuerySet.for_lists), the featured image's
# those its <picture> needs (blog.media.selectors.picture_html).
SUMMARY_FIELDS = [
    "title", "slug", "published_at", "sticky", "format", "excerpt", "body", "featured_image",
    "author__username", "author__first_name", "author__last_name",
    "author__profile__display_name", "featured_media__file", "featured_media__width",
    "featured_media__height", "featured_media__alt_text",
]  # fmt: skip


class PostQuerySet(models.QuerySet):
    def published(self, now=None):
        """Posts any reader may see: published, or scheduled and their time has come (by now,
        the current time unless given)."""
        return self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED],
            published_at__lte=now or timezone.now(),
        )

    def scheduled_after(self, moment):
        """When the next post readers cannot see yet goes live by itself (None: none will)."""
        waiting = self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED], published_at__gt=moment
        )
        return waiting.aggregate(next=models.Min("published_at"))["next"]

    def for_lists(self):
        """What a post's summary on a list page shows (blog_tags.post_summary) and no more:
        its author's name joined, its categories' names and paths as two arrays and its
        featured image's renditions as one JSON list of rows (featured_rendition_rows, None
        when there are none; blog.media draws the picture from them), all in the same row:
        one query."""
        filed = Category.objects.filter(posts=OuterRef("pk")).order_by("path")
        # In no order: the pictures sort them (Image.scaled), and ordering them as the model
        # does (joining the images for their own order) cost a tenth of the list's reading.
        rendition = apps.get_model("media", "Rendition")
        renditions = rendition.objects.filter(image=OuterRef("featured_media")).order_by()
        columns = {field.attname: field.attname for field in rendition._meta.concrete_fields}
        return (
            self.select_related("author__profile", "featured_media")
            .only(*SUMMARY_FIELDS)
            .annotate(
                category_names=ArraySubquery(filed.values("name")),
                category_paths=ArraySubquery(filed.values("path")),
                featured_rendition_rows=Subquery(
                    renditions.values("image").values(rows=JSONBAgg(JSONObject(**columns)))
                ),
            )
        )

    def in_category(self, category):
        """Posts filed in the category or below it (no join: no duplicate rows to remove)."""
        filed = Post.categories.through.objects.filter(
            post=OuterRef("pk"), category__in=category.descendants_and_self()
        )
        return self.filter(Exists(filed))


class PostFormat(models.TextChoices):
    """WordPress's post formats (get_post_format_strings() in wp-includes/post-formats.php);
    a theme styles each through the format-<name> class on the post."""

    STANDARD = "standard", _("Standard")
    ASIDE = "aside", _("Aside")
    CHAT = "chat", _("Chat")
    GALLERY = "gallery", _("Gallery")
    LINK = "link", _("Link")
    IMAGE = "image", _("Image")
    QUOTE = "quote", _("Quote")
    STATUS = "status", _("Status")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")


class TitleMarkup:
    """A title that may hold WordPress's inline markup (<em>, ...): title_html where a page
    shows it, title_text where only text can go (<title>, feeds, mail subjects)."""

    @property
    def title_text(self):
        """The title as plain text (blog.sanitize.title_text)."""
        return title_text(self.title)

    @property
    def title_html(self):
        """The title as safe HTML, its inline markup (<em>, ...) kept as on WordPress."""
        return mark_safe(sanitize_title(self.title))


class Post(TitleMarkup, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PRIVATE = "private", _("Private")

    Format = PostFormat

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
        "media.Image", verbose_name=_("featured image"), null=True, blank=True,
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
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.STANDARD,
        help_text=_("How the theme shows the post, as WordPress’s post formats."),
    )  # fmt: skip
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
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="post_slug_unique"),
            models.CheckConstraint(
                condition=Q(format__in=PostFormat.values),
                name="post_format_known",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_gin"),
            models.Index(fields=["status", "-published_at"], name="post_status_published"),
            models.Index(fields=["-sticky", "-published_at"], name="post_sticky_published"),
        ]

    def __str__(self):
        return self.title_text

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Post, self.title_text, instance_pk=self.pk)
        self.body = sanitize_html(self.body)
        self.body_text = html_text(self.body).translate(_CONTROL_CHARACTERS)
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
        self.queue_announcement()

    def get_absolute_url(self):
        """The post's address, from its date and slug; worked out once per instance (a page
        asks several times) unless either changes."""
        key = (self.slug, self.published_at)
        known = self.__dict__.get("_url")
        if known is None or known[0] != key:
            known = self.__dict__["_url"] = (key, self._url())
        return known[1]

    def _url(self):
        local = timezone.localtime(self.published_at)
        # link(): a remembered reverse(), as a list page asks for the same posts' addresses
        # on every request and reverse() was a tenth of the home page's time.
        return link(
            "blog:post", year=local.year, month=f"{local.month:02d}", day=f"{local.day:02d}",
            slug=self.slug,
        )  # fmt: skip

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

    def queue_announcement(self):
        """Once the save commits, have the worker announce the post at its publish time.

        The task is deferred by name: blog.tasks imports the models (blog.jobs). An import
        queues nothing (blog.history).
        """
        live = self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
        if importing_history() or self.announced_at or not live:
            return
        task = jobs.task("blog.tasks.announce_post", schedule_at=self.published_at)
        pk = self.pk
        transaction.on_commit(lambda: task.defer(post_id=pk))

    def tag_list(self):
        """The post's tags in alphabetical order (from the prefetch cache when there is one)."""
        return sorted(self.tags.all(), key=lambda tag: tag.name.lower())

    def summary(self, words=55):
        """The excerpt, else the body's first words: captions left out, paragraphs apart.

        Lists, feeds, meta descriptions and the followers' mail all show this."""
        return self.excerpt or excerpt_from(self.body, words)


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


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), blank=True, help_text=_("Shown in the box under each post."))
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    website = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    twitter = models.CharField(_("X/Twitter handle"), max_length=100, blank=True)
    links = models.TextField(
        _("other profile links"),
        blank=True,
        validators=[validate_web_url_lines],
        help_text=_("One http:// or https:// address per line."),
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
        """The other profile links that are safe to print (blog.links), in order."""
        return [url for url in map(safe_url, self.links.splitlines()) if url]
