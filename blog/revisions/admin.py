"""Revisions on the post form: each save kept, a page to compare two and restore one, and the
form's autosave (autosave.js posts to it; a newer autosave is offered back on the form)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import ratelimit
from blog.admin import post_admin_extend
from blog.models import Post
from blog.revisions import services as revisions
from blog.revisions.diff import revisions_diff
from blog.revisions.forms import AutosaveForm
from blog.revisions.models import Revision

SHOWN = 50  # revisions listed on the page, newest first
# Autosaves an editor may make in a minute: autosave.js sends one every 5 s of typing at most,
# and one more when the tab is hidden or closed.
AUTOSAVE_LIMIT = 30


class PostRevisionsMixin:
    """For PostAdmin: a revision at every save, the revisions page, the autosave endpoint."""

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
            path("<int:post_id>/autosave/", view(self.autosave_view), name="blog_post_autosave"),
            path("autosave/", view(self.autosave_view), name="blog_post_autosave_new"),
            *super().get_urls(),
        ]  # fmt: skip

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # autosave.js finds its endpoint from the form's address (<id>/change/ → <id>/autosave/)
        if obj is not None and request.method == "GET":
            self._autosave_notice(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _autosave_notice(self, request, post):
        autosave = revisions.autosave_newer(post=post, user=request.user)
        if autosave is None:
            return
        latest = post.revisions.filter(kind=Revision.Kind.REVISION).first()
        restore = reverse("admin:blog_post_revision_restore", args=[post.pk, autosave.pk])
        # Compare: with the latest revision; a draft its first autosave made has none yet,
        # and the restore page compares the autosave with the post as it is.
        compare = restore
        if latest:
            query = urlencode({"a": latest.pk, "b": autosave.pk})
            compare = reverse("admin:blog_post_revisions", args=[post.pk]) + "?" + query
        text = _("There is an autosave of this post that is more recent than the version below.")
        self.message_user(request, format_html(
            '<span class="autosave-server-notice">{} <a href="{}">{}</a> · <a href="{}">{}</a>'
            "</span>", text, restore, _("Restore the autosave"), compare, _("Compare"),
        ), messages.WARNING)  # fmt: skip

    @admin.display(description=_("Revisions"))
    def revisions_link(self, post):
        count = post.revisions.filter(kind=Revision.Kind.REVISION).count()
        url = reverse("admin:blog_post_revisions", args=[post.pk])
        label = ngettext("%d revision", "%d revisions", count) % count
        return format_html('{} · <a href="{}">{}</a>', label, url, _("Compare and restore"))

    def _editable_post(self, request, post_id):
        """The post, when this person may change it: 404 when it does not exist, 403 when
        it is someone else's (an author's queryset holds only their own)."""
        post = get_object_or_404(Post, pk=post_id)
        mine = self.get_queryset(request).filter(pk=post_id).exists()
        if not (mine and self.has_change_permission(request, post)):
            raise PermissionDenied
        return post

    def revisions_view(self, request, post_id):
        post = self._editable_post(request, post_id)
        shown = list(post.revisions.select_related("author__profile")[:SHOWN])
        current = next((r for r in shown if not r.is_autosave), None)
        by_id = {revision.pk: revision for revision in shown}
        older, newer = (by_id.get(_int(request.GET.get(key))) for key in ("a", "b"))
        if older and newer and older.created_at > newer.created_at:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions of “%(title)s”") % {"title": post.title_text},
            "opts": self.model._meta,
            "post": post,
            "revisions": shown,
            "current": current,
            "older": older,
            "newer": newer,
            "fields": revisions_diff(older, newer) if older and newer else [],
        }
        return TemplateResponse(request, "admin/revisions/post_revisions.html", context)

    def revision_restore_view(self, request, post_id, revision_id):
        """GET: what the restore would change, and a button to confirm; POST: the restore."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        post = self._editable_post(request, post_id)
        revision = get_object_or_404(Revision, pk=revision_id, post=post)
        if request.method == "GET":
            return self._restore_confirm(request, post, revision)
        restored = revisions.revision_restore(revision=revision, user=request.user)
        msg = (
            _("The autosave was restored.")
            if revision.is_autosave
            else _("The revision was restored.")
        )
        self.message_user(request, msg, messages.SUCCESS)
        if restored.skipped:
            self.message_user(request, _("Not restored, deleted since: %(what)s.") % {
                "what": ", ".join(restored.skipped)}, messages.WARNING)  # fmt: skip
        return redirect("admin:blog_post_change", post.pk)

    def _restore_confirm(self, request, post, revision):
        current = revisions.revision_current(post=post)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore this revision?"),
            "opts": self.model._meta,
            "post": post,
            "revision": revision,
            "fields": revisions_diff(current, revision),
            "missing": revisions.revision_missing(revision=revision),
        }
        return TemplateResponse(request, "admin/revisions/revision_restore.html", context)

    def autosave_view(self, request, post_id=None):
        """autosave.js's endpoint: the form's title, excerpt and body, as the editor's autosave
        of the post, or, for a post never saved, a new draft. JSON: {"saved_at", "post",
        "change_url", "autosave_url"}; 400 with "errors", 403, 404 or 429 with "error"."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = None if post_id is None else self._editable_post(request, post_id)
        if post is None and not self.has_add_permission(request):
            raise PermissionDenied
        if ratelimit.hit("autosave", str(request.user.pk), limit=AUTOSAVE_LIMIT, window=60):
            return JsonResponse({"error": _("Too many autosaves; wait a minute.")}, status=429)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        if post is None and not form.has_text():
            return JsonResponse({"error": _("Nothing to save yet.")}, status=400)
        if post is None:
            post = revisions.autosave_draft(user=request.user, **form.cleaned_data)
            saved_at = post.updated_at
        else:
            saved_at = revisions.autosave_store(
                post=post, user=request.user, **form.cleaned_data
            ).created_at
        return JsonResponse({
            "saved_at": saved_at.isoformat(),
            "post": post.pk,
            "change_url": reverse("admin:blog_post_change", args=[post.pk]),
            "autosave_url": reverse("admin:blog_post_autosave", args=[post.pk]),
        })  # fmt: skip


def _int(value):
    return int(value) if value and value.isdigit() else None


post_admin_extend(mixin=PostRevisionsMixin)
