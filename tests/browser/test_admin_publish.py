import pytest

from blog.models import Post
from tests.browser.conftest import login, screenshot
from tests.factories import make_category, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_editor_publishes_a_post_from_the_admin_editor(page):
    make_user("editor", group="Editor")
    make_category("World")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Talks resume in Vienna")
    page.locator(".prose-editor [role=textbox]").click()
    page.keyboard.type("Negotiators met again on Monday.")
    page.keyboard.press("Enter")
    page.keyboard.type("A second paragraph with more detail.")
    page.select_option("#id_status", "published")
    page.select_option("#id_categories_from", label="World")
    page.click("#id_categories_add")
    page.fill("#id_tags", "Vienna, nuclear talks")
    screenshot(page, "admin-editor")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/blog/post/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    post = Post.objects.get(title="Talks resume in Vienna")
    assert post.status == Post.Status.PUBLISHED
    assert "<p>Negotiators met again on Monday.</p>" in post.body
    page.goto(post.get_absolute_url())
    assert page.locator("h1").inner_text() == "Talks resume in Vienna"
    assert page.locator(".entry-content p").count() == 2
    assert page.locator(".post-tags").inner_text() == "Tagged with: nuclear talks, Vienna"
    assert "World" in page.locator(".post-categories").inner_text()
    screenshot(page, "admin-published-post")
