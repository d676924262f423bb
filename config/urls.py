import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from blog.sitemaps import sitemaps
from blog.views import healthz

handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("healthz", healthz, name="healthz"),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]


def serve_media(request, path):
    # MEDIA_ROOT read per request, not when the URLs load: tests give each test its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Uploaded files served by Django itself; behind a proxy or with an object store, turn off.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media)
    ]
