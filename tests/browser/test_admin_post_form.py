"""The post form as a new editor meets it (issue 17), at 1280 and 390 px: the slug made from any
title, the publish box's buttons, the filing boxes, and strange input kept with a clear error."""

from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from blog.models import Category, Post
from tests.browser.conftest import login, screenshot
from tests.factories import make_category, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
VIEWPORTS = ["page", "phone_page"]

HEADLINE = (
    "Why Iran Was Not Invited to the Anti ISIS Club, and What the Talks in Vienna Mean for the "
    "Region: A Long Analysis of Tehran's Strategy in Iraq and Syria, with Notes on the Gulf "
    "States, the Quds Force, Hezbollah, the Nuclear File and the Sanctions Relief on the Table, "
    "Written for Readers Who Follow Every Round"
)[:300]

# What a phone shows of the page: nothing wider than the screen, and the buttons of the publish
# box big enough to tap (44 px is Apple's and WCAG's AAA target; 40 is the least we accept).
FITS = """() => ({
  page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  buttons: [...document.querySelectorAll(".publish-actions :is(button, input, a)")]
    .map((b) => [b.textContent.trim() || b.value, Math.round(b.getBoundingClientRect().height)]),
})"""


# The box of the paragraph's first word (its first text node's first four letters).
RTL_FIRST_WORD = """(p) => {
  const range = document.createRange();
  range.setStart(p.firstChild, 0);
  range.setEnd(p.firstChild, 3);
  const box = range.getBoundingClientRect();
  return {left: box.left, right: box.right};
}"""


def open_form(request, viewport, path="/admin/blog/post/add/"):
    page = request.getfixturevalue(viewport)
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto(path)
    page.locator(".prose-menubar").wait_for()
    return page, page.viewport_size["width"]


