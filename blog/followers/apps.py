from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowersConfig(AppConfig):
    """Email followers: double opt-in, every new post by mail, the CSV import and export."""

    name = "blog.followers"
    label = "followers"
    verbose_name = _("Followers")

    def ready(self):
        from blog import desk, pagecache, widgets
        from blog.followers import deliveries, selectors, services
        from blog.signals import post_published

        widgets.register(
            "follow-blog",
            _("Follow by email"),
            "followers/_widget.html",
            cached=False,
            cached_for_anonymous=True,  # a signed-in reader's shows whether they follow
            context=("follower_count", services.active_count),
        )
        pagecache.ignore_tables("blog_delivery")  # the mailing's ledger: no page shows it
        post_published.connect(deliveries.on_post_published, dispatch_uid="followers")
        desk.register(
            "followers", _("Followers"), "admin/followers/_desk.html", selectors.desk_followers,
            order=40,
        )  # fmt: skip
