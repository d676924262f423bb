"""Post pages with sign-in buttons are cached for anonymous readers: the buttons carry no CSRF
token, and starting a sign-in takes a post from this site's own pages only (blog.crossorigin,
comments.signin.views)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.models import SiteSettings
from comments.models import DiscussionSettings
from tests.factories import make_post

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}


@pytest.fixture
def browser():
    """A reader's browser: checks CSRF as a real site does (Django's test client skips it)."""
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)


@pytest.fixture(autouse=True)
def _site_settings(db):
    """Made on first use, which would end the first page's generation (a write pages show)."""
    SiteSettings.load()
    DiscussionSettings.load()


def start(browser, provider, **headers):
    data = {"next": "/", "process": "login"}
    return browser.post(f"/accounts/{provider}/login/", data, headers=headers)


def test_second_anonymous_reader_of_a_post_gets_it_from_the_cache(configured):
    post = make_post()
    first = Client(HTTP_USER_AGENT=BROWSER).get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        second = Client(HTTP_USER_AGENT=BROWSER).get(post.get_absolute_url())
    assert b'class="signin-button signin-google"' in first.content
    rendering = [q for q in queries if "blog_viewevent" not in q["sql"]]  # not the view count
    assert rendering == []  # nothing rendered: the page came from the cache
    assert second.content == first.content
    assert second["Cache-Control"].startswith("public")
    assert "csrftoken" not in second.cookies


def test_cached_post_page_still_lets_its_buttons_go_on_to_the_providers(configured):
    post = make_post()
    Client(HTTP_USER_AGENT=BROWSER).get(post.get_absolute_url())
    cached = Client(HTTP_USER_AGENT=BROWSER).get(post.get_absolute_url())
    assert f"form-action 'self' {configured.base}" in cached["Content-Security-Policy"]


def test_post_page_drawn_for_each_reader_lets_its_buttons_go_on_to_the_providers(configured):
    post = make_post()
    reader = Client(HTTP_USER_AGENT=BROWSER)
    reader.cookies["reader"] = "1"  # a cookie: the page is drawn for this reader, not cached
    pages = [reader.get(post.get_absolute_url()) for _ in range(3)]  # the form made once
    for page in pages:
        assert b'class="signin-button signin-google"' in page.content
        assert f"form-action 'self' {configured.base}" in page["Content-Security-Policy"]


def test_sign_in_from_a_cached_post_page_goes_to_the_provider(browser, configured):
    post = make_post()
    Client(HTTP_USER_AGENT=BROWSER).get(post.get_absolute_url())
    page = browser.get(post.get_absolute_url()).content.decode()
    action = re.search(r'<form method="post" action="(/accounts/x/login/[^"]*)"', page).group(1)
    response = browser.post(action, {"next": "/", "process": "login"}, headers=SAME_ORIGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{configured.base}/o/authorize/?client_id=x-client&")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Origin": "https://evil.example"},  # a browser from before Sec-Fetch-Site
    ],
)
def test_sign_in_started_from_another_site_is_refused(browser, configured, headers):
    response = start(browser, "x", **headers)
    assert response.status_code == 403
    assert "Location" not in response


def test_sign_in_start_without_browser_headers_needs_the_token_as_before(browser, configured):
    assert start(browser, "x").status_code == 403
    browser.get("/accounts/x/login/")  # allauth's "continue to X" page: its form has the token
    token = browser.cookies["csrftoken"].value
    response = browser.post("/accounts/x/login/", {"csrfmiddlewaretoken": token, "next": "/"})
    assert response.status_code == 302
