"""The image library in the admin: upload one or many, caption them, pick them in the editor."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from blog.media import selectors as media_selectors
from blog.media import services as media
from blog.media.models import Image
from blog.media.post_admin import json_admin_view  # also extends PostAdmin with the image tools
from blog.models import Post

ACCEPT = ",".join(media.MIME_TYPES[f] for f in media.FORMATS)
PICKER_PAGE_SIZE = 24  # thumbnails on one page of the image dialog


class ImageAddForm(forms.ModelForm):
    """One upload, checked by Pillow before anything is stored."""

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "description", "credit", "pinned"]
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            "caption": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Made from the file name when left empty.")
        self.clean_image = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.clean_image = media.image_clean(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("title") and data.get("file"):
            data["title"] = media.title_from_filename(data["file"].name)
        return data


class ImageChangeForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", "alt_text", "caption", "description", "credit", "pinned"]
        widgets = {"caption": forms.Textarea(attrs={"rows": 2})}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ImageUploadForm(forms.Form):
    files = MultipleFileField(label=_("Images"), help_text=_("Choose one or many files."))
    credit = forms.CharField(label=_("Credit for all"), max_length=200, required=False)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail", "title", "alt_text", "caption", "credit", "size", "num_uses", "uploaded_at",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "title"]
    list_editable = ["alt_text", "caption", "credit"]
    list_filter = ["format", "pinned", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    search_fields = ["title", "alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    actions = ["pin", "unpin"]
    readonly_fields = [
        "preview",
        "size",
        "renditions_made",
        "used_in",
        "uploaded_by",
        "uploaded_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageChangeForm if obj else ImageAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        words = ["title", "alt_text", "caption", "description", "credit", "pinned"]
        if obj is None:
            return [(None, {"fields": ["file", *words]})]
        return [
            (None, {"fields": ["preview", *words]}),
            (_("File"), {"fields": ["size", "renditions_made", "uploaded_by", "uploaded_at"]}),
            (_("Where it is used"), {"fields": ["used_in"]}),
        ]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault(
            "widgets",
            {
                "alt_text": forms.TextInput(attrs={"size": 22}),
                "caption": forms.Textarea(attrs={"rows": 2, "cols": 24}),
                "credit": forms.TextInput(attrs={"size": 12}),
            },
        )
        return super().get_changelist_form(request, **kwargs)

    def get_queryset(self, request):
        queryset = media_selectors.with_renditions(super().get_queryset(request))
        return queryset.annotate(use_count=Count("uses"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="media_image_upload"),
            path("picker/", json_admin_view(self.picker_view), name="media_image_picker"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            media.image_store(image=obj, clean=form.clean_image, uploaded_by=request.user)

    def delete_model(self, request, obj):
        media.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for image in queryset:
                media.image_delete(image=image)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for post in media.image_blocking_posts(image):
                url = reverse("admin:blog_post_change", args=[post.pk])
                protected.append(
                    format_html(
                        '{}: <a href="{}">{}</a> ({}) shows “{}”; take the image out of it first',
                        _("Post"),
                        url,
                        post.title_text,
                        post.get_status_display(),
                        image.title,
                    )  # fmt: skip
                )
            for page in media.image_blocking_pages(image):
                url = reverse("admin:blog_page_change", args=[page.pk])
                protected.append(
                    format_html(
                        '{}: <a href="{}">{}</a> ({}) shows “{}”; take the image out of it first',
                        _("Page"),
                        url,
                        page.title_text,
                        page.get_status_display(),
                        image.title,
                    )  # fmt: skip
                )
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("Image"))
    def thumbnail(self, image):
        small = image.rendition_near(160)
        url = small.file.url if small else image.file.url
        return format_html(
            '<img class="admin-thumb" src="{}" alt="" width="80" height="{}" loading="lazy">',
            url, max(1, round(80 * image.height / image.width)),
        )  # fmt: skip

    @admin.display(description=_("Size"))
    def size(self, image):
        return f"{image.width} × {image.height} {image.get_format_display()}"

    @admin.display(description=_("Posts"), ordering="use_count")
    def num_uses(self, image):
        return image.use_count

    @admin.display(description=_("Preview"))
    def preview(self, image):
        shown = image.rendition_near(640) or image.rendition_near(640, fallback=True)
        return format_html(
            '<a href="{}"><img class="admin-preview" src="{}" alt=""></a>',
            image.get_absolute_url(), shown.file.url if shown else image.file.url,
        )  # fmt: skip

    @admin.display(description=_("Renditions"))
    def renditions_made(self, image):
        made = list(image.renditions.all())
        if not made:
            return _("Being made by the task worker… reload in a moment.")
        widths = {}
        for rendition in made:
            if rendition.kind == rendition.Kind.WIDTH:
                widths.setdefault(rendition.get_format_display(), []).append(rendition.width)
        listed = [f"{fmt}: {', '.join(map(str, sorted(w)))}" for fmt, w in widths.items()]
        if image.rendition_og():
            listed.append(str(_("link preview card 1200×630")))
        return "; ".join(listed)

    @admin.display(description=_("Used in"))
    def used_in(self, image):
        posts = Post.objects.filter(image_uses__image=image).distinct().order_by("-published_at")
        if not posts:
            return _("No post shows this image yet.")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:blog_post_change", args=[p.pk]),
                    p.title_text,
                    p.get_status_display(),
                )
                for p in posts
            ),
        )

    @admin.action(description=_("Pin to “Visuals to Share”"))
    def pin(self, request, queryset):
        count = queryset.update(pinned=True)
        self.message_user(request, ngettext("%d image pinned.", "%d images pinned.", count) % count)

    @admin.action(description=_("Unpin from “Visuals to Share”"))
    def unpin(self, request, queryset):
        count = queryset.update(pinned=False)
        msg = ngettext("%d image unpinned.", "%d images unpinned.", count) % count
        self.message_user(request, msg)

    def upload_view(self, request):
        """Upload several images at once; each is checked on its own and refused with a reason."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImageUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            stored, refused = self.store_uploads(request, form)
            if stored:
                msg = ngettext("%d image uploaded.", "%d images uploaded.", len(stored))
                self.message_user(request, msg % len(stored), messages.SUCCESS)
            if not refused:
                ids = ",".join(str(image.pk) for image in stored)
                changelist = reverse("admin:media_image_changelist")
                return redirect(f"{changelist}?id__in={ids}")
            for name, error in refused:
                form.add_error("files", f"{name}: {' '.join(error.messages)}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload images"),
            "opts": self.opts,
            "form": form,
            "limit": media.megabytes(media.MAX_UPLOAD_BYTES),
            "formats": media.format_names(),
        }
        return TemplateResponse(request, "admin/media/image/upload.html", context)

    def store_uploads(self, request, form):
        stored, refused = [], []
        for upload in form.cleaned_data["files"]:
            try:
                image = media.image_create(
                    upload=upload, uploaded_by=request.user, credit=form.cleaned_data["credit"]
                )
            except ValidationError as error:
                refused.append((upload.name, error))
            else:
                stored.append(image)
        return stored, refused

    def picker_view(self, request):
        """The library for the admin's image dialog (image-picker.js), as JSON: a page of the
        images matching q, and where and what this user may upload (null when they may not)."""
        if not self.has_view_permission(request):
            return JsonResponse(
                {"error": gettext("You may not see the image library.")}, status=403
            )
        query = request.GET.get("q", "").strip()[:100]
        images = media_selectors.image_search(query)
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
        upload = {
            "url": reverse("admin:blog_post_image_upload"),
            "max_bytes": media.MAX_UPLOAD_BYTES,
            "limit": media.megabytes(media.MAX_UPLOAD_BYTES),
            "formats": media.format_names(),
        }
        return JsonResponse({
            "images": [media_selectors.image_json(image) for image in page.object_list],
            "query": query,
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "upload": upload if self.has_add_permission(request) else None,
        })  # fmt: skip
