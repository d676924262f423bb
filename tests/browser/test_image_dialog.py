"""The image library dialog of the post form (issue 17, "Images in the editor"): search the
library, upload without leaving it, pick, caption and publish; refused uploads say why."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from blog.media import services as media
from blog.media.models import Image
from blog.models import Post
from tests.browser.a11y import AXE, AXE_TAGS
from tests.browser.conftest import SCREENSHOTS, login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DIALOG = "dialog.image-dialog"


def jpeg(colour, size=(900, 600), quality=85):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def library_of_three():
    for name, colour, words in [
        ("street.jpg", (90, 90, 90), {"alt_text": "A flooded street"}),
        ("harbour.jpg", (20, 90, 160), {"caption": "Fishing boats in Bandar Abbas"}),
        ("envoys.jpg", (160, 60, 40), {"alt_text": "Envoys at a table"}),
    ]:
        media.image_create(upload=SimpleUploadedFile(name, jpeg(colour)), **words)


def look(page, name):
    """What the screen shows (the dialog over the form), for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def choice_titles(page):
    return page.locator(f"{DIALOG} .image-dialog-choice span").all_inner_texts()


def axe_violations_in_dialog(page):
    """The axe-core rules (WCAG 2.1 AA and best practices) the open dialog breaks."""
    page.evaluate(AXE.read_text() + "\n;true")  # through DevTools: the CSP does not apply
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate(f"o => axe.run('{DIALOG}', o)", options)
    return {v["id"]: [n["target"] for n in v["nodes"]] for v in result["violations"]}


def open_dialog(page):
    page.goto("/admin/blog/post/add/")
    page.locator(".editor-image-add").click()
    page.locator(f"{DIALOG}[open] .image-dialog-status", has_text="in the library").wait_for()


def test_dialog_searches_uploads_picks_and_the_post_shows_the_captioned_figure(page, tmp_path):
    library_of_three()
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Boats stay in port")
    page.locator(".prose-editor [role=textbox]").fill("The storm kept the fleet at home.")
    page.locator(".editor-image-add").click()
    dialog = page.locator(f"{DIALOG}[open]")
    dialog.locator(".image-dialog-status", has_text="3 images in the library.").wait_for()
    assert choice_titles(page) == ["envoys", "harbour", "street"]

    page.keyboard.type("boats")  # the search box has the focus; it asks as you type
    dialog.locator(".image-dialog-status", has_text="1 image matches “boats”.").wait_for()
    assert choice_titles(page) == ["harbour"]  # found by its caption
    look(page, "image-dialog-search-1280")

    path = tmp_path / "port-at-dusk.jpg"
    path.write_bytes(jpeg((240, 150, 40)))
    dialog.locator(".image-dialog-file").set_input_files(str(path))
    dialog.locator(".image-dialog-status", has_text="Uploaded “port at dusk”").wait_for()
    chosen = dialog.locator(".image-dialog-choice[aria-pressed=true]")
    assert chosen.inner_text() == "port at dusk"  # first in the list, chosen
    assert dialog.locator(".image-dialog-chosen").inner_text() == "Chosen: port at dusk"
    look(page, "image-dialog-upload-1280")
    uploaded = Image.objects.get(title="port at dusk")

    dialog.locator(".image-dialog-insert").click()
    page.locator(f"{DIALOG}:not([open])").wait_for(state="attached")
    page.fill(".editor-image-alt", "Trawlers moored three deep")
    page.fill(".editor-image-caption", "Bandar Abbas harbour at dusk")
    page.click("input[name=_publish]")
    page.wait_for_url("**/admin/blog/post/")

    post = Post.objects.get(title="Boats stay in port")
    assert post.status == Post.Status.PUBLISHED
    assert f'data-file="{uploaded.pk}"' in post.body
    page.goto(post.get_absolute_url())
    figure = page.locator(".entry-content figure")
    assert figure.locator("figcaption").inner_text() == "Bandar Abbas harbour at dusk"
    assert figure.locator("img").get_attribute("alt") == "Trawlers moored three deep"
    screenshot(page, "post-with-dialog-image-1280")


