import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)


def test_reader_opens_the_about_page_from_the_header_menu(page, demo):
    page.goto("/")
    page.locator(".site-nav").get_by_role("link", name="About", exact=True).click()
    page.wait_for_url("**/about/")
    assert page.locator("main h1").inner_text() == "About"
    assert "a blog about Iran related news" in page.locator(".entry-content").inner_text()
    assert page.locator("main time").count() == 0  # a page has no date or byline
    assert page.get_by_role("heading", name="Categories").is_visible()  # the same sidebar
    screenshot(page, "page-about")
