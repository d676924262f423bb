from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    """Every save of a post kept as a revision; editors compare two and restore one."""

    name = "blog.revisions"
    label = "revisions"
    verbose_name = _("Revisions")

    def ready(self):
        from blog.revisions import receivers
        from blog.signals import post_edited

        post_edited.connect(receivers.revision_on_edit, dispatch_uid="revisions-post-edited")