def test_dialog_is_used_from_the_keyboard_and_gives_the_focus_back(page):
    library_of_three()
    make_user("editor", group="Editor")
    login(page, "editor")
    open_dialog(page)
    assert page.evaluate("document.activeElement.id") == "image-dialog-search"
    page.locator(f"{DIALOG} .image-dialog-choice").first.click()
    assert axe_violations_in_dialog(page) == {}
    page.keyboard.press("Escape")
    page.locator(f"{DIALOG}:not([open])").wait_for(state="attached")
    assert page.evaluate("document.activeElement.className") == "button editor-image-add"

    # The toolbar's figure button opens the same dialog; Tab reaches the thumbnails, Enter
    # chooses one, and Insert puts it in the text with its words from the library.
    page.locator(".prose-editor [role=textbox]").fill("Before the picture.")
    page.click(".prose-menubar button[data-name=figure]")
    dialog = page.locator(f"{DIALOG}[open]")
    dialog.locator(".image-dialog-status", has_text="3 images").wait_for()
    dialog.locator(".image-dialog-choice").nth(2).focus()
    page.keyboard.press("Enter")
    assert dialog.locator(".image-dialog-chosen").inner_text() == "Chosen: street"
    dialog.locator(".image-dialog-insert").focus()
    page.keyboard.press("Enter")
    street = Image.objects.get(title="street")
    img = page.locator(f".prose-editor img[data-file='{street.pk}']")
    assert img.get_attribute("alt") == "A flooded street"
    assert page.locator(".editor-image-alt").evaluate("e => e === document.activeElement")


def test_dialog_fits_a_phone(phone_page, tmp_path):
    library_of_three()
    make_user("editor", group="Editor")
    login(phone_page, "editor")
    open_dialog(phone_page)
    phone_page.keyboard.type("street")
    phone_page.locator(f"{DIALOG} .image-dialog-status", has_text="matches").wait_for()
    look(phone_page, "image-dialog-search-390")
    box = phone_page.locator(DIALOG).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert phone_page.locator(DIALOG).evaluate("d => d.scrollWidth <= d.clientWidth")
    path = tmp_path / "rooftops.jpg"
    path.write_bytes(jpeg((60, 160, 60)))
    phone_page.locator(f"{DIALOG} .image-dialog-file").set_input_files(str(path))
    phone_page.locator(f"{DIALOG} .image-dialog-choice[aria-pressed=true]").wait_for()
    look(phone_page, "image-dialog-upload-390")
    assert phone_page.locator(f"{DIALOG} .image-dialog-insert").is_visible()


def test_dialog_says_why_an_upload_is_refused_and_changes_nothing(page, tmp_path, monkeypatch):
    library_of_three()
    make_user("editor", group="Editor")
    login(page, "editor")
    open_dialog(page)
    page.locator(f"{DIALOG} .image-dialog-choice").nth(1).click()  # chosen before the mistakes
    error = page.locator(f"{DIALOG} .image-dialog-error")
    refused = {
        "minutes.jpg": (b"Minutes of the meeting, not a picture.", "not an image we accept"),
        "empty.png": (b"", "The file is empty (0 bytes)."),
        "cut-off.jpg": (jpeg((200, 30, 30))[:3000], "could not be read"),
    }
    for name, (content, reason) in refused.items():
        (tmp_path / name).write_bytes(content)
        page.locator(f"{DIALOG} .image-dialog-file").set_input_files(str(tmp_path / name))
        error.filter(has_text=reason).wait_for()
        assert error.inner_text().startswith(f"{name}: ")
    look(page, "image-dialog-refused-1280")

    monkeypatch.setattr(media, "MAX_UPLOAD_BYTES", 100_000)  # the live server's too
    page.locator(f"{DIALOG} .image-dialog-search").fill("envoys")  # asks the library again
    page.locator(f"{DIALOG} .image-dialog-status", has_text="matches").wait_for()
    buffer = io.BytesIO()
    PILImage.effect_noise((800, 800), 80).convert("RGB").save(buffer, "JPEG", quality=95)
    (tmp_path / "huge.jpg").write_bytes(buffer.getvalue())
    page.locator(f"{DIALOG} .image-dialog-file").set_input_files(str(tmp_path / "huge.jpg"))
    error.filter(has_text="the limit is 0.1 MB").wait_for()

    assert Image.objects.count() == 3  # nothing stored
    assert page.locator(f"{DIALOG}[open]").is_visible()
    assert page.locator(f"{DIALOG} .image-dialog-chosen").inner_text() == "Chosen: harbour"
    assert page.locator(".prose-editor figure").count() == 0


