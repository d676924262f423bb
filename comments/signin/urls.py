from allauth.socialaccount import views as social_views
from django.urls import path
from django.views.generic import RedirectView, TemplateView

from comments.signin import views
from comments.signin.providers import PROVIDERS

# allauth reverses these names: "<provider>_login" and "<provider>_callback" for each provider,
# and its pages for a cancelled or failed sign-in and an inactive account.
urlpatterns = [
    *(
        pattern
        for provider in PROVIDERS
        for pattern in (
            path(
                f"accounts/{provider.id}/login/",
                views.login_view(provider),
                name=f"{provider.id}_login",
            ),
            path(
                f"accounts/{provider.id}/login/callback/",
                views.callback_view(provider),
                name=f"{provider.id}_callback",
            ),
        )
    ),
    path(
        "accounts/social/cancelled/",
        social_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("accounts/social/error/", social_views.login_error, name="socialaccount_login_error"),
    path("accounts/social/signup/", social_views.signup, name="socialaccount_signup"),
    # allauth's pages link to its own log-in, sign-up and log-out: ours answer at those
    # addresses first (comments.urls), these names only make the links.
    path("accounts/login/", RedirectView.as_view(pattern_name="login"), name="account_login"),
    path(
        "accounts/signup/",
        RedirectView.as_view(pattern_name="comments:signup"),
        name="account_signup",
    ),
    path("accounts/logout/", RedirectView.as_view(pattern_name="logout"), name="account_logout"),
    path(
        "accounts/inactive/",
        TemplateView.as_view(template_name="signin/inactive.html"),
        name="account_inactive",
    ),
]
