"""The sign-in endpoints: allauth's OAuth 2.0 views, with a rate limit on starting a sign-in
and a clear page, never a 500, whatever a provider answers.

Starting a sign-in is a POST from the provider buttons, which sit under the comment form of
every post page. Those pages are cached for every reader (blog.pagecache), so the buttons carry
no CSRF token (a token is one reader's secret, and a page that shows one is never cached): the
start takes a post from this site's own pages only, by the browser's Sec-Fetch-Site or Origin
header, with Django's token check for a request that sends neither, as the comment form does
(blog.crossorigin.origin_protected). The callback is a GET protected by OAuth's state.
"""

import logging
from functools import wraps

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from django.shortcuts import render
from requests import RequestException

from blog import ratelimit
from blog.crossorigin import origin_protected

logger = logging.getLogger(__name__)

START_LIMIT = (20, 10 * 60)  # sign-ins started per address in the window (seconds)
# What a provider that is down, slow or answers nonsense makes allauth raise.
PROVIDER_FAILURES = (RequestException, OAuth2Error, ProviderException, KeyError, TypeError,
                     ValueError)  # fmt: skip


def guarded(view, provider_class):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404(f"{provider_class.name} is not configured") from None
        except PROVIDER_FAILURES as error:
            logger.warning("Sign-in with %s failed: %r", provider_class.id, error)
            context = {"auth_error": {"provider": provider_class}}
            return render(request, "socialaccount/authentication_error.html", context, status=502)

    return wrapper


def login_view(provider_class):
    adapter = provider_class.oauth2_adapter_class
    view = guarded(OAuth2LoginView.adapter_view(adapter), provider_class)

    @origin_protected  # no CSRF token: the buttons are on pages cached for every reader
    @wraps(view)
    def start(request, *args, **kwargs):
        limit, window = START_LIMIT
        if request.method == "POST" and ratelimit.hit(
            "signin", ratelimit.client_ip(request), limit=limit, window=window
        ):
            return render(request, "registration/rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return start


def callback_view(provider_class):
    return guarded(OAuth2CallbackView.adapter_view(provider_class.oauth2_adapter_class),
                   provider_class)  # fmt: skip
