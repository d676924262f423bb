"""Settings of the test provider: its own SQLite file, an RSA key made at start, no CSP."""

import os

SECRET_KEY = "test-provider-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.signin.provider_site.urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.signin.provider_site",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"
# The blog runs on another port of 127.0.0.1: its session cookie must not be replaced by ours.
SESSION_COOKIE_NAME = "providersession"
CSRF_COOKIE_NAME = "providercsrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["PROVIDER_RSA_KEY"],
    "PKCE_REQUIRED": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "OAUTH2_VALIDATOR_CLASS": "tests.signin.provider_site.views.Validator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Profile",
        "email": "Email",
        # Facebook joins scopes by commas, in no fixed order (allauth keeps them in a set).
        "email,public_profile": "Facebook's email and profile",
        "public_profile,email": "Facebook's profile and email",
        "public_profile": "Facebook profile",
        "users.read": "X users",
        "tweet.read": "X posts",
        "users.email": "X email",
        "auth": "WordPress.com profile",
    },
}
