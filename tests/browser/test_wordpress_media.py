"""An imported post with a [gallery] and a link card, as readers see it on a wide screen and
on a phone."""

import pytest

from blog.models import Post
from tests.blog.wordpress import wxr_samples as samples
from tests.blog.wordpress.media_samples import attachment, picture, run_import
from tests.browser.a11y import axe_violations
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

COLORS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000"]


@pytest.fixture
def gallery_post(tmp_path):
    for n, color in enumerate(COLORS, start=1):
        picture(tmp_path / f"2019/03/p{n}.jpg", (900, 600), color)
    photos = [
        attachment(50 + n, f"2019/03/p{n}.jpg", parent=1, title=f"Photo {n}",
                   excerpt=f"Harbour, view {n}", menu_order=n)
        for n in range(1, len(COLORS) + 1)
    ]  # fmt: skip
    body = ('Five views of the harbour.\n\n[gallery columns="3" link="file"]\n\n'
            "https://example.org/harbour-report\n\nThe end.")  # fmt: skip
    run_import(samples.item(1, "Harbour", slug="harbour", body=body), *photos, media_dir=tmp_path)
    return Post.objects.get(slug="harbour")


def item_boxes(page):
    return page.locator(".gallery-item").evaluate_all(
        "items => items.map(i => { const r = i.getBoundingClientRect();"
        " return {top: Math.round(r.top), left: Math.round(r.left), width: r.width}; })"
    )


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_gallery_is_a_three_column_grid_of_captioned_linked_images(page, gallery_post):
    page.goto(gallery_post.get_absolute_url())
    boxes = item_boxes(page)
    assert len(boxes) == 5
    assert len({box["top"] for box in boxes[:3]}) == 1 and boxes[3]["top"] > boxes[0]["top"]
    assert page.locator(".gallery-item figcaption").first.inner_text() == "Harbour, view 1"
    href = page.locator(".gallery-item a").first.get_attribute("href")
    assert href.startswith("/media/images/") and href.endswith(".jpg")
    assert page.locator(".gallery-item a a").count() == 0  # no link nested in the file's link
    assert page.locator(".link-card a").inner_text() == "https://example.org/harbour-report"
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == {}
    screenshot(page, "wordpress-gallery-1280")


def test_gallery_on_a_phone_has_two_columns(phone_page, gallery_post):
    phone_page.goto(gallery_post.get_absolute_url())
    boxes = item_boxes(phone_page)
    assert boxes[0]["top"] == boxes[1]["top"] and boxes[2]["top"] > boxes[0]["top"]
    assert no_horizontal_scroll(phone_page)
    assert axe_violations(phone_page) == {}
    screenshot(phone_page, "wordpress-gallery-390")
