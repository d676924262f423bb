import pytest
from django.core.management import call_command

from blog.models import Post
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def reference_post():
    return Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")


def test_home_shows_the_latest_posts_and_sidebar(page, demo):
    page.goto("/")
    assert page.locator("main article h2").count() == 10
    assert page.get_by_role("heading", name="Categories").is_visible()
    assert page.locator(".sticky").first.is_visible()
    screenshot(page, "home")


def test_post_page_reads_like_the_reference_page(page, demo):
    page.goto(reference_post().get_absolute_url())
    assert page.locator("h1").inner_text() == "Why Iran Was Not Invited to the Anti ISIS Club"
    assert page.locator("figure figcaption").inner_text() == "John kerry in Cairo- Zee Media Bureau"
    image = page.locator("figure img")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert "Posted in" in page.locator(".post-categories").inner_text()
    assert page.locator(".post-tags a").count() == 18
    assert "Blogging & updating on #Iran" in page.locator(".author-box").inner_text()
    screenshot(page, "post")


def test_post_page_fits_a_phone_screen(phone_page, demo):
    phone_page.goto(reference_post().get_absolute_url())
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "post-phone")


def test_category_archive_lists_posts_of_subcategories(page, demo):
    page.goto("/category/iran/")
    assert page.locator("h1").inner_text() == "Category: Iran"
    titles = page.locator("main article h2").all_inner_texts()
    assert "Why Iran Was Not Invited to the Anti ISIS Club" in titles
    screenshot(page, "category")


def test_search_highlights_the_words_found(page, demo):
    page.goto("/")
    page.fill("#nav-q", "Larijani")
    page.press("#nav-q", "Enter")
    page.wait_for_url("**/search/?q=Larijani")
    assert page.locator("main article mark").first.inner_text() == "Larijani"
    screenshot(page, "search")
