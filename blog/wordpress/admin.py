"""The admin page that imports a WordPress export in the background, with a progress bar."""

from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog import jobs
from blog.wordpress.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["file", "status", "progress_bar", "dry_run", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "progress_bar", "items", "report_html", "created_by",
                       "created_at", "finished_at"]  # fmt: skip
    change_form_template = "admin/wordpress/importrun/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "dry_run"]
        return ["file", "dry_run", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["file", "dry_run", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        task = jobs.task("blog.wordpress.tasks.run_wordpress_import")
        transaction.on_commit(lambda: task.defer(run_id=obj.pk))

    @admin.display(description=_("Progress"))
    def progress_bar(self, run):
        percent = round(run.progress * 100)
        return format_html(
            '<progress max="100" value="{}" aria-label="Import progress">{}%</progress> {}%',
            percent, percent, percent,
        )  # fmt: skip

    @admin.display(description=_("Report"))
    def report_html(self, run):
        return format_html("<pre>{}</pre>", run.report) if run.report else "—"

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        waiting = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        running = obj is not None and obj.status in waiting
        context["refresh_seconds"] = 2 if running else None
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
