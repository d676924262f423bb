"""The editors' desk (issue 17): what editors see in the admin, at 1280 and 390 px."""

import pytest

from tests.browser.conftest import login, screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Each toolbar button's text is a ligature of the Material Icons font the editor ships, and no
# decoration may fall back to a glyph the system fonts lack (U+23F7 did: a box).
TOOLBAR_GLYPHS = """() => {
  const bar = document.querySelector(".prose-menubar");
  const after = [...bar.querySelectorAll("*")].map(e => getComputedStyle(e, "::after").content)
    .filter(c => c !== "none" && c !== "normal" && c !== '""');
  return {iconFont: document.fonts.check('24px "Material Icons"'), after};
}"""


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_editor_toolbar_draws_every_icon(request, viewport):
    page = request.getfixturevalue(viewport)
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.locator(".prose-menubar").wait_for()
    page.evaluate("document.fonts.ready")
    assert page.evaluate(TOOLBAR_GLYPHS) == {"iconFont": True, "after": []}
    screenshot(page, f"admin-editor-toolbar-{page.viewport_size['width']}")
