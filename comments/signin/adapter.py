"""How a provider's answer becomes a reader account: only with an address the provider vouches
for, never a staff account, never one still waiting for its confirmation link."""

import logging

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.shortcuts import render

from blog import generations

logger = logging.getLogger(__name__)

REFUSALS = {
    "no-email": "{provider} did not give us an email address it has confirmed, so we cannot "
    "make you an account with it. Confirm your address with {provider}, or fill in your "
    "details on the comment form instead.",
    "staff": "This email address belongs to an editor's account, which signs in with its "
    "password only. Log in with your password instead.",
    "inactive": "An account with this email address is waiting for its confirmation: click "
    "the link in the email we sent you, then sign in again.",
}


def refuse(request, reason: str, provider) -> None:
    """Stop the sign-in with a page that says why; nothing has been saved yet."""
    message = REFUSALS[reason].format(provider=provider.name)
    context = {"message": message, "provider": provider}
    raise ImmediateHttpResponse(render(request, "signin/refused.html", context, status=403))


class SignInAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        """The account that already has an address the provider vouches for, if any.

        Such an account is active (its owner used the activation link, or an editor made it),
        so its address is recorded as verified: allauth then keeps its password.
        """
        request = self.request
        for address in sociallogin.email_addresses:
            if not address.verified:
                continue
            users = get_user_model().objects.filter(email__iexact=address.email)
            user = users.order_by("-is_active", "pk").first()
            if user is None:
                continue
            if user.is_staff or user.is_superuser:
                refuse(request, "staff", sociallogin.provider)
            if not user.is_active:
                refuse(request, "inactive", sociallogin.provider)
            EmailAddress.objects.update_or_create(
                user=user, email=address.email.lower(), defaults={"verified": True}
            )
            return user, address.email
        return None

    def pre_social_login(self, request, sociallogin):
        """A first sign-in needs an address the provider has confirmed; a reader made an
        editor later signs in with their password from then on."""
        if sociallogin.is_existing:
            if sociallogin.user.is_staff or sociallogin.user.is_superuser:
                refuse(request, "staff", sociallogin.provider)
            return
        if not any(address.verified for address in sociallogin.email_addresses):
            refuse(request, "no-email", sociallogin.provider)

    def list_apps(self, request, provider=None, client_id=None):
        """One application per provider: the admin's when the environment names one too
        (allauth would show two icons and fail on the second)."""
        apps = generations.kept(
            f"signin-apps:{provider}:{client_id}",
            lambda: super(SignInAdapter, self).list_apps(
                request, provider=provider, client_id=client_id
            ),
        )
        first = {}
        for app in apps:
            first.setdefault(app.provider, app)
        return list(first.values())

    def is_open_for_signup(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.is_staff = user.is_superuser = False  # a reader, whatever the provider says
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None):  # fmt: skip
        logger.warning("Sign-in with %s failed: %s %r", provider.id, error, exception)
