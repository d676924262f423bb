"""The image library on the post form: the featured image as a thumbnail with Choose, Upload
and Remove in place, and an upload view that answers JSON (the form's scripts use it)."""

from functools import wraps

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from blog.admin import post_admin_extend
from blog.media import services as media
from blog.media.models import Image
from blog.media.selectors import image_json


def json_admin_view(view):
    """admin_view for the scripts' JSON views: staff only, CSRF-checked, never cached; but
    someone not signed in as staff gets a 403 with a reason to show, not the login page."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        if not admin.site.has_permission(request):
            error = gettext("You are no longer signed in: sign in again, then try once more.")
            return JsonResponse({"error": error}, status=403)
        return view(request, *args, **kwargs)

    return csrf_protect(never_cache(inner))


class FeaturedImageWidget(forms.Widget):
    """The featured image's id in a hidden input, shown as its thumbnail (featured-image.js)."""

    template_name = "media/forms/featured_image.html"

    class Media:
        js = ["blog/admin/image-picker.js", "blog/admin/featured-image.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        image = None
        if value:
            image = Image.objects.prefetch_related("renditions").filter(pk=value).first()
        context["image"] = image_json(image) if image else None
        context["picker_url"] = reverse("admin:media_image_picker")
        context["upload_url"] = reverse("admin:blog_post_image_upload")
        return context


class PostImagesMixin:
    """For PostAdmin: the featured image widget, and uploads to the library from the form
    (the featured image's Upload, the image dialog's, and images dropped, pasted or added
    into the body)."""

    class Media:
        js = ["blog/admin/image-picker.js", "blog/admin/editor-images.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "featured_media":
            kwargs["widget"] = FeaturedImageWidget
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        upload = json_admin_view(self.image_upload_view)
        return [
            path("image-upload/", upload, name="blog_post_image_upload"),
            *super().get_urls(),
        ]

    def image_upload_view(self, request):
        """One image from the post form into the library: its JSON (201), or the reason it is
        refused (400: no file, not an image, too large, damaged, empty; 403: no permission)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("media.add_image"):
            error = gettext("You may not add images to the library.")
            return JsonResponse({"error": error}, status=403)
        upload = request.FILES.get("file")
        if upload is None:
            return JsonResponse({"error": gettext("Choose an image file.")}, status=400)
        fields = {
            key: request.POST.get(key, "")[: Image._meta.get_field(key).max_length or 5000]
            for key in ("alt_text", "caption")
        }
        try:
            image = media.image_create(upload=upload, uploaded_by=request.user, **fields)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse(image_json(image), status=201)


post_admin_extend(mixin=PostImagesMixin)
