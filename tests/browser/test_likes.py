import io
import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from blog.models import Post, SiteSettings, SocialProfile
from blog.stats.models import DailyPostViews, DailyReferrer, DailySiteViews, Like
from comments.mentions.models import MastodonStatus
from tests.browser.conftest import SCREENSHOTS, login, screenshot
from tests.factories import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", verbosity=0)
    SiteSettings.objects.filter(pk=1).update(visitor_count_start=1_384_000)
    site = SiteSettings.load()
    site.social_profiles.all().delete()
    for position, (kind, url) in enumerate([
        ("facebook", "https://www.facebook.com/newsroom.example"),
        ("x", "https://x.com/newsroomwatch"),
        ("mastodon", "https://mastodon.social/@newsroom"),
        ("flickr", "https://www.flickr.com/photos/newsroom"),
        ("pinterest", "https://www.pinterest.com/newsroom"),
        ("youtube", "https://www.youtube.com/@newsroom"),
        ("rss", ""),
        ("email", "mailto:desk@newsroom.example"),
    ]):  # fmt: skip
        SocialProfile.objects.create(site=site, kind=kind, url=url, position=position)
    site.social_profiles.filter(kind__in=["x", "mastodon"]).update(follow_box=True)
    mastodon = site.social_profiles.get(kind="mastodon")
    for n, text in enumerate([
        "<p>New on the blog: why Tehran was left out of the coalition, and what it means for "
        'the talks in Vienna. <a href="https://newsroom.example/2026/12/01/">newsroom.example</a></p>',
        "<p>Our reporter in Baghdad on the Quds Force's advisers: a thread.</p>",
    ]):  # fmt: skip
        MastodonStatus.objects.create(
            profile=mastodon, status_id=str(n), url=f"https://mastodon.social/@newsroom/{n}",
            content_html=text, created_at=timezone.now() - timedelta(hours=3 + 20 * n),
        )  # fmt: skip


