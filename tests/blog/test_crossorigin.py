"""The forms on cached pages (comment, like, follow) take posts from this site's own pages only,
by the browser's Sec-Fetch-Site or Origin header instead of a CSRF token (blog.crossorigin)."""

import pytest
from django.test import Client

from blog.stats.models import Like
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that checks CSRF as a real site does (Django's test client skips it)."""
    return Client(enforce_csrf_checks=True)


def like(client, post, **headers):
    return client.post(f"/likes/{post.pk}/", {"like": "1"}, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},  # a browser from before Sec-Fetch-Site
    ],
)
def test_like_from_this_site_is_taken_without_a_token(browser, headers):
    post = make_post()
    assert like(browser, post, **headers).status_code == 302
    assert Like.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
)
def test_like_from_another_site_is_refused(browser, headers):
    post = make_post()
    response = like(browser, post, **headers)
    assert response.status_code == 403
    assert Like.objects.count() == 0


def test_post_without_browser_headers_needs_the_csrf_token_as_before(browser):
    post = make_post()
    assert like(browser, post).status_code == 403
    assert Like.objects.count() == 0


def test_trusted_origin_of_a_proxy_is_taken(browser, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://blog.example.com"]
    post = make_post()
    response = like(
        browser, post, Origin="https://blog.example.com", **{"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 302


def test_comment_from_another_site_is_refused(browser):
    post = make_post()
    response = browser.post(
        "/comments/post/", {"object_pk": str(post.pk)}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


def test_follow_from_another_site_is_refused(browser):
    response = browser.post(
        "/followers/", {"email": "a@example.com"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403


def test_follow_from_this_site_is_taken(browser):
    response = browser.post(
        "/followers/", {"email": "a@example.com"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302
