"""Cross-site request forgery protection for the forms on cached public pages.

A page served from the page cache (blog.pagecache) is the same for every reader, so it cannot
carry one reader's CSRF token. The forms on it (comment, like, follow, the sign-in buttons of
comments.signin) are protected the way Go's net/http CrossOriginProtection and the
django-modern-csrf package do it instead: a browser says where a request comes from
(Sec-Fetch-Site in every current browser, Origin in all since 2020 for a POST), and only
requests from this site's own pages are let through. A request that
carries neither header did not come from a current browser; for it, Django's token check runs
as before, so nothing is weaker than with the token alone.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def same_origin(request) -> bool | None:
    """True when the browser says the request comes from this site, False when from another,
    None when it says nothing (no Sec-Fetch-Site, no Origin)."""
    origin = request.headers.get("Origin")
    if origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS:
        return True  # a proxy on another origin in front of the blog
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in {"same-origin", "none"}  # "none": typed or bookmarked by the user
    if origin is None:
        return None
    parts = urlsplit(origin)
    return parts.scheme == request.scheme and parts.netloc == request.get_host()


def origin_protected(view):
    """Refuse a form post from another site, by the browser's word instead of a token."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            verdict = same_origin(request)
            if verdict is None:
                refusal = CsrfViewMiddleware(view).process_view(request, view, args, kwargs)
                if refusal is not None:
                    return refusal
            elif not verdict:
                return import_string(settings.CSRF_FAILURE_VIEW)(request, "cross-origin")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
