"""A reader signs in with each provider (the test provider on 127.0.0.1 standing in for
Google, Facebook, X and WordPress.com), comments under that name, and signs out."""

import pytest

from comments.models import Comment, DiscussionSettings
from tests.browser.a11y import axe_violations
from tests.browser.conftest import screenshot
from tests.factories import make_post, make_user
from tests.signin.conftest import PROVIDERS, LocalProvider

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]
NAMES = {"google": "Google", "facebook": "Facebook", "x": "X", "wordpress": "WordPress.com"}


@pytest.fixture(scope="module")
def provider(live_server):
    provider = LocalProvider(live_server.url)
    yield provider
    provider.stop()


@pytest.fixture
def post(settings, provider):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # Playwright types faster than people
    rules = DiscussionSettings.load()
    rules.approval = DiscussionSettings.Approval.NONE
    rules.save()
    for name in PROVIDERS:
        provider.configure(name)
    return make_post("Why Iran Was Not Invited to the Anti ISIS Club", author=make_user("desk"))


def sign_in_with(page, post, name):
    page.goto(post.get_absolute_url())
    page.get_by_role("button", name=f"Log in with {NAMES[name]}").click()
    page.get_by_role("link", name="Ada Lovelace").click()  # on the provider's own page
    page.get_by_text(f"using your {NAMES[name]} account").wait_for()


@pytest.mark.parametrize("name", PROVIDERS)
def test_reader_signs_in_with_a_provider_comments_and_signs_out(page, post, name):
    sign_in_with(page, post, name)
    assert page.url.endswith(f"{post.get_absolute_url()}#respond")

    page.locator("#commentform textarea[name=comment]").fill(f"Signed in with {name}.")
    page.get_by_role("button", name="Post Comment").click()
    page.get_by_text(f"Signed in with {name}.").wait_for()
    comment = Comment.objects.get(comment=f"Signed in with {name}.")
    assert comment.user_name == "Ada Lovelace" and comment.user.email == "ada@example.com"

    page.goto(post.get_absolute_url())
    page.locator("#respond").get_by_role("button", name="Log out").click()
    page.get_by_text("click an icon to log in").wait_for()


def test_comment_form_screenshots(page, phone_page, post):
    for shown, suffix in ((page, ""), (phone_page, "-phone")):
        shown.goto(post.get_absolute_url() + "#respond")
        shown.get_by_text("click an icon to log in").wait_for()
        screenshot(shown, f"signin-comment-form{suffix}")
    page.goto("/accounts/login/")
    screenshot(page, "signin-login-page")
    sign_in_with(page, post, "google")
    screenshot(page, "signin-signed-in")


@pytest.mark.parametrize("viewport", [1280, 390])
def test_pages_with_sign_in_icons_pass_axe(page, post, viewport):
    page.set_viewport_size({"width": viewport, "height": 900})
    for path in (post.get_absolute_url(), "/accounts/login/", "/accounts/google/login/"):
        page.goto(path)
        assert axe_violations(page) == {}, path