def test_figure_dialogs_browse_opens_the_library_in_the_page_not_a_window(page):
    """A page's editor keeps django-prose-editor's own figure dialog; its "Browse…" asks the
    library dialog, which hands the image, its alt text and caption back to it."""
    library_of_three()
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/page/add/")
    page.fill("#id_title", "Our harbour")
    page.locator(".prose-editor [role=textbox]").fill("Where the boats are.")
    page.click(".prose-menubar button[data-name=figure]")
    figure_dialog = page.locator("dialog.prose-editor-dialog[open]")
    figure_dialog.get_by_role("button", name="Browse...").click()
    library = page.locator(f"{DIALOG}[open]")
    library.locator(".image-dialog-search").fill("bandar")
    library.locator(".image-dialog-status", has_text="1 image matches").wait_for()
    library.locator(".image-dialog-choice").dblclick()  # a double click chooses and inserts
    assert len(page.context.pages) == 1  # no pop-up window
    harbour = Image.objects.get(title="harbour")
    assert figure_dialog.locator("input[name=caption]").input_value() == harbour.caption
    assert figure_dialog.locator("input[name=imageUrl]").input_value() == harbour.file.url
    figure_dialog.locator("input[name=altText]").fill("Boats at the quay")
    figure_dialog.get_by_role("button", name="Insert").click()
    img = page.locator(f".prose-editor figure img[data-file='{harbour.pk}']")
    assert img.get_attribute("alt") == "Boats at the quay"


def test_dialog_shows_a_large_library_a_page_at_a_time(page):
    for n in range(26):
        upload = SimpleUploadedFile(f"picture-{n:02}.jpg", jpeg((n * 9, 90, 90), size=(40, 30)))
        media.image_create(upload=upload)
    make_user("editor", group="Editor")
    login(page, "editor")
    open_dialog(page)
    pages = page.locator(f"{DIALOG} .image-dialog-pages")
    assert pages.locator(".image-dialog-page").inner_text() == "Page 1 of 2"
    assert page.locator(f"{DIALOG} .image-dialog-choice").count() == 24
    assert pages.get_by_role("button", name="‹ Newer").is_disabled()
    pages.get_by_role("button", name="Older ›").click()
    pages.locator(".image-dialog-page", has_text="Page 2 of 2").wait_for()
    assert choice_titles(page) == ["picture 01", "picture 00"]
    assert pages.get_by_role("button", name="Older ›").is_disabled()


DROP_ON = """async (target) => {
  const canvas = Object.assign(document.createElement("canvas"), {width: 320, height: 200});
  canvas.getContext("2d").fillRect(0, 0, 320, 200);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  const data = new DataTransfer();
  data.items.add(new File([blob], "night-chart.png", {type: "image/png"}));
  for (const kind of ["dragenter", "dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(kind, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def test_an_image_dropped_on_the_dialog_goes_into_the_library_chosen(page):
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.locator(".editor-image-add").click()
    dialog = page.locator(f"{DIALOG}[open]")
    dialog.locator(".image-dialog-status", has_text="The library has no images yet.").wait_for()
    dialog.locator(".image-dialog-upload").evaluate(DROP_ON)
    chosen = dialog.locator(".image-dialog-choice[aria-pressed=true]")
    chosen.wait_for()
    assert chosen.inner_text() == "night chart"
    assert Image.objects.get().title == "night chart"
