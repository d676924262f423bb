from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django_comments_xtd import models as xtd_models
        from django_comments_xtd import signals as xtd_signals
        from django_comments_xtd import utils as xtd_utils
        from django_comments_xtd import views as xtd_views

        from comments import receivers, selectors, services

        # xtd has no setting for how it sends mail; its views call utils.send_mail by name.
        # Ours queues every message in the task queue (retried, never a thread).
        xtd_utils.send_mail = xtd_views.send_mail = services.mail_queue
        # Its confirmation mail's subject is "comment confirmation request"; ours names the post.
        xtd_views.send_email_confirmation_request = services.comment_confirmation_request
        # xtd un-publishes and re-publishes all replies when a comment's is_public changes,
        # which would show spam replies again; our status field decides alone (selectors).
        pre_save.disconnect(xtd_models.publish_or_unpublish_on_pre_save, sender="comments.Comment")
        xtd_signals.confirmation_received.connect(
            receivers.on_confirmation_received, dispatch_uid="comments.confirmation"
        )

        from blog import desk
        from blog.signals import demo_seeded

        desk.register(
            "comments", _("Comments awaiting moderation"), "admin/desk/_comments.html",
            selectors.desk_comments, order=15,
        )  # fmt: skip

        demo_seeded.connect(receivers.on_demo_seeded, dispatch_uid="comments.demo")
