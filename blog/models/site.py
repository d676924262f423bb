"""The one-row settings tables: the blog's own settings."""

import re
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blog import generations, widgets
from blog.links import safe_url, validate_link_url


class SingletonModel(models.Model):
    """A table of one row (pk=1, kept by a CheckConstraint in each subclass): settings."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The row (made with its defaults the first time). While a reader's page is rendered
        it is read once per page-cache generation in each process (blog.generations.kept): the
        instance is then shared, so callers must not change it; forms read their own."""
        return generations.kept(f"singleton:{cls._meta.label}", cls._load)

    @classmethod
    def _load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SiteSettings(SingletonModel):
    """The one row of settings an editor changes in the admin."""

    title = models.CharField(_("site title"), max_length=200, default="Newsroom")
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    about = models.TextField(_("about text"), blank=True)
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=10)
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


_X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
_X_RESERVED = {"home", "intent", "i", "search", "explore", "share", "hashtag", "settings"}
_FEDI_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


class SocialProfile(models.Model):
    """One of the blog's profiles elsewhere, shown in the "Follow us" widget in the editor's
    order (position, then the order they were added)."""

    class Kind(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        MASTODON = "mastodon", "Mastodon"
        BLUESKY = "bluesky", "Bluesky"
        FLICKR = "flickr", "Flickr"
        PINTEREST = "pinterest", "Pinterest"
        INSTAGRAM = "instagram", "Instagram"
        YOUTUBE = "youtube", "YouTube"
        LINKEDIN = "linkedin", "LinkedIn"
        TUMBLR = "tumblr", "Tumblr"
        RSS = "rss", _("RSS feed")
        EMAIL = "email", _("Email")

    site = models.ForeignKey(
        SiteSettings, on_delete=models.CASCADE, related_name="social_profiles", default=1
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    url = models.CharField(
        _("address"), max_length=500, blank=True, validators=[validate_link_url],
        help_text=_(
            "The profile's address (https://…); for Email, mailto:… or the address itself; for "
            "an RSS feed, empty means this blog's own feed."
        ),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    follow_box = models.BooleanField(
        _("in the Follow box"), default=False,
        help_text=_("X and Mastodon: also show the account, with a follow link, in its own box."),
    )  # fmt: skip
    name = models.CharField(
        _("name"), max_length=100, blank=True,
        help_text=_("The account's name in the Follow box; empty: the site's title."),
    )  # fmt: skip

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("social profile")
        verbose_name_plural = _("social profiles (“Follow us” widget, in this order)")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="rss") | ~Q(url=""), name="social_profile_has_an_address"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.url or reverse('blog:feed')}"

    def clean(self):
        """Email takes a mailto: link, every other kind an http(s) one (the admin's form turns
        a bare email address into mailto:); only the RSS feed may be left empty."""
        mail = self.url.lower().startswith("mailto:")
        if self.url and mail != (self.kind == self.Kind.EMAIL):
            message = _("Email takes mailto:… or an address; the others https://… links.")
            raise ValidationError({"url": message})
        if not self.url and self.kind != self.Kind.RSS:
            raise ValidationError({"url": _("Enter the profile's address.")})

    @property
    def handle(self) -> str:
        """The account as people write it, read from its address: "@newsroom" on X,
        "@newsroom@mastodon.social" on Mastodon; "" when the address names no account."""
        parts = urlsplit(self.link)
        path = [part for part in parts.path.split("/") if part]
        if self.kind == self.Kind.X and path and _X_USER.fullmatch(path[0]):
            return "" if path[0].lower() in _X_RESERVED else f"@{path[0]}"
        if self.kind == self.Kind.MASTODON and parts.hostname:
            user = path[0][1:] if path and path[0].startswith("@") else None
            user = path[1] if path[:1] == ["users"] and len(path) > 1 else user
            return f"@{user}@{parts.hostname}" if user and _FEDI_USER.fullmatch(user) else ""
        return ""

    @property
    def follow_url(self) -> str:
        """Where a reader follows the account: X's follow page, or the Mastodon profile (the
        reader's own server asks them to confirm)."""
        if self.kind == self.Kind.X and self.handle:
            return f"https://x.com/intent/follow?screen_name={quote(self.handle[1:])}"
        return self.link

    @property
    def link(self) -> str:
        """The address to print, checked again (blog.links); "" when it is not a safe one."""
        if self.kind == self.Kind.RSS and not self.url:
            return reverse("blog:feed")
        return safe_url(self.url, mailto=self.kind == self.Kind.EMAIL)