def assert_fits(page, width):
    sizes = page.evaluate(FITS)
    assert sizes["page"] <= sizes["viewport"], sizes
    if width < 500:
        assert all(height >= 40 for _text, height in sizes["buttons"]), sizes


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_slug_is_made_from_a_persian_or_russian_title_and_stays_editable(request, viewport):
    page, width = open_form(request, viewport)
    page.fill("#id_title", "انتخابات ایران")  # pasted: no key is pressed
    assert page.input_value("#id_slug") == "انتخابات-ایران"
    assert page.get_attribute("#id_title", "dir") == "auto"
    page.fill("#id_title", "Выборы в Иране")
    assert page.input_value("#id_slug") == "выборы-в-иране"
    page.fill("#id_slug", "iran-vote")
    page.locator("#id_slug").dispatch_event("change")  # the editor's own slug is kept
    page.fill("#id_title", "Выборы в Иране: итоги")
    assert page.input_value("#id_slug") == "iran-vote"
    assert [b.strip() for b in page.locator(".publish-actions").all_inner_texts()[0].split("\n")
            if b.strip()][:2] == ["Save draft", "Preview"]  # fmt: skip
    assert page.locator("input[name=_publish]").input_value() == "Publish"
    assert_fits(page, width)
    screenshot(page, f"admin-post-form-{width}")
    page.click("button[name=_save_draft]")  # stays on the form, as WordPress's does
    page.wait_for_selector("text=Draft saved.")
    post = Post.objects.get()
    assert (post.title, post.slug, post.status) == ("Выборы в Иране: итоги", "iran-vote", "draft")
    assert page.input_value("#id_slug") == "iran-vote"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_publish_box_says_schedule_for_a_future_time_then_update(request, viewport):
    page, width = open_form(request, viewport)
    page.fill("#id_title", "Our guide to the next round of talks")
    later = timezone.localtime() + timedelta(days=7)
    page.fill("#id_published_at_0", later.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_0").dispatch_event("change")
    assert page.locator("input[name=_publish]").input_value() == "Schedule"
    screenshot(page, f"admin-post-form-schedule-{width}")
    page.click("input[name=_publish]")
    page.wait_for_url("**/admin/blog/post/")
    post = Post.objects.get()
    assert post.status == Post.Status.SCHEDULED
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    assert page.locator(".publish-actions input.default").input_value() == "Update"
    assert page.locator("input[name=_publish]").count() == 0
    assert_fits(page, width)
    screenshot(page, f"admin-post-form-update-{width}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_strange_input_gets_a_clear_error_and_nothing_typed_is_lost(request, viewport):
    page, width = open_form(request, viewport)
    make_category("World")
    page.reload()
    page.locator(".prose-editor [role=textbox]").fill("متن فارسی و 🇮🇷 emoji, then English.")
    page.fill(".tag-entry", "O'Brien")
    page.keyboard.press("Enter")
    page.fill(".tag-entry", '"Iran–US" talks, Vienna')  # a comma ends a tag
    page.keyboard.press("Enter")
    chips = [text.split("\n")[0] for text in page.locator(".tag-chip").all_inner_texts()]
    assert chips == ["O'Brien", "Iran–US talks", "Vienna"]
    page.click("text=+ Add new category")
    page.fill(".category-add-name", "   ")
    page.click(".category-add-button")
    page.locator(".category-add-error:visible").wait_for()
    assert Category.objects.count() == 1
    page.click("button[name=_save_draft]")  # no title

    note = page.locator("p.errornote", has_text="Please correct")
    assert note.inner_text() == "Please correct the error below."
    assert note.bounding_box()["y"] < page.viewport_size["height"]  # seen without scrolling
    assert page.locator(".field-title .errorlist").inner_text() == "This field is required."
    body = page.locator(".prose-editor [role=textbox]").inner_text()
    assert body == "متن فارسی و 🇮🇷 emoji, then English."
    chips = [text.split("\n")[0] for text in page.locator(".tag-chip").all_inner_texts()]
    assert chips == ["O'Brien", "Iran–US talks", "Vienna"]
    assert_fits(page, width)
    screenshot(page, f"admin-post-form-errors-{width}")

    page.fill("#id_title", HEADLINE)  # 300 characters, all of it in sight
    title = page.locator("#id_title")
    assert title.evaluate("box => box.scrollHeight <= box.clientHeight + 1")
    assert title.evaluate("box => box.scrollWidth <= box.clientWidth")
    screenshot(page, f"admin-post-form-long-title-{width}")
    page.click("input[name=_publish]")
    page.wait_for_url("**/admin/blog/post/")
    post = Post.objects.get()
    assert post.title == HEADLINE
    assert sorted(post.tags.names()) == ["Iran–US talks", "O'Brien", "Vienna"]
    page.goto(post.get_absolute_url())
    assert page.locator("h1").inner_text() == HEADLINE
    paragraph = page.locator(".entry-content p").first
    assert paragraph.inner_text() == "متن فارسی و 🇮🇷 emoji, then English."
    # it reads right to left: its first word ends at the right edge of the text
    box = paragraph.bounding_box()
    first = paragraph.evaluate(RTL_FIRST_WORD)
    assert first["right"] >= box["x"] + box["width"] - 2, (first, box)
    screenshot(page, f"post-rtl-long-title-{width}")


def test_a_post_is_filed_and_given_an_image_on_a_phone(phone_page, tmp_path):
    """The right-hand boxes of 1280 px come under the text at 390: each still works."""
    PILImage.new("RGB", (1200, 700), (30, 120, 200)).save(tmp_path / "vienna.jpg", "JPEG")
    make_user("editor", group="Editor")
    make_category("World")
    login(phone_page, "editor")
    phone_page.goto("/admin/blog/post/add/")
    phone_page.fill("#id_title", "Talks resume in Vienna")
    phone_page.get_by_label("World", exact=True).check()
    phone_page.click("text=+ Add new category")
    phone_page.fill(".category-add-name", "Diplomacy")
    phone_page.select_option(".category-add-parent", label="World")
    phone_page.click(".category-add-button")
    phone_page.get_by_label("Diplomacy", exact=True).wait_for()
    phone_page.fill(".tag-entry", "Vienna")
    phone_page.keyboard.press("Enter")
    phone_page.set_input_files(".featured-file", str(tmp_path / "vienna.jpg"))
    phone_page.locator(".featured-thumb:visible").wait_for()
    tree = phone_page.locator(".category-tree-list").bounding_box()
    assert tree["width"] > 300  # under its name, not squeezed beside it
    assert_fits(phone_page, 390)
    screenshot(phone_page, "admin-post-form-filed-390")
    phone_page.click("input[name=_publish]")
    phone_page.wait_for_url("**/admin/blog/post/")
    post = Post.objects.get()
    assert sorted(c.name for c in post.categories.all()) == ["Diplomacy", "World"]
    assert list(post.tags.names()) == ["Vienna"]
    assert post.featured_media.title == "vienna"
