"""The one-row settings tables: the blog's own settings."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blog import widgets
from blog.links import validate_web_url


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
    facebook_url = models.URLField(_("Facebook"), blank=True, validators=[validate_web_url])
    twitter_url = models.URLField(_("X/Twitter"), blank=True, validators=[validate_web_url])
    mastodon_url = models.URLField(_("Mastodon"), blank=True, validators=[validate_web_url])
    flickr_url = models.URLField(_("Flickr"), blank=True, validators=[validate_web_url])
    pinterest_url = models.URLField(_("Pinterest"), blank=True, validators=[validate_web_url])
    instagram_url = models.URLField(_("Instagram"), blank=True, validators=[validate_web_url])
    youtube_url = models.URLField(_("YouTube"), blank=True, validators=[validate_web_url])
    bluesky_url = models.URLField(_("Bluesky"), blank=True, validators=[validate_web_url])
    linkedin_url = models.URLField(_("LinkedIn"), blank=True, validators=[validate_web_url])
    tumblr_url = models.URLField(_("Tumblr"), blank=True, validators=[validate_web_url])
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
