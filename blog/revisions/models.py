from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from blog.sanitize import title_text


class Revision(models.Model):
    """A post as one save (or one autosave) left it, and who saved it.

    What a revision keeps follows WordPress, which keeps the title, the content and the excerpt,
    plus what an editor changes on the post form and expects back on restore, which WordPress
    leaves alone: the categories (as [{"id", "name"}], the names shown once a category is gone),
    the tag names and the featured image ({"id", "title"} or None). Status, visibility, publish
    time, author and slug are not kept: restoring an old wording never unpublishes, reschedules
    or moves a post. Revisions made before the filing was kept have filing_kept False; their
    restore, like an autosave's, leaves categories, tags and image as they are.

    An autosave (kind AUTOSAVE) is the text of a form being written, one per post and editor,
    replaced at each autosave and deleted when that editor saves the post (as WordPress's).
    """

    class Kind(models.TextChoices):
        REVISION = "revision", _("Revision")
        AUTOSAVE = "autosave", _("Autosave")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REVISION)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    excerpt = models.TextField(_("excerpt"), blank=True)
    body = models.TextField(_("body"), blank=True)
    filing_kept = models.BooleanField(_("categories, tags and image kept"), default=False)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    featured_image = models.JSONField(_("featured image"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["post", "-created_at"], name="revision_post_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "author"],
                condition=Q(kind="autosave"),
                name="revision_one_autosave_per_editor",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["revision", "autosave"]), name="revision_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def title_text(self) -> str:
        return title_text(self.title)

    @property
    def is_autosave(self) -> bool:
        return self.kind == self.Kind.AUTOSAVE
