from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    """Every save of a post kept as a revision; editors compare two and restore one."""

    name = "blog.revisions"
    label = "revisions"
    verbose_name = _("Revisions")
