"""Visits and likes. A page view is a ViewEvent, written with the process's other waiting views
in one INSERT (blog.stats.services.views_flush); a periodic task folds the events into the daily
tables (blog.stats.views_fold), so no request waits on another's row lock."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post


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
        db_table = "blog_viewevent"  # kept from before the feature had its own app
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
        db_table = "blog_dailysiteviews"  # kept from before the feature had its own app
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
        db_table = "blog_dailypostviews"  # kept from before the feature had its own app
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
        db_table = "blog_dailyreferrer"  # kept from before the feature had its own app
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
        db_table = "blog_dailyvisitor"  # kept from before the feature had its own app
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
        db_table = "blog_like"  # kept from before the feature had its own app
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
