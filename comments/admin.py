from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import selectors, services
from comments.models import Comment, DiscussionSettings

DONE = {
    Comment.Status.APPROVED: ("%(n)d comment approved.", "%(n)d comments approved."),
    Comment.Status.PENDING: ("%(n)d comment held.", "%(n)d comments held."),
    Comment.Status.SPAM: ("%(n)d comment marked as spam.", "%(n)d comments marked as spam."),
    Comment.Status.TRASH: ("%(n)d comment trashed.", "%(n)d comments trashed."),
}


class StatusFilter(admin.SimpleListFilter):
    """WordPress's moderation views: All (but spam and trash), Pending, Approved, Spam, Trash."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        rows = Comment.objects.order_by().values("status").annotate(n=Count("pk"))
        counts = {row["status"]: row["n"] for row in rows}
        return [(s.value, f"{s.label} ({counts.get(s.value, 0)})") for s in Comment.Status]

    def queryset(self, request, queryset):
        if self.value() in Comment.Status.values:
            return queryset.filter(status=self.value())
        return queryset.exclude(status__in=services.REMOVED)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = _("All but spam and trash")
        return choices


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "excerpt", "post", "kind", "status", "submit_date"]
    list_filter = [StatusFilter, "kind", "submit_date"]
    search_fields = ["user_name", "user_email", "user_url", "comment", "ip_address"]
    date_hierarchy = "submit_date"
    ordering = ["-submit_date"]
    actions = ["delete_selected", "approve", "hold", "mark_spam", "trash", "restore"]
    readonly_fields = ["post", "user", "submit_date", "ip_address", "moderation_note"]
    fieldsets = [
        (None, {"fields": ["post", "status", "moderation_note", "comment"]}),
        (_("Author"), {"fields": ["user_name", "user_email", "user_url", "user", "ip_address"]}),
        (_("Details"), {"fields": ["kind", "source_url", "source_title", "followup"]}),
        (_("Date"), {"fields": ["submit_date"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")

    def render_delete_form(self, request, context):
        """The confirmation page says where the comment's replies go before it is deleted."""
        context["replies_moving"] = selectors.replies_moving([context["object"].pk])
        return super().render_delete_form(request, context)

    @admin.action(
        description=admin_actions.delete_selected.short_description, permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Django's "delete selected" action; its confirmation page also lists the replies that
        stay and move up (Comment.delete keeps them, as WordPress does)."""
        response = admin_actions.delete_selected(self, request, queryset)
        if getattr(response, "context_data", None) is not None:
            ids = list(queryset.values_list("pk", flat=True))
            response.context_data["replies_moving"] = selectors.replies_moving(ids)
        return response

    def has_add_permission(self, request):
        return False  # comments come from readers and other blogs

    def save_model(self, request, obj, form, change):
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        services.comments_set_status(comments=Comment.objects.filter(pk=obj.pk), status=new_status)

    @admin.display(description=_("Author"), ordering="user_name")
    def author(self, comment):
        return format_html("{}<br><small>{}</small>", comment.user_name, comment.user_email)

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        return Truncator(comment.comment).chars(140)

    @admin.display(description=_("In response to"))
    def post(self, comment):
        post = comment.content_object
        if post is None:
            return "—"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), post)

    def _set_status(self, request, queryset, status):
        ids = list(queryset.values_list("pk", flat=True))
        hidden = [] if status == Comment.Status.APPROVED else selectors.replies_hidden_with(ids)
        count = services.comments_set_status(comments=queryset, status=status)
        singular, plural = DONE[status]
        self.message_user(request, ngettext(singular, plural, count) % {"n": count})
        if hidden := [reply for reply in hidden if reply.pk not in ids]:
            msg = ngettext(
                "%(n)d reply to them is hidden with them until they are approved again.",
                "%(n)d replies to them are hidden with them until they are approved again.",
                len(hidden),
            )
            self.message_user(request, msg % {"n": len(hidden)}, messages.WARNING)

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Unapprove selected comments (hold)"), permissions=["change"])
    def hold(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.PENDING)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM)

    @admin.action(description=_("Move selected comments to the trash"), permissions=["change"])
    def trash(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.TRASH)

    @admin.action(description=_("Restore selected comments"), permissions=["change"])
    def restore(self, request, queryset):
        count = services.comments_restore(comments=queryset)
        msg = ngettext("%(n)d comment restored.", "%(n)d comments restored.", count)
        self.message_user(request, msg % {"n": count})


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (_("Before a comment appears"), {"fields": ["approval", "notify_moderators"]}),
        (
            _("Moderation"),
            {"fields": ["hold_link_count", "moderation_words", "blocklist"]},
        ),
        (
            _("Other comment settings"),
            {"fields": ["close_after_days", "thread_depth", "order", "threads_per_page"]},
        ),
        (
            _("Pingbacks and webmentions"),
            {"fields": ["send_pings", "self_pings", "mentions_separate"]},
        ),
    ]

    def has_add_permission(self, request):
        return not DiscussionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
