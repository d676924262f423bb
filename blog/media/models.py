"""The image library: originals, their renditions, and which posts show them (blog.media does
the work: checks, renditions, what pages show)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from blog.post_html import link


def _width(rendition):
    return rendition.width


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
    description = models.TextField(
        _("description"), blank=True, help_text=_("Longer text, shown on the image’s own page.")
    )
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
        db_table = "blog_image"  # kept from before the feature had its own app
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
        return link("media:image", pk=self.pk)  # reverse(), remembered: a post links each

    def widths(self, renditions=None) -> dict[str, list["Rendition"]]:
        """{format: its renditions scaled to a width, narrowest first}, in one pass over the
        renditions (from the prefetch cache when there is one), or over renditions: anything
        with their kind, format and width (blog.media.selectors.ListedRendition)."""
        by_format = {}
        for rendition in self.renditions.all() if renditions is None else renditions:
            if rendition.kind == "width":
                by_format.setdefault(rendition.format, []).append(rendition)
        for found in by_format.values():
            found.sort(key=_width)
        return by_format

    def scaled(self, fmt):
        """Renditions of one format, narrowest first (from the prefetch cache when there is one)."""
        return self.widths().get(fmt, [])

    @staticmethod
    def fallback_of(widths: dict) -> list["Rendition"]:
        """Of widths(), the widths in a format every browser and mail client shows (not WebP)."""
        formats = set(widths) - {"WEBP"}
        return widths[min(formats)] if formats else []

    def fallback_renditions(self):
        """The widths in a format every browser and mail client shows (not WebP)."""
        return self.fallback_of(self.widths())

    @staticmethod
    def near(found: list["Rendition"], width: int) -> "Rendition | None":
        """Of renditions narrowest first, the narrowest at least width wide (else the widest),
        or None."""
        wide_enough = [r for r in found if r.width >= width]
        return (wide_enough or found[-1:] or [None])[0]

    def rendition_near(self, width, *, fallback=False):
        """The narrowest rendition at least width wide (else the widest), or None."""
        return self.near(self.fallback_renditions() if fallback else self.scaled("WEBP"), width)

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
        db_table = "blog_rendition"  # kept from before the feature had its own app
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
        db_table = "blog_imageuse"  # kept from before the feature had its own app
        ordering = ["post", "position"]
        verbose_name = _("image use")
        verbose_name_plural = _("image uses")
        constraints = [models.UniqueConstraint(fields=["post", "image"], name="image_use_unique")]

    def __str__(self):
        return f"{self.image} in “{self.post}”"