def marked(badge) -> bool:
    """Does the round badge show a white mark (an icon from static/blog/social-icons.svg), not
    just its colour?"""
    image = Image.open(io.BytesIO(badge.screenshot())).convert("RGB")
    middle = image.crop(
        (image.width // 4, image.height // 4, image.width * 3 // 4, image.height * 3 // 4)
    )  # inside the circle: no page around it
    white = sum(1 for pixel in middle.getdata() if min(pixel) > 200)
    return white > middle.width * middle.height // 20


def reference_post():
    return Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")


def make_history(days=365):
    """A year of plausible traffic: weekday rhythm, slow growth, a few spikes."""
    rng = random.Random(6)
    today = timezone.localdate()
    posts = list(Post.objects.published()[:8])
    for d in range(days):
        day = today - timedelta(days=d)
        views = int((300 + 2 * (days - d)) * (0.7 if day.weekday() >= 5 else 1.0))
        views += rng.randint(0, 80) + (900 if rng.random() < 0.03 else 0)
        DailySiteViews.objects.create(day=day, views=views, visitors=views * 2 // 5)
        for rank, post in enumerate(posts):
            DailyPostViews.objects.create(post=post, day=day, views=views // (rank + 3))
        for host, share in [("news.google.com", 9), ("twitter.com", 14), ("reddit.com", 30)]:
            DailyReferrer.objects.create(day=day, host=host, views=views // share)


def test_reader_likes_a_post_and_sees_the_count_change(page, demo):
    post = reference_post()
    for name in ("nasrin", "omid"):
        Like.objects.create(post=post, user=make_user(name))
    page.goto(post.get_absolute_url())
    likes = page.locator("#likes")
    assert likes.locator(".likes-count").inner_text() == "2 bloggers like this."
    assert likes.locator(".likers .avatar").count() == 2
    likes.get_by_role("button", name="Like").click()
    expect(page.locator("#likes .like-button")).to_have_attribute("aria-pressed", "true")
    assert likes.locator(".likes-count").inner_text() == "You and 2 other bloggers like this."
    assert page.evaluate("location.hash") == ""  # the script did it, no page load
    likes.scroll_into_view_if_needed()
    screenshot(page, "likes-liked")
    page.reload()
    assert page.locator("#likes .likes-count").inner_text() == "You and 2 other bloggers like this."
    page.locator("#likes").get_by_role("button", name="Liked").click()
    expect(page.locator("#likes .like-button")).to_have_attribute("aria-pressed", "false")
    assert page.locator("#likes .likes-count").inner_text() == "2 bloggers like this."


def test_like_works_without_javascript(browser, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(reference_post().get_absolute_url())
        page.locator("#likes").get_by_role("button", name="Like").click()
        page.wait_for_url("**#likes")
        assert page.locator("#likes .likes-count").inner_text() == "You like this."
    finally:
        context.close()


def test_sidebar_shows_social_links_visitor_count_and_top_posts(page, demo):
    make_history(days=40)
    page.goto(reference_post().get_absolute_url())
    follow = page.locator(".widget-follow-us")
    assert follow.get_by_role("link", name="Facebook").get_attribute("href") == (
        "https://www.facebook.com/newsroom.example"
    )
    assert follow.get_by_role("link", name="RSS feed").is_visible()
    kinds = follow.locator("a.social").evaluate_all(
        "links => links.map(link => link.className.replace('social social-', ''))"
    )
    assert kinds == [
        "facebook", "x", "mastodon", "flickr", "pinterest", "youtube", "rss", "email"
    ]  # fmt: skip
    assert marked(follow.get_by_role("link", name="Email"))  # the sprite's mark is drawn
    count = page.locator(".widget-visitor-count .figure").inner_text()
    assert int(count.replace(",", "")) > 1_384_000
    assert page.locator(".widget-top-posts li").count() == 5
    page.locator(".sidebar").scroll_into_view_if_needed()
    screenshot(page, "sidebar-widgets")
    follow.screenshot(path=SCREENSHOTS / "follow-us-1280.png")
    box = page.locator(".widget-follow-account")
    assert box.get_by_role("link", name="Follow @newsroomwatch on X").is_visible()
    assert box.get_by_role("link", name="Follow @newsroom@mastodon.social on Mastodon").count()
    assert box.locator(".follow-statuses li").count() == 2
    box.screenshot(path=SCREENSHOTS / "follow-box-1280.png")


def test_sidebar_and_likes_on_a_phone(phone_page, demo):
    page = phone_page
    post = reference_post()
    for name in ("fan-nasrin", "fan-omid", "fan-darya"):
        Like.objects.create(post=post, user=make_user(name))
    Like.objects.create(post=post, browser="0b6d7f5e-1111-4a4a-9c9c-123456789abc")
    page.goto(post.get_absolute_url())
    likes = page.locator("#likes")
    assert likes.locator(".likes-count").inner_text() == "4 bloggers like this."
    assert likes.locator(".likers .avatar").count() == 3  # the anonymous like has no face
    follow = page.locator(".widget-follow-us")
    assert follow.locator("a.social").count() == 8
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "likes-and-sidebar-390")
    likes.screenshot(path=SCREENSHOTS / "likes-390.png")
    follow.screenshot(path=SCREENSHOTS / "follow-us-390.png")
    page.locator(".widget-follow-account").screenshot(path=SCREENSHOTS / "follow-box-390.png")


def test_editor_sees_the_stats_dashboard(page, demo):
    from comments.models import Comment
    from tests.comments.factories import make_comment

    make_history()
    for n in range(40):
        when = timezone.now() - timedelta(days=n % 25, minutes=n)
        make_comment(reference_post(), submit_date=when)
    for n in range(6):
        Like.objects.create(post=reference_post(), user=make_user(f"fan{n}"))
    make_user("desk", group="Editor")
    login(page, "desk")
    page.get_by_role("link", name="Stats").first.click()
    assert page.locator("h1").inner_text() == "Stats"
    assert page.locator(".stats-chart rect.bar").count() >= 30
    assert "reddit.com" in page.locator(".stats-panel").nth(1).inner_text()
    comments = re.search(
        r"Comments per day \((\d+) in all\)", page.locator(".stats-small").inner_text()
    )
    since = timezone.localdate() - timedelta(days=29)
    assert (
        int(comments.group(1))
        == Comment.objects.public().filter(submit_date__date__gte=since).count()
    )
    screenshot(page, "stats-dashboard")
    page.get_by_role("link", name="Last 365 days").click()
    assert page.locator(".stats-chart").first.locator("rect.bar").count() == 365
    screenshot(page, "stats-dashboard-year")
