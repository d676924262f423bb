import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from blog import logins
from blog.admin import sections_view
from blog.sitemaps import sitemaps
from blog.views import healthz, security_txt

# Admin pages of models that moved into apps of their own (issue 12): old bookmarks still work.
MOVED_ADMIN = {
    "blog": {
        "follower": "followers", "delivery": "followers", "image": "media", "rendition": "media",
        "imageuse": "media", "statsdashboard": "stats", "like": "stats", "importrun": "wordpress",
    },
    "comments": {"outgoingping": "mentions", "mentionrequest": "mentions"},
}  # fmt: skip


def moved_admin(request, app, model, rest):
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/{MOVED_ADMIN[app][model]}/{model}/{rest}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(target)


handler400 = "blog.views.bad_request"
handler403 = "blog.views.permission_denied"
handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"

urlpatterns = [
    *(
        re_path(rf"^admin/(?P<app>{app})/(?P<model>{'|'.join(models)})/(?P<rest>.*)$", moved_admin)
        for app, models in MOVED_ADMIN.items()
    ),
    # The admin's log-in takes the same limits as the readers' (blog.logins).
    path("admin/login/", logins.throttled("login")(admin.site.login)),
    path("admin/sections/", admin.site.admin_view(sections_view), name="admin-sections"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    # RFC 9116 section 3: the old top-level address may redirect to the one under .well-known.
    path("security.txt", RedirectView.as_view(pattern_name="security-txt", permanent=True)),
    path("", include("comments.mentions.urls")),
    path("", include("comments.urls")),
    path("", include("comments.signin.urls")),
    path("", include("blog.followers.urls")),
    path("", include("blog.media.urls")),
    path("", include("blog.stats.urls")),
    path("", include("blog.urls")),  # last: its page addresses take any path
]


def serve_media(request, path):
    # MEDIA_ROOT read per request, not when the URLs load: tests give each test its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Uploaded files served by Django itself; behind a proxy or with an object store, turn off.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media)
    ]
