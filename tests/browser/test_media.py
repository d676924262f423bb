import io
import re

import pytest
from PIL import ExifTags
from PIL import Image as PILImage

from blog.media import renditions
from blog.media.management.commands.seed_images import draw_kerry_cairo
from blog.media.models import Image
from blog.models import Post
from tests.browser.conftest import login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CAPTION = "John kerry in Cairo- Zee Media Bureau"
PARAGRAPHS = [
    "The American-led coalition against the Islamic State is gaining traction, with US "
    "Secretary of State John Kerry appealing to key Arab states for support.",
    "But one player that has so far been excluded from Washington's efforts to fight the "
    "terrorist group has been Iran, which was not invited to join the anti-ISIS club.",
]


def photo_with_location(path):
    """A 2400x1400 JPEG from a phone that recorded where it was taken."""
    exif = ExifTags.Base
    tags = {exif.Make: "PhoneMaker", exif.Orientation: 1}
    picture = draw_kerry_cairo(2400, 1400)
    data = picture.getexif()
    data.update(tags)
    data.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (30.0, 2.0, 40.0), 3: "E"})
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=data.tobytes(), quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def chosen_rendition(page):
    """Scroll the post's figure into view and report which file the browser chose for it."""
    img = page.locator(".entry-content figure img")
    img.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('.entry-content figure img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    return img.evaluate(
        "i => ({src: i.currentSrc, shown: i.clientWidth, dpr: window.devicePixelRatio,"
        " loading: i.getAttribute('loading')})"
    )


def smallest_covering(image, css_width, dpr):
    """The narrowest WebP rendition at least as wide as the image shows in device pixels."""
    widths = [r.width for r in image.scaled("WEBP")]
    return next((w for w in widths if w >= css_width * dpr), widths[-1])


def test_editor_uploads_captions_inserts_and_readers_get_the_right_size(
    page, phone_page, browser, live_server, tmp_path
):
    make_user("picture-desk", group="Editor")
    login(page, "picture-desk")

    # Upload to the library, with alt text, caption and credit.
    page.goto("/admin/media/image/add/")
    page.set_input_files("#id_file", str(photo_with_location(tmp_path / "IMG_2041.jpg")))
    page.fill("#id_title", "Kerry in Cairo")
    page.fill("#id_alt_text", "John Kerry at a podium in Cairo")
    page.fill("#id_caption", CAPTION)
    page.fill("#id_credit", "Zee Media Bureau")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    image = Image.objects.get(title="Kerry in Cairo")
    assert (image.width, image.height) == (2400, 1400)
    # The worker's job, run here: the queue lives in Postgres, outside Playwright's loop.
    assert renditions.image_renditions_make(image_id=image.pk) == 11
    page.reload()
    screenshot(page, "media-library")
    assert page.locator("#result_list img").first.evaluate("i => i.naturalWidth") == 320

    # Write a post and insert the image from the library with its caption.
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Why Iran Was Not Invited to the Anti ISIS Club")
    page.locator(".prose-editor [role=textbox]").click()
    for paragraph in PARAGRAPHS:
        page.keyboard.type(paragraph)
        page.keyboard.press("Enter")
    page.click(".prose-menubar button[title=figure]")  # the library, in a dialog
    dialog = page.locator("dialog.image-dialog[open]")
    dialog.locator(f".image-dialog-choice[data-id='{image.pk}']").click()
    dialog.get_by_role("button", name="Insert").click()
    assert page.locator(".editor-image-alt").input_value() == "John Kerry at a podium in Cairo"
    assert page.locator(".editor-image-caption").input_value() == CAPTION
    page.select_option("#id_status", "published")
    screenshot(page, "media-editor-figure")
    page.click("input[name=_publish]")
    # "changed" once the autosave has made the new post a draft while typing
    assert re.search(r"was (added|changed) successfully", page.locator(".messagelist").inner_text())
    post = Post.objects.get()
    assert (
        f'data-file="{image.pk}"' in post.body
        and f"<figcaption>{CAPTION}</figcaption>" in post.body
    )

    # Readers: the browser picks a rendition for the width it shows the image at.
    for reader, name in [(page, "desktop"), (phone_page, "phone")]:
        reader.goto(post.get_absolute_url())
        assert reader.locator(".entry-content figcaption").inner_text() == CAPTION
        chosen = chosen_rendition(reader)
        expected = smallest_covering(image, chosen["shown"], chosen["dpr"])
        assert chosen["src"].endswith(f"-{expected}.webp"), (name, chosen)
        assert chosen["loading"] == "lazy"
        screenshot(reader, f"media-post-{name}")
    assert chosen_rendition(page)["shown"] == 672 and chosen_rendition(phone_page)["shown"] == 350

    # A wide, sharp screen gets the widest rendition; the served file has no location.
    retina = browser.new_context(
        viewport={"width": 1440, "height": 900}, device_scale_factor=2, base_url=live_server.url
    )
    sharp = retina.new_page()
    sharp.goto(post.get_absolute_url())
    chosen = chosen_rendition(sharp)
    assert chosen["src"].endswith("-1920.webp")
    served = sharp.request.get(chosen["src"]).body()
    assert PILImage.open(io.BytesIO(served)).size == (1920, 1120)
    assert b"Exif" not in served and b"PhoneMaker" not in served
    retina.close()
