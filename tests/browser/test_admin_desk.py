"""The editors' desk (issue 17): what editors see in the admin, at 1280 and 390 px."""

import pytest
from django.utils import timezone

from blog.followers.models import Delivery, Follower
from blog.models import Post
from blog.stats.models import DailyPostViews, DailySiteViews
from comments.models import Comment
from tests.browser.conftest import login, screenshot
from tests.comments.factories import make_comment
from tests.factories import make_category, make_post, make_user

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


# Lists that fit: at 1280 px the results table is no wider than the space it has; at 390 px
# each row is a card whose cells are named by their column and nothing scrolls sideways.

TABLE_FITS = """() => {
  const table = document.querySelector("#result_list");
  const box = table.closest(".results");
  return {table: Math.ceil(table.getBoundingClientRect().width), box: box.clientWidth,
          inner: box.scrollWidth, page: document.documentElement.scrollWidth,
          viewport: window.innerWidth};
}"""

# The first row's cells as a phone shows them: the name of their column (the card's heading has
# none), and whether they are drawn whole inside the screen.
FIRST_CARD = """() => {
  const row = document.querySelector("#result_list tbody tr");
  return [...row.cells].filter((cell) => !cell.classList.contains("action-checkbox"))
    .map((cell) => {
      const box = cell.getBoundingClientRect();
      return {label: cell.dataset.label || "", text: cell.innerText.trim(),
              shown: box.width > 40 && box.left >= 0 && box.right <= window.innerWidth};
    });
}"""


def long_comments():
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club, and What Comes Next")
    first = make_comment(
        post, "Excluding Tehran makes sense on paper, but the Quds Force is already on the "
        "ground in Iraq. Pretending otherwise will not make the coalition any stronger at all.",
        user_name="Farid Ahmadi-Kermani", user_email="farid.ahmadi.kermani@university.example.com",
    )  # fmt: skip
    for n in range(6):
        make_comment(
            post, "On the ground, yes – but coordinating openly with a designated state sponsor "
            "of terror would wreck the Gulf partners’ support overnight.", parent=first,
            user_name=f"Sarah Whitfield-Longname {n}", status=Comment.Status.PENDING,
            user_email=f"sarah.whitfield.longname{n}@newsroom-correspondents.example.org",
        )  # fmt: skip


def long_followers():
    for n in range(8):
        Follower.objects.create(
            email=f"a.very.long.address.of.reader.{n}@subdomain.newsroom-readers.example.org",
            status=Follower.Status.ACTIVE,
            confirmed_at=timezone.now(),
        )


def long_posts():
    world = make_category("International relations and diplomacy")
    for n in range(5):
        post = make_post(
            f"Why Iran Was Not Invited to the Anti ISIS Club, and What Comes Next (part {n})"
        )
        post.categories.add(world)


@pytest.mark.parametrize(
    ("url", "fill", "headers"),
    [
        (
            "/admin/comments/comment/",
            long_comments,
            ["Author", "Comment", "In reply to", "Post", "Date", "Status"],
        ),
        (
            "/admin/followers/follower/",
            long_followers,
            ["Email address", "Status", "Subscribed", "Confirmed", "Bounces"],
        ),
        (
            "/admin/blog/post/",
            long_posts,
            ["Title", "Status", "Author", "Categories", "Publish time"],
        ),
    ],
    ids=["comments", "followers", "posts"],
)
def test_list_shows_its_columns_at_1280_and_as_cards_at_390(page, phone_page, url, fill, headers):
    make_user("editor", group="Editor")
    fill()
    login(page, "editor")
    page.goto(url)
    name = url.strip("/").split("/")[-1]
    screenshot(page, f"admin-list-{name}-1280")
    shown = [h.strip().lower() for h in page.locator("#result_list thead th").all_inner_texts()]
    assert all(any(h.startswith(want.lower()) for h in shown) for want in headers), shown
    sizes = page.evaluate(TABLE_FITS)
    assert sizes["table"] <= sizes["box"] and sizes["page"] <= sizes["viewport"], sizes

    login(phone_page, "editor")
    phone_page.goto(url)
    screenshot(phone_page, f"admin-list-{name}-390")
    sizes = phone_page.evaluate(TABLE_FITS)
    assert sizes["inner"] <= sizes["box"] and sizes["page"] <= sizes["viewport"], sizes
    cells = phone_page.evaluate(FIRST_CARD)
    assert all(cell["shown"] for cell in cells), cells
    labels = [headers[0], *(cell["label"] for cell in cells[1:])]  # the heading, then named
    assert all(any(label.lower().startswith(want.lower()) for label in labels) for want in headers)
    assert cells[0]["label"] == "" and cells[0]["text"], cells


# The desk


def fill_desk():
    make_post("Notes on the succession question", status=Post.Status.DRAFT)
    make_post("Opinion: the deal nobody wants to defend", status=Post.Status.PENDING)
    make_post("Our guide to the next round of talks", status=Post.Status.SCHEDULED, days_ago=-7)
    story = make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    make_comment(story, "Is there an official transcript anywhere? The quotes differ.",
                 user_name="Daniel K.", status=Comment.Status.PENDING)  # fmt: skip
    today = timezone.localdate()
    DailySiteViews.objects.create(day=today, views=1234, visitors=800)
    DailyPostViews.objects.create(post=story, day=today, views=321)
    follower = Follower.objects.create(email="new.reader@example.com", status="active")
    Delivery.objects.create(post=story, follower=follower, status=Delivery.Status.SENT)


def test_desk_moderates_and_takes_a_quick_draft(page, phone_page):
    make_user("editor", group="Editor")
    fill_desk()
    login(page, "editor")
    assert page.locator("h1").inner_text() == "Newsroom"
    screenshot(page, "admin-desk-1280")
    page.locator(".desk-comments button", has_text="Approve").click()
    page.wait_for_selector("text=1 comment approved.")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    page.fill("#quick-draft-title", "A thought for tomorrow")
    page.fill("#quick-draft-text", "The first lines of it.")
    page.click("text=Save draft")
    page.wait_for_selector("text=Draft saved")
    assert Post.objects.get(title="A thought for tomorrow").status == Post.Status.DRAFT
    login(phone_page, "editor")
    screenshot(phone_page, "admin-desk-390")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


# The image picker


def test_featured_image_picker_uploads_without_leaving_it(page, tmp_path):
    from PIL import Image as PILImage

    from blog.media.models import Image

    path = tmp_path / "harbour.jpg"
    PILImage.new("RGB", (900, 600), (200, 120, 30)).save(path, "JPEG")
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.click("text=Choose from library")  # the library dialog, in the page
    dialog = page.locator("dialog.image-dialog[open]")
    dialog.locator(".image-dialog-file").set_input_files(str(path))
    dialog.locator(".image-dialog-choice[aria-pressed=true]").wait_for()
    screenshot(page, "admin-picker-1280")
    dialog.get_by_role("button", name="Set featured image").click()
    page.locator(".featured-thumb:visible").wait_for()
    image = Image.objects.get()
    assert page.locator("#id_featured_media").input_value() == str(image.pk)
    assert page.locator(".featured-title").inner_text() == "harbour"
