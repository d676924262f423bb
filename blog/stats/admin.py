from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from blog.stats import selectors as stats_selectors
from blog.stats.models import StatsDashboard


@admin.register(StatsDashboard)
class StatsDashboardAdmin(admin.ModelAdmin):
    """Blog › Stats on the admin index: views, top posts, referrers and the reader activity."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("stats.view_stats")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = request.GET.get("days", "")
        days = int(days) if days in {str(n) for n in stats_selectors.DASHBOARD_PERIODS} else 30
        context = {
            **self.admin_site.each_context(request),
            "title": _("Stats"),
            "opts": self.model._meta,
            **stats_selectors.dashboard(days),
        }
        return TemplateResponse(request, "admin/stats/stats_dashboard.html", context)
