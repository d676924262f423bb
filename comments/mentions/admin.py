"""Admin for pingbacks and webmentions: what each post sent, and the mentions received.

The received mentions themselves are comments (kind pingback/webmention) in the moderation
queue, filtered by kind there. Imported by comments.admin.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.admin import post_admin_extend
from comments.mentions import outgoing
from comments.mentions.models import MentionRequest, OutgoingPing

PING_FIELDS = ["target_link", "protocol", "outcome", "code", "detail", "attempts", "attempted_at"]


@admin.display(description=_("linked page"), ordering="target")
def target_link(ping):
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', ping.target, ping.target)


@admin.register(OutgoingPing)
class OutgoingPingAdmin(admin.ModelAdmin):
    list_display = ["post", *PING_FIELDS]
    list_filter = ["outcome", "protocol"]
    list_select_related = ["post"]
    search_fields = ["target", "post__title"]
    readonly_fields = ["post", "target", "endpoint", *PING_FIELDS]
    fields = ["post", "target", "endpoint", *PING_FIELDS[1:]]
    actions = ["resend"]
    target_link = staticmethod(target_link)

    def has_add_permission(self, request):
        return False  # pings are made from the links of published posts

    @admin.action(description=_("Send the selected pings again"), permissions=["change"])
    def resend(self, request, queryset):
        count = outgoing.pings_resend(pings=queryset)
        msg = ngettext("%(n)d ping queued to be sent again.", "%(n)d pings queued.", count)
        self.message_user(request, msg % {"n": count})


class OutgoingPingInline(admin.TabularInline):
    """On the post's page: every page it linked to and what became of the ping."""

    model = OutgoingPing
    verbose_name_plural = _("pingbacks and webmentions sent")
    fields = PING_FIELDS
    readonly_fields = PING_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True  # where "Send the selected pings again" is
    target_link = staticmethod(target_link)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        """Not on a new post's form: it has sent nothing yet, an empty table is only noise.
        (Django also asks without obj for the rows of a change form: those stay.)"""
        adding = (request.resolver_match.url_name or "").endswith("_add")
        return not adding and super().has_view_permission(request, obj)


# blog's PostAdmin knows nothing of pings; the inline joins it from here.
post_admin_extend(inline=OutgoingPingInline)


@admin.register(MentionRequest)
class MentionRequestAdmin(admin.ModelAdmin):
    list_display = [
        "source", "target", "protocol", "status", "fault", "detail", "created_at", "status_page",
    ]  # fmt: skip
    list_filter = ["protocol", "status"]
    search_fields = ["source", "target"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "protocol", "source", "target", "post", "ip_address", "status", "fault", "detail",
        "comment", "created_at", "updated_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("status page"))
    def status_page(self, wm):
        if wm.protocol != wm.Protocol.WEBMENTION:
            return "—"  # a pingback's sender read the outcome in the XML-RPC answer
        url = reverse("mentions:webmention-status", kwargs={"token": wm.token})
        return format_html('<a href="{}">{}</a>', url, _("view"))
