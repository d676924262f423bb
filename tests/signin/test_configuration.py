"""Where providers come from (admin or environment), and the sign-in addresses' answers to
whatever a browser or provider sends."""

import os
import subprocess
import sys

import pytest

from tests.factories import make_post
from tests.signin.conftest import ROOT

pytestmark = pytest.mark.django_db
FROM_ENVIRONMENT = {"x": {"APPS": [{"client_id": "x-from-env", "secret": "s"}]}}


def test_environment_client_id_and_secret_configure_a_provider():
    env = {**os.environ, "DEBUG": "1", "GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": "g-s"}
    env.pop("X_CLIENT_ID", None)
    code = (
        "from django.conf import settings; print(sorted(settings.SOCIALACCOUNT_PROVIDERS.items()))"
    )
    run = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip

    assert "[('google', {'APPS': [{'client_id': 'g-id', 'secret': 'g-s'}]})]" in run.stdout


def test_provider_from_the_environment_shows_its_icon(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = FROM_ENVIRONMENT
    post = make_post()

    response = client.get(post.get_absolute_url())

    assert b"Log in with X" in response.content
    assert "form-action 'self' https://x.com" in response["Content-Security-Policy"]


def test_provider_in_the_admin_and_the_environment_shows_once_and_uses_the_admin_one(
    client, settings, test_provider
):
    settings.SOCIALACCOUNT_PROVIDERS = FROM_ENVIRONMENT
    test_provider.configure("x")
    post = make_post()

    page = client.get(post.get_absolute_url()).content.decode()
    start = client.post("/accounts/x/login/", {"next": "/"})

    assert page.count('class="signin-button signin-x"') == 1
    assert start["Location"].startswith(f"{test_provider.base}/o/authorize/?client_id=x-client&")


def test_opening_the_sign_in_address_asks_before_going_to_the_provider(client, test_provider):
    test_provider.configure("google")

    response = client.get("/accounts/google/login/?next=/about/")

    assert response.status_code == 200
    assert b"Continue to Google" in response.content
    assert f"form-action 'self' {test_provider.base}" in response["Content-Security-Policy"]


def test_unconfigured_provider_address_is_not_found(client):
    assert client.post("/accounts/facebook/login/").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["", "?code=abc", "?state=unknown&code=abc", "?error=server_error&state=x", "?state=&code=",
     "?error=access_denied", "?code=%00&state=%00"],
)  # fmt: skip
def test_callback_with_anything_a_browser_sends_is_never_a_server_error(
    client, test_provider, query
):
    test_provider.configure("wordpress")

    response = client.get(f"/accounts/wordpress/login/callback/{query}", follow=True)

    assert response.status_code < 500


def test_editors_add_a_provider_in_the_admin(admin_client):
    page = admin_client.get("/admin/socialaccount/socialapp/add/").content.decode()

    for value, label in [("google", "Google"), ("facebook", "Facebook"), ("x", "X"),
                         ("wordpress", "WordPress.com")]:  # fmt: skip
        assert f'<option value="{value}">{label}</option>' in page
