import subprocess
import sys
from pathlib import Path

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS = ["google", "facebook", "x", "wordpress"]
PROFILE_PATHS = {"facebook": "/facebook/me", "x": "/x/2/users/me",
                 "wordpress": "/wordpress/rest/v1.1/me"}  # fmt: skip


class LocalProvider:
    """The provider process (tests/signin/provider_site) on 127.0.0.1."""

    def __init__(self, *blog_addresses):
        command = [sys.executable, "-m", "tests.signin.provider_site", *blog_addresses]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("READY "), f"the test provider did not start: {line!r}"
        self.base = line.split()[1]

    def endpoints(self, provider: str) -> dict:
        """The Social application settings that point a provider here (providers.py)."""
        if provider == "google":
            return {"server_url": f"{self.base}/o"}
        return {
            "authorize_url": f"{self.base}/o/authorize/",
            "access_token_url": f"{self.base}/o/token/",
            "profile_url": self.base + PROFILE_PATHS[provider],
        }

    def configure(self, provider: str, **settings) -> SocialApp:
        """The Social application an editor would add in the admin, pointed at this provider."""
        app = SocialApp.objects.create(
            provider=provider,
            name=provider,
            client_id=f"{provider}-client",
            secret=f"{provider}-secret",
            settings={**self.endpoints(provider), **settings},
        )
        app.sites.add(Site.objects.get_current())
        return app

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def test_provider():
    provider = LocalProvider("http://testserver")
    yield provider
    provider.stop()


@pytest.fixture
def configured(db, test_provider):
    """All four providers configured and pointed at the test provider."""
    for provider in PROVIDERS:
        test_provider.configure(provider)
    return test_provider


def sign_in(client, provider_base, provider, person="ada", next_url="/"):
    """Click the provider's icon, be `person` at the provider, come back: the last answer."""
    start = client.post(f"/accounts/{provider}/login/", {"next": next_url, "process": "login"})
    assert start.status_code == 302, start.content[:500]
    browser = requests.Session()
    browser.get(f"{provider_base}/login-as/{person}/", timeout=5)
    answer = browser.get(start["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:500]
    return client.get(answer.headers["Location"].removeprefix("http://testserver"))
