from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import selectors, services
from comments.forms import COMMENT_MAX_LENGTH
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


# The row actions under each comment, as WordPress's: the status a button sets, and its label.
ROW_ACTIONS = [
    (Comment.Status.APPROVED, _("Approve")),
    (Comment.Status.PENDING, _("Unapprove")),
    (Comment.Status.SPAM, _("Spam")),
    (Comment.Status.TRASH, _("Trash")),
]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "excerpt", "in_reply_to", "post", "submitted", "status"]
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
        parent = Comment.norel_objects.filter(pk=OuterRef("parent_id")).exclude(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("content_object")
            .annotate(parent_name=Subquery(parent.values("user_name")[:1]))
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/moderate/", view(self.moderate_view), name="comments_comment_moderate"),
            path("<int:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk):
        """One comment's row action (approve, unapprove, spam, trash): POST only, then back."""
        comment = get_object_or_404(Comment, pk=pk)
        status = request.POST.get("status")
        if request.method != "POST" or status not in Comment.Status.values:
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        self._set_status(request, Comment.objects.filter(pk=pk), status)
        return redirect(back_to(request, reverse("admin:comments_comment_changelist")))

    def reply_view(self, request, pk):
        """Answer a comment from the admin: an approved reply by the editor, under it."""
        parent = get_object_or_404(Comment, pk=pk)
        if not self.has_change_permission(request, parent):
            raise PermissionDenied
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.comment_reply_by_staff(
                parent=parent, user=request.user, text=form.cleaned_data["text"]
            )
            self.message_user(request, _("Reply published."), messages.SUCCESS)
            listed = reverse("admin:comments_comment_changelist")
            return redirect(back_to(request, listed, referer=False))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reply to %(name)s") % {"name": parent.user_name},
            "opts": self.model._meta,
            "comment": parent,
            "form": form,
            "next": request.GET.get("next") or request.headers.get("referer", ""),
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

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

    def get_list_display(self, request):
        """Row actions for those who may moderate; the bare text for those who may only look."""
        if self.has_change_permission(request):
            return self.list_display
        return [("text" if name == "excerpt" else name) for name in self.list_display]

    @admin.display(description=_("Comment"))
    def text(self, comment):
        return Truncator(comment.comment).chars(140)

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        context = {
            "comment": comment,
            "text": self.text(comment),
            "actions": [(s, label) for s, label in ROW_ACTIONS if s != comment.status],
        }
        return render_to_string("admin/comments/comment/_row_actions.html", context)

    @admin.display(description=_("Date"), ordering="submit_date")
    def submitted(self, comment):
        local = timezone.localtime(comment.submit_date)
        return format_html("{}<br>{}", date_format(local, "j M Y"), date_format(local, "H:i"))

    @admin.display(description=_("In reply to"))
    def in_reply_to(self, comment):
        if not comment.parent_name:
            return "—"
        url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html('<a href="{}">{}</a>', url, comment.parent_name)

    @admin.display(description=_("Post"))
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


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=COMMENT_MAX_LENGTH,
    )


def back_to(request, default, *, referer=True):
    """Where a row action returns: the page it was pressed on (the list with its filters, or
    the desk), when that is on this site. referer=False for a form of its own, whose referer
    is itself: its "next" field keeps the page it was opened from."""
    target = request.POST.get("next") or request.GET.get("next")
    target = target or (request.headers.get("referer") if referer else None)
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if target and allowed else default


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
