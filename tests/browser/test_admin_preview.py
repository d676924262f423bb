"""Preview of a post never saved (issue 17's publish box), as on WordPress: the draft is
saved, its preview opens in a new tab, and the form goes on as the draft's."""

import pytest

from blog.models import Post
from tests.browser.conftest import login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [1280, 390])
def test_preview_of_a_new_post_opens_the_draft_in_a_new_tab_and_goes_on_editing_it(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Ceasefire talks, a first draft")
    page.locator(".prose-editor [role=textbox]").fill("Envoys arrive in Muscat on Thursday.")
    with page.context.expect_page() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.set_viewport_size({"width": width, "height": 900})
    preview.locator("h1", has_text="Ceasefire talks, a first draft").wait_for()
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert preview.url.endswith(post.get_absolute_url())
    assert "Envoys arrive in Muscat on Thursday." in preview.locator(".entry-content").inner_text()
    screenshot(preview, f"admin-preview-of-new-post-{width}")

    # The form's own tab is now the draft's change form: the next save updates that draft.
    page.wait_for_url(f"**/admin/blog/post/{post.pk}/change/")
    assert "Draft saved." in page.locator(".messagelist").inner_text()
    assert page.locator("button[name=_preview]").get_attribute("formtarget") == "_blank"
    screenshot(page, f"admin-preview-form-after-{width}")
    page.fill("#id_title", "Ceasefire talks resume")
    page.click("button[name=_save_draft]")
    page.locator(".messagelist", has_text="Draft saved.").wait_for()
    assert list(Post.objects.values_list("title", "status")) == [
        ("Ceasefire talks resume", Post.Status.DRAFT)
    ]

    # The autosave forgot the text sent: a new post starts empty.
    page.goto("/admin/blog/post/add/")
    page.locator(".prose-menubar").wait_for()
    assert page.locator("#id_title").input_value() == ""
    assert page.locator(".autosave-notice").count() == 0


def test_preview_of_a_new_post_with_a_mistake_shows_it_and_saves_nothing(page):
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Talks, with a bad date")
    page.fill("#id_published_at_0", "31/31/2026")
    page.click("button[name=_preview]")
    page.locator("p.errornote:visible").first.wait_for()
    assert "Enter a valid date." in page.locator(".field-published_at").inner_text()
    assert page.locator("#id_title").input_value() == "Talks, with a bad date"
    assert not Post.objects.exists()
    assert len(page.context.pages) == 1  # the tab opened for the preview closed again
