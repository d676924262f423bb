import re

import pytest
from PIL import Image as PILImage

from blog.media.models import Image
from blog.models import Category, Post
from tests.browser.conftest import login, screenshot
from tests.factories import make_category, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def photo(path):
    PILImage.new("RGB", (1200, 700), (30, 120, 200)).save(path, "JPEG")
    return str(path)


def test_editor_publishes_a_post_from_the_admin_editor(page, tmp_path):
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
    page.get_by_label("World", exact=True).check()
    page.click("text=+ Add new category")  # made in place, under World, and ticked
    page.fill(".category-add-name", "Diplomacy")
    page.select_option(".category-add-parent", label="World")
    page.click(".category-add-button")
    page.get_by_label("Diplomacy", exact=True).wait_for()
    page.fill(".tag-entry", "Vienna")  # chips: Enter or a comma ends a tag
    page.keyboard.press("Enter")
    page.fill(".tag-entry", "nuclear talks,")
    chips = [text.split("\n")[0] for text in page.locator(".tag-chip").all_inner_texts()]
    assert chips == ["Vienna", "nuclear talks"]
    page.set_input_files(".featured-file", photo(tmp_path / "vienna.jpg"))  # into the library
    page.locator(".featured-thumb:visible").wait_for()
    screenshot(page, "admin-editor")
    page.click("input[name=_publish]")
    page.wait_for_url("**/admin/blog/post/")
    # "changed" once the autosave has made the new post a draft while typing
    assert re.search(r"was (added|changed) successfully", page.locator(".messagelist").inner_text())

    post = Post.objects.get(title="Talks resume in Vienna")
    assert post.status == Post.Status.PUBLISHED
    assert post.featured_media.title == "vienna"
    assert "<p>Negotiators met again on Monday.</p>" in post.body
    page.goto(post.get_absolute_url())
    assert page.locator("h1").inner_text() == "Talks resume in Vienna"
    assert page.locator(".entry-content p").count() == 2
    assert page.locator(".post-tags").inner_text() == "Tagged with: nuclear talks, Vienna"
    assert "World" in page.locator(".post-categories").inner_text()
    assert "Diplomacy" in page.locator(".post-categories").inner_text()
    assert Category.objects.get(name="Diplomacy").parent.name == "World"
    screenshot(page, "admin-published-post")


def test_post_with_an_uploaded_captioned_image_is_published_in_six_actions(page, tmp_path):
    """Issue 17: with one uploaded image this took 18 steps. Each action is one user step:
    a click, typing into a field, or a file choice."""
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.locator(".editor-image-add").wait_for()
    page.fill("#id_title", "Floods along the rivers")  # 1
    page.locator(".prose-editor [role=textbox]").fill("The water rose overnight.")  # 2
    page.set_input_files(".editor-image-file", photo(tmp_path / "flood.jpg"))  # 3
    page.fill(".editor-image-alt", "A flooded street in Ahvaz")  # 4
    page.fill(".editor-image-caption", "Ahvaz on Tuesday morning")  # 5
    screenshot(page, "admin-editor-image-1280")
    page.click("input[name=_publish]")  # 6
    page.wait_for_url("**/admin/blog/post/")

    post = Post.objects.get(title="Floods along the rivers")
    assert post.status == Post.Status.PUBLISHED
    image = Image.objects.get()  # in the library
    assert 'alt="A flooded street in Ahvaz"' in post.body
    assert "<figcaption>Ahvaz on Tuesday morning</figcaption>" in post.body
    assert f'data-file="{image.pk}"' in post.body
    page.goto(post.get_absolute_url())
    assert page.locator("figure figcaption").inner_text() == "Ahvaz on Tuesday morning"
    screenshot(page, "post-with-uploaded-image-1280")
