"""Readers' accounts for commenting: sign up confirmed by e-mail, and reset mail by task."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext_lazy as _

from comments import services


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """A link that works once: the hash changes when the account becomes active."""

    key_salt = "comments.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


activation_token = ActivationTokenGenerator()


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email"), help_text=_("We send a link there to confirm your account.")
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email exists already. Log in, or reset its password.")
            )
        return email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its mail sent by the task queue instead of in the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = None
        if html_email_template_name:
            html = render_to_string(html_email_template_name, context)
        services.mail_queue(subject, body, from_email, [to_email], html=html)


def signup_create(*, form: SignupForm, next_url: str = ""):
    """Make the account inactive and mail the link that activates it."""
    user = form.save(commit=False)
    user.is_active = False
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("comments:signup-activate", args=[uid, activation_token.make_token(user)])
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    context = {"user": user, "link": f"{settings.SITE_URL}{path}{query}"}
    body = render_to_string("registration/activation_email.txt", context)
    services.mail_queue(_("Confirm your account"), body, None, [user.email])
    return user


def account_for_activation(*, uidb64: str, token: str):
    """The inactive account a sign-up link names, if the link is right and unused; else None."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model().objects.get(pk=pk, is_active=False)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    return user if activation_token.check_token(user, token) else None


def account_activate(*, uidb64: str, token: str):
    """The account the link activates, now active; None when the link is wrong or used."""
    user = account_for_activation(uidb64=uidb64, token=token)
    if user is not None:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def safe_next(request, url: str | None) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else "/"
