from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from blog import signals

        post_migrate.connect(signals.sync_site_domain, sender=self)
        post_migrate.connect(signals.sync_roles)  # after every app: its permissions exist then

        from blog import widgets

        widgets.register("visuals", _("Visuals to Share (images)"), "blog/widgets/_visuals.html")
        widgets.register(
            "follow-blog", _("Follow by email"), "blog/widgets/_follow_blog.html", cached=False
        )

        from blog import followers

        signals.post_published.connect(followers.on_post_published, dispatch_uid="followers")
