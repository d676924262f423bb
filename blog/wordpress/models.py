"""WordPress imports started from the admin and run by the worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """A WordPress import started from the admin and run by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was imported")

    file = models.FileField(_("WXR export"), upload_to="imports/%Y/%m/")
    dry_run = models.BooleanField(_("dry run"), default=False, help_text=_("Report only."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    items = models.PositiveIntegerField(_("items read"), default=0)
    report = models.TextField(_("report"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        db_table = "blog_importrun"  # kept from before the feature had its own app
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1), name="import_run_progress_range"
            )
        ]

    def __str__(self):
        return f"{self.file.name} ({self.get_status_display()})"
