"""Every reader page against axe-core (WCAG 2.1 A/AA and best practice) and the Nu Html Checker,
a keyboard walk through a post, and reflow down to 320 px."""

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_comments_xtd import signed

from blog.followers import services as followers
from blog.followers.models import Follower
from blog.media.models import Image
from blog.models import Category, Post
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from tests.browser.a11y import axe_violations, html_errors
from tests.browser.conftest import screenshot
from tests.comments.factories import form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.error_urls"),
]

REFERENCE = "why-iran-was-not-invited-to-the-anti-isis-club"


@pytest.fixture
def demo(live_server, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    call_command("seed_demo", verbosity=0)
    rules = DiscussionSettings.load()
    rules.approval = DiscussionSettings.Approval.NONE
    rules.save()


def reference_post():
    return Post.objects.get(slug=REFERENCE)


def comment_confirmation():
    """The link a guest gets by mail to confirm a comment on the reference post."""
    form = CommentForm(reference_post(), data=form_data(reference_post()))
    assert form.is_valid()
    comment = form.get_comment_object(site_id=settings.SITE_ID)
    return f"/comments/confirm/{signed.dumps(comment, compress=True, extra_key=settings.COMMENTS_XTD_SALT).decode()}/"


def follower_links():
    follower = Follower.objects.filter(status=Follower.Status.PENDING).first()
    active = Follower.objects.filter(status=Follower.Status.ACTIVE).first()
    return (
        f"/followers/confirm/{followers.confirmation_token(follower)}/",
        f"/followers/unsubscribe/{followers.unsubscribe_token(active.pk)}/",
    )


def reset_link():
    user = Post.objects.get(slug=REFERENCE).author
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


def submit(page, form, fields=None):
    """Fill in and send a form, past the browser's own checks, to see the site's errors."""
    page.locator(form).evaluate("form => { form.noValidate = true; }")
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def reader_pages(page):
    """Open every reader page in turn (some by filling in a form); yields each one's name."""
    post = reference_post()
    category = Category.objects.filter(posts__isnull=False).first()
    tag = post.tags.first()
    date = post.published_at
    comment = Comment.objects.public_for(post).filter(kind="comment", level__gt=1).first()
    confirm, unsubscribe = follower_links()
    addresses = {
        "home": "/",
        "home-page-2": "/?page=2",
        "page": "/about/",
        "category": category.get_absolute_url(),
        "tag": f"/tag/{tag.slug}/",
        "author": f"/author/{post.author.username}/",
        "year": f"/{date:%Y}/",
        "month": f"/{date:%Y/%m}/",
        "day": f"/{date:%Y/%m/%d}/",
        "search": "/search/?q=Iran",
        "search-nothing-found": "/search/?q=zebrafinch",
        "search-empty": "/search/",
        "image": f"/image/{Image.objects.first().pk}/",
        "reply-page": f"/comments/reply/{comment.pk}/",
        "follow": "/followers/",
        "follow-sent": "/followers/check-your-inbox/",
        "follow-confirm": confirm,
        "follow-bad-link": "/followers/confirm/nonsense/",
        "unsubscribe": unsubscribe,
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "signup-sent": "/accounts/signup/sent/",
        "activation-invalid": "/accounts/activate/MQ/nonsense/",
        "password-reset": "/accounts/password-reset/",
        "password-reset-sent": "/accounts/password-reset/sent/",
        "password-reset-confirm": reset_link(),
        "password-reset-bad-link": "/accounts/reset/MQ/nonsense/",
        "password-reset-complete": "/accounts/reset/done/",
        "comment-confirm": comment_confirmation(),
        "comment-bad-link": "/comments/confirm/nonsense/",
        "comment-mute-bad-link": "/comments/mute/nonsense/",
        "400": "/test-errors/400/",
        "403": "/test-errors/403/",
        "404": "/no-such-page/",
        "500": "/test-errors/500/",
    }
    for name, address in addresses.items():
        page.goto(address)
        yield name
    page.goto(post.get_absolute_url())
    yield "post"
    page.locator(".children .comment-reply-link").first.click()
    yield "post-reply-form-open"
    page.goto(post.get_absolute_url())
    submit(page, "#commentform", {"#id_comment": "Short.", "#id_name": "", "#id_email": "x"})
    yield "comment-form-errors"
    page.goto("/followers/")
    submit(page, "main form", {"#id_email": "not an address"})
    yield "follow-error"
    page.goto("/accounts/signup/")
    submit(page, "main form", {"#id_username": "x", "#id_email": "y"})
    yield "signup-errors"
    page.goto("/accounts/login/")
    submit(page, "main form", {"#id_username": "nobody", "#id_password": "wrong"})
    yield "login-error"
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    submit(page, "main form", {"#id_username": "nobody", "#id_password": "wrong"})
    yield "403-csrf"


@pytest.mark.parametrize("width", [1280, 390])
def test_reader_pages_break_no_axe_rule(browser, live_server, demo, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    found = {}
    for name in reader_pages(page):
        if violations := axe_violations(page):
            found[name] = violations
            screenshot(page, f"a11y-{name}-{width}")
    context.close()
    assert found == {}


def test_reader_pages_are_valid_html(page, demo, tmp_path):
    documents = {}
    page.on(
        "response",
        lambda r: r.request.resource_type == "document" and documents.update(current=r),
    )
    pages = {}
    for name in reader_pages(page):
        pages[name] = documents["current"].text()
    assert html_errors(pages, tmp_path / "html") == []


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_reader_pages_scroll_no_wider_than_the_screen(browser, live_server, demo, width):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, base_url=live_server.url
    )
    page = context.new_page()
    too_wide = {}
    for name in reader_pages(page):
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width
        if name in {"home", "post-reply-form-open", "signup-errors", "500"}:
            screenshot(page, f"reflow-{name}-{width}")
    context.close()
    assert too_wide == {}


# The focused element: what it is, and the contrast of its focus ring with the background the
# ring is drawn on (the parent's, up to the first one that is not transparent).
FOCUSED = """() => {
  const el = document.activeElement;
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255).map(
    v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = el.parentElement;
  while (bg && (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)')) bg = bg.parentElement;
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.outlineColor), lum(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)')];
  return {id: el.id, text: el.innerText || el.value || '', cls: el.className || '',
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def tab(page, times=1, back=False):
    for _ in range(times):
        page.keyboard.press("Shift+Tab" if back else "Tab")
    return page.evaluate(FOCUSED)


def tab_walk(page, limit=250):
    """Tab from the top of the page to the sidebar's follow form; every element focused."""
    walk = [tab(page)]
    while walk[-1]["id"] != "follow-email" and limit:
        walk.append(tab(page))
        limit -= 1
    return walk


def position(walk, test):
    return next(i for i, el in enumerate(walk) if test(el))


@pytest.fixture
def post_page(page, demo):
    page.goto(reference_post().get_absolute_url())
    return page


def test_tab_order_runs_from_skip_link_through_post_likes_comments_to_follow(post_page):
    walk = tab_walk(post_page)
    assert walk[0]["text"] == "Skip to content"
    order = [
        position(walk, lambda el: "like-button" in el["cls"]),
        position(walk, lambda el: "comment-reply-link" in el["cls"]),
        position(walk, lambda el: el["id"] == "id_comment"),
        position(walk, lambda el: el["id"] == "submit"),
        position(walk, lambda el: el["id"] == "follow-email"),
    ]
    assert order == sorted(order)


def test_focus_ring_has_three_to_one_contrast_wherever_it_shows(post_page):
    walk = tab_walk(post_page)
    weak = [
        (el["id"] or el["text"][:30], round(el["contrast"], 1))
        for el in walk
        if not el["outline"] or el["contrast"] < 3
    ]
    assert weak == []


def test_cancel_reply_returns_focus_to_the_reply_link(post_page):
    reply = post_page.locator(".children .comment-reply-link").first
    reply.focus()
    post_page.keyboard.press("Enter")
    assert post_page.evaluate("document.activeElement.id") == "id_comment"
    while post_page.evaluate("document.activeElement.id") != "cancel-comment-reply-link":
        post_page.keyboard.press("Shift+Tab")
    post_page.keyboard.press("Enter")
    assert reply.evaluate("link => link === document.activeElement")
