"""Email followers and the ledger of post mailings sent to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post


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
        db_table = "blog_follower"  # kept from before the feature had its own app
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
        db_table = "blog_delivery"  # kept from before the feature had its own app
        ordering = ["post", "follower"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["post", "follower"], name="delivery_once_per_follower")
        ]
        indexes = [models.Index(fields=["post", "status"], name="delivery_post_status")]

    def __str__(self):
        return f"{self.post_id} → {self.follower_id}: {self.status}"
