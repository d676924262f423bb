from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    """Readers sign in with Google, Facebook, X or WordPress.com (django-allauth)."""

    name = "comments.signin"
    label = "signin"
    verbose_name = _("Social sign-in")

    def ready(self):
        from allauth.account.signals import user_signed_up
        from allauth.socialaccount.signals import social_account_added

        from blog import pagecache
        from comments.signin import services

        # The provider's picture is copied here by a task, once the account exists.
        user_signed_up.connect(services.on_signed_up, dispatch_uid="signin.avatar")
        social_account_added.connect(services.on_account_added, dispatch_uid="signin.avatar")
        # The buttons' providers, for the CSP's form-action (middleware.py), on cached pages too.
        pagecache.remember_request_attributes("signin_origins")
