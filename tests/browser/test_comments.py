"""A reader comments as a guest, confirms by the emailed link, and a second reader replies.

The mail goes the real way: the live server queues it in Postgres, `manage.py procrastinate
worker` (a subprocess) sends it to an SMTP server on 127.0.0.1, and the test reads it there.
"""

import re

import pytest

from comments.models import Comment, DiscussionSettings
from tests.browser.conftest import screenshot
from tests.comments.factories import make_comment
from tests.comments.mailserver import smtp_server, task_worker, text_of
from tests.factories import make_post, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

CONFIRM_LINK = re.compile(r"https?://\S+/comments/confirm/[^/\s]+/")


@pytest.fixture
def post(settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # Playwright types faster than people
    rules = DiscussionSettings.load()
    rules.approval = DiscussionSettings.Approval.NONE
    rules.save()
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club", author=make_user("desk"))
    make_comment(post, "[…] Washington asked for Iran’s cooperation […]", kind="pingback",
                 user_name="Elsewhere", source_url="https://example.net/kerry/",
                 source_title="Washington asks Tehran for help after all")  # fmt: skip
    return post


@pytest.fixture
def mailbox(live_server):
    with smtp_server() as (smtp, email_url), task_worker(email_url, site_url=live_server.url):
        yield smtp


def fill_and_send(page, *, name, email, text, follow=False):
    form = page.locator("#commentform")
    form.locator("textarea[name=comment]").fill(text)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    if follow:
        form.get_by_label("Notify me of follow-up comments by email.").check()
    form.get_by_role("button", name="Post Comment").click()
    page.get_by_role("heading", name="Check your email").wait_for()


def confirmation_for(mailbox, address, count):
    for message in mailbox.wait_for(count):
        if message["To"] == address and message["Subject"].startswith("Confirm your comment"):
            return CONFIRM_LINK.search(text_of(message)).group(0)
    raise AssertionError(f"no confirmation mail to {address}")


def test_guest_comments_confirms_by_email_and_gets_a_nested_reply(page, post, mailbox):
    page.goto(post.get_absolute_url())
    assert page.locator("#comments h2").inner_text() == (
        "1 comment on “Why Iran Was Not Invited to the Anti ISIS Club”"
    )
    assert page.get_by_role("heading", name="What's on your mind?").is_visible()
    fill_and_send(page, name="Farid Ahmadi", email="farid@example.com", follow=True,
                  text="Excluding Tehran makes sense on paper.\n\nBut the Quds Force is there.")  # fmt: skip
    screenshot(page, "comment-check-email")

    page.goto(confirmation_for(mailbox, "farid@example.com", 1))
    assert "Excluding Tehran makes sense on paper." in page.locator("main").inner_text()
    screenshot(page, "comment-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "comment-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Publish my comment").click()
    first = Comment.objects.get(user_email="farid@example.com")
    assert page.url.endswith(f"#comment-{first.pk}")
    shown = page.locator(f"#comment-{first.pk}")
    assert "But the Quds Force is there." in shown.inner_text()
    assert page.locator("#comments h2").inner_text().startswith("2 comments on")

    shown.get_by_role("link", name="Reply to Farid Ahmadi").click()
    assert page.locator(f"#comment-{first.pk} > #respond").is_visible()
    assert page.locator("#reply-title").inner_text().startswith("Reply to Farid Ahmadi")
    screenshot(page, "comment-reply-form")
    fill_and_send(page, name="Sarah Whitfield", email="sarah@example.com",
                  text="On the ground, yes – but openly? The Gulf partners would walk.")  # fmt: skip

    page.goto(confirmation_for(mailbox, "sarah@example.com", 2))
    page.get_by_role("button", name="Publish my comment").click()
    reply = Comment.objects.get(user_email="sarah@example.com")
    assert reply.parent_id == first.pk
    nested = page.locator(f"#comment-{first.pk} > ol.children > #comment-{reply.pk}")
    assert "The Gulf partners would walk." in nested.inner_text()
    page.locator("#comments").scroll_into_view_if_needed()
    screenshot(page, "comment-thread")

    followup = [m for m in mailbox.wait_for(3) if m["To"] == "farid@example.com"][-1]
    assert "Sarah Whitfield commented" in text_of(followup)


def test_comment_section_fits_a_phone_screen(phone_page, post):
    make_comment(post, "A reader’s view, with a long address https://example.org/" + "a" * 80)
    phone_page.goto(post.get_absolute_url() + "#comments")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "comments-phone")
