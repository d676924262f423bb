import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import mailer_from_url, security_contacts

ROOT = Path(__file__).resolve().parent.parent
SMTP = "django.core.mail.backends.smtp.EmailBackend"
PRODUCTION = {
    "SECRET_KEY": "k3T9-q0vXr2_Lm8ZpA7sWdE4fGhJ1yUiO6tRnBcVx5zQe0wMaS-9LkPjH2gF7dTy",
    "ALLOWED_HOSTS": "blog.example.com",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.com:587",
    "SITE_URL": "https://blog.example.com",
    "SECURITY_CONTACT": "security@example.com",
}
# Variables that would change what the settings module sees, from the shell running the tests.
OURS = [
    *PRODUCTION,
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
]


def manage(*args, **env):
    """Run manage.py in a fresh process with DEBUG off and only the given settings."""
    clean = {key: value for key, value in os.environ.items() if key not in OURS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_with_debug_off_and_nothing_set_fails():
    assert manage("check").returncode != 0


@pytest.mark.parametrize("name", list(PRODUCTION))
def test_start_with_debug_off_names_each_missing_setting(name):
    result = manage("check", **{k: v for k, v in PRODUCTION.items() if k != name})
    assert result.returncode != 0
    assert f"{name} must" in result.stderr
    assert "DEBUG=1" in result.stderr


def test_start_with_debug_off_explains_without_a_traceback():
    result = manage("check")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") <= 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "short"),
        ("SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"),
        ("ALLOWED_HOSTS", "*"),
    ],
)
def test_start_with_debug_off_refuses_an_unsafe_value(name, value):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert f"{name} must" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--tag", "security", "--fail-level", "WARNING",
                    **PRODUCTION)  # fmt: skip
    assert "System check identified" in result.stdout + result.stderr
    reported = {
        line.split(")")[0] + ")" for line in result.stderr.splitlines() if "(security." in line
    }
    # Left to the site's owner: HSTS for every subdomain, and the browsers' preload list.
    assert reported <= {"?: (security.W005)", "?: (security.W021)"}


def test_deploy_settings_default_to_https_only():
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)",
        **PRODUCTION,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False"]


def test_mailer_from_smtp_url_with_port_and_login():
    mailer = mailer_from_url("smtp://user:pass@mail.example.com:2525")
    assert mailer["BACKEND"] == SMTP
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.example.com", 2525)
    assert (options["username"], options["password"]) == ("user", "pass")
    assert not options["use_ssl"] and not options["use_tls"]


def test_mailer_from_smtps_url_uses_ssl_on_port_465():
    options = mailer_from_url("smtps://user:pass@mail.example.com")["OPTIONS"]
    assert options["use_ssl"] and not options["use_tls"]
    assert options["port"] == 465


def test_mailer_from_smtp_tls_url_uses_starttls_on_port_587():
    options = mailer_from_url("smtp+tls://user:pass@mail.example.com")["OPTIONS"]
    assert options["use_tls"] and not options["use_ssl"]
    assert options["port"] == 587


def test_mailer_from_url_decodes_escaped_login():
    options = mailer_from_url("smtp://me%40example.com:p%40ss%2Fw%3Ard@mail.example.com")["OPTIONS"]
    assert (options["username"], options["password"]) == ("me@example.com", "p@ss/w:rd")


def test_mailer_from_url_without_login_sends_anonymously():
    options = mailer_from_url("smtp://127.0.0.1:2525")["OPTIONS"]
    assert (options["username"], options["password"]) == ("", "")


def test_mailer_from_console_url_prints_mail():
    assert mailer_from_url("console:")["BACKEND"] == "blog.mail.ConsoleMailer"


def test_mailer_from_file_url_writes_to_that_folder():
    mailer = mailer_from_url("file:/var/mail/blog")
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"] == {"file_path": "/var/mail/blog"}


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "mail.example.com:25", "sendgrid://key"]
)
def test_mailer_from_unknown_url_is_refused_with_the_choices(url):
    with pytest.raises(ImproperlyConfigured, match="smtp://, smtps://"):
        mailer_from_url(url)


def test_security_contact_email_becomes_a_mailto_uri_and_uris_stay():
    assert security_contacts(" security@example.com, https://example.com/security ,tel:+1-201") == [
        "mailto:security@example.com",
        "https://example.com/security",
        "tel:+1-201",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "http://example.com/security",
        "https:example.com",
        "javascript:alert(1)",
        "nobody",
        "mailto:x y@z",
    ],
)
def test_security_contact_that_is_no_address_is_refused_with_the_choices(value):
    with pytest.raises(ImproperlyConfigured, match="SECURITY_CONTACT must list email"):
        security_contacts(value)


def test_start_with_debug_off_refuses_a_security_contact_on_http():
    result = manage("check", **{**PRODUCTION, "SECURITY_CONTACT": "http://example.com/security"})
    assert result.returncode != 0
    assert "SECURITY_CONTACT must" in result.stderr


def test_embed_frames_for_youtube_admit_only_its_privacy_enhanced_origin():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECURE_CSP['frame-src'])",
        EMBED_FRAMES="youtube", **PRODUCTION,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "['https://www.youtube-nocookie.com']"


def test_embed_frames_for_an_unknown_provider_stop_the_start():
    result = manage("check", EMBED_FRAMES="youtube,vimeo", **PRODUCTION)
    assert result.returncode != 0
    assert "EMBED_FRAMES: unknown provider(s) vimeo; known: youtube" in result.stderr
