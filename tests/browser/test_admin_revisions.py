"""Revisions and autosave as an editor uses them: compare two, restore one, and text typed
into a draft that comes back after the tab closed, in another browser."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from blog.models import Post
from blog.revisions import services as revisions
from blog.revisions.models import Revision
from tests.browser.conftest import login, screenshot, watched_page
from tests.factories import make_category, make_post, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

BODY = ".prose-editor [role=textbox]"


def image(title, colour):
    from blog.media import services as media

    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 400), colour).save(buffer, "JPEG")
    upload = SimpleUploadedFile(f"{title.lower()}.jpg", buffer.getvalue())
    return media.image_create(upload=upload, title=title)


def post_with_three_revisions(editor):
    """Three saves: filed under World with a map, then Diplomacy and a chart, then a rewrite."""
    world, diplomacy = make_category("World"), make_category("Diplomacy")
    post = make_post("Talks resume", author=editor, categories=[world], tags=["vienna"],
                     body="<p>Negotiators met on Monday.</p><p>More soon.</p>",
                     featured_media=image("Map", (30, 120, 200)))  # fmt: skip
    revisions.revision_record(post=post, user=editor)
    post.title = "Talks resume in Vienna"
    post.body = "<p>Negotiators met again on Monday.</p><p>A second round is planned.</p>"
    post.featured_media = image("Chart", (200, 120, 30))
    post.save()
    post.categories.set([world, diplomacy])
    post.tags.set(["vienna", "nuclear talks"])
    revisions.revision_record(post=post, user=editor)
    post.excerpt = "Negotiators are back at the table."
    post.save()
    revisions.revision_record(post=post, user=editor)
    return post


def test_editor_compares_any_two_revisions_and_restores_one(page, phone_page):
    editor = make_user("editor", group="Editor")
    post = post_with_three_revisions(editor)
    oldest = post.revisions.last()
    login(page, "editor")
    page.goto(f"/admin/blog/post/{post.pk}/revisions/")
    page.locator("input[name=a]").nth(2).check()  # the oldest, against the newest
    page.click("text=Compare the two chosen")
    diff = page.locator("table.revision-diff")
    diff.wait_for()
    for label in ("Title", "Excerpt", "Body", "Categories", "Tags", "Featured image"):
        assert diff.locator(".revision-field-name", has_text=label).count() == 1
    assert diff.locator("td.old del", has_text="Map").count() == 1
    assert diff.locator("td.new ins", has_text="Chart").count() == 1
    assert diff.locator("td.new ins", has_text="nuclear talks").count() == 1
    screenshot(page, "admin-revisions-compare-1280")

    page.locator(".revision-list tr", has_text="Talks resume").last.get_by_text("Restore…").click()
    page.get_by_text("Restore the revision of").wait_for()
    screenshot(page, "admin-revisions-restore-confirm-1280")
    page.click("input[value='Restore this revision']")
    page.get_by_text("The revision was restored.").wait_for()
    post.refresh_from_db()
    assert post.title == "Talks resume"
    assert [c.name for c in post.categories.all()] == ["World"]
    assert post.featured_media.title == "Map"
    assert list(post.tags.names()) == ["vienna"]

    login(phone_page, "editor")
    rewritten = post.revisions.all()[1]  # before the restore
    phone_page.goto(f"/admin/blog/post/{post.pk}/revisions/?a={oldest.pk}&b={rewritten.pk}")
    phone_page.locator("table.revision-diff del").first.wait_for()
    assert_fits(phone_page)
    screenshot(phone_page, "admin-revisions-compare-390")
    phone_page.goto(f"/admin/blog/post/{post.pk}/revisions/{rewritten.pk}/restore/")
    assert_fits(phone_page)
    screenshot(phone_page, "admin-revisions-restore-confirm-390")


def assert_fits(page):
    """Nothing on the page is wider than the screen (no sideways scrolling)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def test_typed_text_survives_a_closed_tab_in_another_browser(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    editor = make_user("editor", group="Editor")
    post = make_post("Notes on the succession", author=editor, status=Post.Status.DRAFT,
                     body="<p>The Assembly of Experts meets.</p>")  # fmt: skip
    first = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = watched_page(first)
    login(page, "editor")
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.locator(BODY).click()
    page.keyboard.press("End")
    page.keyboard.type(" It chooses the next leader in March.")
    page.locator(".autosave-status", has_text="Autosaved at").wait_for(timeout=15_000)
    page.keyboard.type(" Three names are mentioned.")  # closed a moment later: sent on pagehide
    page.close(run_before_unload=True)
    first.close()
    post.refresh_from_db()
    assert "March" not in post.body  # the post itself is not changed by an autosave

    second = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    again = watched_page(second)
    login(again, "editor")
    again.goto(f"/admin/blog/post/{post.pk}/change/")
    notice = again.locator(".autosave-server-notice")
    assert "more recent than the version below" in notice.inner_text()
    assert "March" not in again.locator(BODY).inner_text()
    screenshot(again, "admin-autosave-notice-1280")
    notice.get_by_text("Restore the autosave").click()
    again.click("input[value='Restore the autosave']")
    again.get_by_text("The autosave was restored.").wait_for()
    body = again.locator(BODY).inner_text()
    assert "It chooses the next leader in March. Three names are mentioned." in body
    screenshot(again, "admin-autosave-restored-1280")
    assert not Revision.objects.filter(kind=Revision.Kind.AUTOSAVE).exists()
    assert again.csp_violations == []
    second.close()


def test_a_new_post_being_written_becomes_a_draft_that_another_browser_opens(page, phone_page):
    make_user("editor", group="Editor")
    login(page, "editor")
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Notes on the succession")
    page.locator(BODY).fill("The Assembly of Experts meets in March.")
    page.wait_for_url("**/admin/blog/post/*/change/", timeout=15_000)  # the draft exists
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    page.keyboard.type(" More soon.")
    page.locator(".autosave-status", has_text="Autosaved at").wait_for(timeout=15_000)
    screenshot(page, "admin-autosave-status-1280")
    page.close()

    login(phone_page, "editor")
    phone_page.goto(f"/admin/blog/post/{post.pk}/change/")
    assert phone_page.locator("#id_title").input_value() == "Notes on the succession"
    assert "More soon." not in phone_page.locator(BODY).inner_text()  # in the autosave only
    screenshot(phone_page, "admin-autosave-notice-390")
    phone_page.locator(".autosave-server-notice").get_by_text("Restore the autosave").click()
    phone_page.click("input[value='Restore the autosave']")
    phone_page.get_by_text("The autosave was restored.").wait_for()
    body = phone_page.locator(BODY).inner_text()
    assert "The Assembly of Experts meets in March. More soon." in body
    screenshot(phone_page, "admin-autosave-new-post-390")
    phone_page.click("input[name=_publish]")  # its first save through the form
    phone_page.wait_for_url("**/admin/blog/post/")
    assert Post.objects.get().status == Post.Status.PUBLISHED
    assert Post.objects.count() == 1
