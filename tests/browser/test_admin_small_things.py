"""Issue 17's other flows as a new editor meets them, at 1280 and 390 px: replying to a comment
from the admin, people's display names, the favicon, and the automatic excerpt."""

import pytest

from blog.models import AuthorProfile
from comments.models import Comment
from tests.browser.conftest import login, screenshot
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
VIEWPORTS = ["page", "phone_page"]
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def editor_named(name):
    editor = make_user("editor", group="Editor")
    AuthorProfile.objects.filter(user=editor).update(display_name=name)
    return editor


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_editor_replies_to_a_held_comment_from_the_comment_list(request, viewport):
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    editor_named("Maryam Hosseini")
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    make_comment(post, "Is there an official transcript anywhere? The quotes differ.",
                 user_name="Daniel K.", status=Comment.Status.PENDING)  # fmt: skip
    login(page, "editor")
    page.goto("/admin/comments/comment/")
    reply = page.locator("#result_list tbody tr").first.get_by_role("link", name="Reply")
    if width < 500:
        assert reply.bounding_box()["height"] >= 20  # a target a thumb can hit in the card
    reply.click()
    page.locator("textarea").wait_for()
    assert (
        "Is there an official transcript anywhere?" in page.locator(".replied-comment").inner_text()
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"admin-comment-reply-{width}")
    page.fill("textarea", "Yes: the State Department published it on Monday.")
    page.click("text=Publish reply")
    page.wait_for_selector("text=Reply published.")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"admin-comment-replied-{width}")

    held, answer = Comment.objects.order_by("pk")
    assert held.status == Comment.Status.APPROVED  # replying approves it, as on WordPress
    assert (answer.user_name, answer.parent_id, answer.status) == ("Maryam Hosseini", held.pk,
                                                                   Comment.Status.APPROVED)  # fmt: skip
    page.goto(post.get_absolute_url())
    thread = page.locator("#comments").inner_text()
    assert "Maryam Hosseini" in thread and "Yes: the State Department" in thread
    assert "editor" not in thread.lower().split()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_byline_and_admin_use_the_blog_name_display_name_and_favicon(request, viewport):
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    editor = editor_named("Maryam Hosseini")
    post = make_post("Talks resume in Vienna", author=editor)
    login(page, "editor")
    assert page.locator("#site-name").inner_text() == "Newsroom"
    assert "Django" not in page.title()
    assert "maryam hosseini" in page.locator("#user-tools").inner_text().lower()
    for where in ("/admin/", post.get_absolute_url()):
        page.goto(where)
        icon = page.locator("link[rel=icon]").first.get_attribute("href")
        answer = page.request.get(icon)
        assert answer.ok and answer.headers["content-type"].startswith("image/"), where
    assert page.locator(".post-header a[rel=author]").inner_text() == "Maryam Hosseini"
    assert "You are commenting as Maryam Hosseini." in page.locator(".logged-in-as").inner_text()
    screenshot(page, f"post-byline-{width}")


BODY = (
    "<p>The water rose overnight along the rivers.</p>"
    '<figure><img src="/static/favicon.svg" alt="A flooded street">'
    "<figcaption>Ahvaz on Tuesday morning</figcaption></figure>"
    "<p>The talks in Vienna were put off.</p>"
)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_automatic_excerpt_keeps_paragraphs_apart_and_leaves_captions_out(request, viewport):
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    post = make_post("Floods along the rivers", body=BODY)
    page.goto("/")
    summary = page.locator(".summary", has_text="Floods along the rivers").locator("p:not([class])")
    summary = summary.first
    words = "The water rose overnight along the rivers. The talks in Vienna were put off."
    assert summary.inner_text() == words
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"home-excerpt-{width}")
    page.goto(post.get_absolute_url())
    description = page.locator("meta[name=description]").get_attribute("content")
    assert description.startswith("The water rose overnight along the rivers. The talks")
    assert "Ahvaz" not in description
    feed = page.request.get("/feed/").text()
    assert "rivers. The talks" in feed and "rivers.The talks" not in feed


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_all_sections_put_the_plumbing_under_system_for_superusers_only(request, viewport):
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    make_user("root", is_staff=True, is_superuser=True)
    login(page, "root")
    page.click("text=All sections")
    system = page.locator("h2", has_text="System")
    assert system.is_visible()
    after = page.locator("h2.sections-system ~ div a", has_text="Groups")
    assert after.first.is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"admin-sections-superuser-{width}")
    page.context.clear_cookies()
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/sections/")
    assert page.locator("h2", has_text="System").count() == 0
    assert page.locator("a", has_text="Posts").first.is_visible()
