from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed
        from django.db.backends.signals import connection_created
        from taggit.models import Tag

        from blog import logins, pagecache, signals

        user_login_failed.connect(logins.login_failed, dispatch_uid="blog-login-failed")

        # Every write readers could see ends the cached pages' generation (blog.pagecache).
        connection_created.connect(pagecache.watch_connection, dispatch_uid="blog-pagecache")
        pagecache.watch_existing_connections()
        pre_migrate.connect(pagecache.migrating, sender=self, dispatch_uid="blog-pagecache")
        post_migrate.connect(pagecache.migrated, sender=self, dispatch_uid="blog-pagecache")

        post_migrate.connect(signals.sync_site_domain, sender=self)
        post_migrate.connect(signals.sync_roles)  # after every app: its permissions exist then
        pre_save.connect(signals.fit_tag_slug, sender=Tag)
