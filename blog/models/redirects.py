"""Old addresses: what an object was called on the WordPress blog it came from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegacyLink(models.Model):
    """What an object was called on the old WordPress blog: its ID there and its old address."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        ATTACHMENT = "attachment", _("Attachment")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
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
