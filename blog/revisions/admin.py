"""Revisions on the post form: each save kept, a page to compare two and restore one."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.admin import post_admin_extend
from blog.revisions import services as revisions
from blog.revisions.models import Revision

SHOWN = 50  # revisions listed on the page, newest first


class PostRevisionsMixin:
    """For PostAdmin: a revision at every save, and the revisions page."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.revision_record(post=form.instance, user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "revisions_link"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "revisions_link"]})
            if "published_at" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:post_id>/revisions/", view(self.revisions_view),
                 name="blog_post_revisions"),
            path("<int:post_id>/revisions/<int:revision_id>/restore/",
                 view(self.revision_restore_view), name="blog_post_revision_restore"),
            *super().get_urls(),
        ]  # fmt: skip

    @admin.display(description=_("Revisions"))
    def revisions_link(self, post):
        count = post.revisions.count()
        url = reverse("admin:blog_post_revisions", args=[post.pk])
        label = ngettext("%d revision", "%d revisions", count) % count
        return format_html('{} · <a href="{}">{}</a>', label, url, _("Compare and restore"))

    def _editable_post(self, request, post_id):
        post = get_object_or_404(self.get_queryset(request), pk=post_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    def revisions_view(self, request, post_id):
        post = self._editable_post(request, post_id)
        shown = list(post.revisions.select_related("author__profile")[:SHOWN])
        by_id = {revision.pk: revision for revision in shown}
        older, newer = (by_id.get(_int(request.GET.get(key))) for key in ("a", "b"))
        if older and newer and older.created_at > newer.created_at:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions of “%(title)s”") % {"title": post.title},
            "opts": self.model._meta,
            "post": post,
            "revisions": shown,
            "older": older,
            "newer": newer,
            "diff": revisions.revisions_diff(older, newer) if older and newer else "",
        }
        return TemplateResponse(request, "admin/revisions/post_revisions.html", context)

    def revision_restore_view(self, request, post_id, revision_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._editable_post(request, post_id)
        revision = get_object_or_404(Revision, pk=revision_id, post=post)
        revisions.revision_restore(revision=revision, user=request.user)
        self.message_user(request, _("The revision was restored."), messages.SUCCESS)
        return redirect("admin:blog_post_change", post.pk)


def _int(value):
    return int(value) if value and value.isdigit() else None


post_admin_extend(mixin=PostRevisionsMixin)
