from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    """The image library: checked uploads, responsive renditions, the editor's image picker."""

    name = "blog.media"
    label = "media"
    verbose_name = _("Images")

    def ready(self):
        from blog import signals, widgets
        from blog.media import selectors, services

        widgets.register("visuals", _("Visuals to Share (images)"), "media/_widget.html")
        post_save.connect(services.on_post_saved, sender="blog.Post", dispatch_uid="media")
        signals.feed_item_enclosures.connect(selectors.on_feed_item, dispatch_uid="media")
        signals.post_email_image.connect(selectors.on_post_email, dispatch_uid="media")
        signals.summary_picture.connect(selectors.on_summary_picture, dispatch_uid="media")
