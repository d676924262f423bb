from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from taggit.models import Tag

        from blog import signals

        post_migrate.connect(signals.sync_site_domain, sender=self)
        post_migrate.connect(signals.sync_roles)  # after every app: its permissions exist then
        pre_save.connect(signals.fit_tag_slug, sender=Tag)
