"""Followers in the admin: the list with counts, CSV import and export, and on each post's page
a test email, the progress of its emails to followers, why some failed, and sending again."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import jobs
from blog.admin import post_admin_extend
from blog.followers import csvfile, deliveries
from blog.followers import services as followers
from blog.followers.models import Follower

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A column named “email”, or one address per line. Up to 20 MB."),
    )
    must_confirm = forms.BooleanField(
        label=_("Imported addresses must confirm by email first"),
        required=False,
        initial=True,
        help_text=_(
            "Untick only for people who asked for the posts already, such as the followers "
            "exported from WordPress.com: they start getting new posts at once."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV in UTF-8 and try again.")) from None


def csv_response(queryset, name):
    response = StreamingHttpResponse(csvfile.followers_csv(queryset), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "subscribed_at", "confirmed_at", "bounces", "source"]
    list_filter = ["status", "source"]
    search_fields = ["email"]
    date_hierarchy = "subscribed_at"
    raw_id_fields = ["user"]
    fields = ["email", "status", "source", "user", "subscribed_at", "confirmed_at", "left_at",
              "bounces"]  # fmt: skip
    readonly_fields = ["subscribed_at", "confirmed_at", "left_at", "bounces"]
    actions = ["resend_confirmation", "export_selected"]
    change_list_template = "admin/followers/follower/change_list.html"

    def get_changeform_initial_data(self, request):
        return {"source": Follower.Source.ADMIN, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if obj.status == Follower.Status.ACTIVE and obj.confirmed_at is None:
            obj.confirmed_at = timezone.now()
        super().save_model(request, obj, form, change)
        if not change and obj.status == Follower.Status.PENDING:
            followers.follower_resend_confirmation(followers=Follower.objects.filter(pk=obj.pk))

    def changelist_view(self, request, extra_context=None):
        context = {"status_counts": self.status_counts(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def status_counts(self):
        counts = followers.counts_by_status()
        return [
            {"label": label, "count": counts[value], "status": value}
            for value, label in Follower.Status.choices
        ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="followers_follower_import"),
            path("export/", view(self.export_view), name="followers_follower_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = csvfile.followers_import(
                addresses=csvfile.addresses_from_csv(form.cleaned_data["file"]),
                must_confirm=form.cleaned_data["must_confirm"],
            )
            self.report_import(request, result, form.cleaned_data["must_confirm"])
            return redirect("admin:followers_follower_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import followers"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/followers/follower/import.html", context)

    def report_import(self, request, result, must_confirm):
        added = len(result.added)
        text = ngettext("%d address added", "%d addresses added", added) % added
        if must_confirm and added:
            text += str(_(", each sent a link to confirm"))
        text += str(_("; %(n)d followed already.")) % {"n": result.existing}
        self.message_user(request, text, messages.SUCCESS)
        if result.invalid:
            shown = ", ".join(result.invalid[:10]) + (" …" if len(result.invalid) > 10 else "")
            n = len(result.invalid)
            msg = ngettext(
                "%(n)d line is not an address mail can go to (malformed, or over 254 "
                "characters): %(shown)s",
                "%(n)d lines are not addresses mail can go to (malformed, or over 254 "
                "characters): %(shown)s",
                n,
            )
            self.message_user(request, msg % {"n": n, "shown": shown}, messages.WARNING)

    def export_view(self, request):
        """All followers the list shows with its current filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        return csv_response(queryset, "followers")

    @admin.action(description=_("Send the confirmation email again"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        count = followers.follower_resend_confirmation(followers=queryset)
        msg = ngettext(
            "Confirmation sent again to %d address (only those waiting get one).",
            "Confirmation sent again to %d addresses (only those waiting get one).",
            count,
        )
        self.message_user(request, msg % count, messages.SUCCESS)

    @admin.action(description=_("Export selected followers as CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return csv_response(queryset, "followers")


class PostFollowersMixin:
    """For PostAdmin: the post's emails to followers (progress) and a test email to oneself."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "follower_emails"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Emails to followers"), {"fields": ["follower_emails"]})]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:post_id>/followers/progress/", view(self.follower_progress_view),
                 name="blog_post_follower_progress"),
            path("<int:post_id>/followers/send-test/", view(self.follower_test_view),
                 name="blog_post_follower_test"),
            path("<int:post_id>/followers/resend/", view(self.follower_resend_view),
                 name="blog_post_follower_resend"),
            *super().get_urls(),
        ]  # fmt: skip

    @admin.display(description=_("Progress"))
    def follower_emails(self, post):
        context = {
            "post": post,
            "progress": deliveries.delivery_progress(post),
            "errors": deliveries.delivery_errors(post),
            "progress_url": reverse("admin:blog_post_follower_progress", args=[post.pk]),
            "test_url": reverse("admin:blog_post_follower_test", args=[post.pk]),
            "resend_url": reverse("admin:blog_post_follower_resend", args=[post.pk]),
        }
        return render_to_string("admin/followers/_follower_emails.html", context)

    def _post(self, request, post_id):
        post = get_object_or_404(self.get_queryset(request), pk=post_id)
        if not self.has_view_permission(request, post):
            raise PermissionDenied
        return post

    def follower_progress_view(self, request, post_id):
        return JsonResponse(deliveries.delivery_progress(self._post(request, post_id)))

    def follower_test_view(self, request, post_id):
        """The change form's "send me a test email" button posts the whole form here."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post(request, post_id)
        back = reverse("admin:blog_post_change", args=[post.pk])
        address = request.user.email
        if not address:
            self.message_user(request, _("Add an email address to your account first."), "error")
            return redirect(back)
        task = jobs.task("blog.followers.tasks.send_post_test_email")
        transaction.on_commit(lambda: task.defer(post_id=post.pk, email=address))
        msg = _("A test email of the saved post is on its way to %(email)s.") % {"email": address}
        self.message_user(request, msg, messages.SUCCESS)
        return redirect(back)

    def follower_resend_view(self, request, post_id):
        """The panel's "send again" button: the post goes to the followers it has not reached."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post(request, post_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        count = deliveries.deliveries_resend(post_id=post.pk)
        msg = ngettext(
            "The saved post is on its way again to %(n)d follower it had not reached.",
            "The saved post is on its way again to %(n)d followers it had not reached.",
            count,
        )
        self.message_user(request, msg % {"n": count}, messages.SUCCESS)
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))


post_admin_extend(mixin=PostFollowersMixin)
