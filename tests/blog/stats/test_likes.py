import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog import selectors
from blog.models import Post
from blog.stats import likes
from blog.stats.models import Like
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def like(client, post, value="1", **extra):
    return client.post(f"/likes/{post.pk}/", {"like": value}, **extra)


def likes_line(client, post):
    body = client.get(post.get_absolute_url()).content.decode()
    start = body.index('<section class="likes"')
    return body[start : body.index("</section>", start)]


def test_post_page_invites_the_first_like(client):
    post = make_post()
    line = likes_line(client, post)
    assert "Be the first to like this." in line
    # No CSRF token: the page is cached for every reader; the like view checks the browser's
    # Sec-Fetch-Site/Origin instead (tests/blog/test_crossorigin.py).
    assert f'action="/likes/{post.pk}/"' in line and "csrfmiddlewaretoken" not in line


def test_signed_in_reader_likes_a_post_and_is_sent_back_to_it(client):
    post = make_post()
    client.force_login(make_user("amira"))
    response = like(client, post)
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#likes"
    line = likes_line(client, post)
    assert "You like this." in line and 'aria-pressed="true"' in line


def test_one_like_per_signed_in_reader(client):
    post = make_post()
    client.force_login(make_user())
    like(client, post)
    like(client, post)
    assert Like.objects.filter(post=post).count() == 1


def test_reader_can_take_a_like_back(client):
    post = make_post()
    client.force_login(make_user())
    like(client, post)
    like(client, post, value="0")
    assert not Like.objects.exists()
    assert "Be the first to like this." in likes_line(client, post)


def test_likes_line_counts_bloggers_and_shows_signed_in_likers(client):
    post = make_post()
    for name in ("Nasrin Ahmadi", "Omid Rahimi"):
        Like.objects.create(post=post, user=make_user(name.split()[0].lower()))
    Like.objects.create(post=post, browser="0b6d7f5e-1111-4a4a-9c9c-123456789abc")
    line = likes_line(client, post)
    assert "3 bloggers like this." in line
    assert line.count('class="avatar initials"') == 2
    assert 'aria-label="Nasrin"' in line and ">N<" in line
    assert 'aria-label="Omid"' in line and ">O<" in line


def test_one_liker_reads_in_the_singular(client):
    post = make_post()
    Like.objects.create(post=post, user=make_user())
    assert "1 blogger likes this." in likes_line(client, post)


def test_liker_sees_themselves_counted_with_the_others(client):
    post = make_post()
    Like.objects.create(post=post, user=make_user())
    client.force_login(make_user())
    like(client, post)
    assert "You and 1 other blogger like this." in likes_line(client, post)


def test_anonymous_like_is_remembered_per_browser(client):
    post = make_post()
    response = like(client, post)
    assert response.status_code == 302
    assert likes.COOKIE in response.cookies
    like(client, post)
    assert Like.objects.filter(post=post).count() == 1
    assert "You like this." in likes_line(client, post)


def test_another_browser_adds_its_own_like(client):
    post = make_post()
    like(client, post)
    like(Client(), post, REMOTE_ADDR="198.51.100.1")
    assert Like.objects.filter(post=post, user=None).count() == 2


def test_browsers_without_the_cookie_like_a_post_once_per_address_per_day():
    post = make_post()
    for _ in range(5):
        assert like(Client(), post, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert Like.objects.filter(post=post).count() == 1


def test_clearing_the_cookie_does_not_like_a_post_again(client):
    post = make_post()
    like(client, post)
    client.cookies.clear()
    like(client, post)
    assert Like.objects.filter(post=post).count() == 1


def test_likes_from_one_address_across_posts_are_capped_per_day(client, monkeypatch):
    monkeypatch.setattr(likes, "DAILY_LIMIT", 2)
    posts = [make_post() for _ in range(3)]
    assert [like(client, post).status_code for post in posts] == [302, 302, 429]
    assert Like.objects.count() == 2


def test_tampered_browser_cookie_is_not_trusted(client):
    post = make_post()
    like(client, post)
    client.cookies[likes.COOKIE] = client.cookies[likes.COOKIE].value.replace("-", "0", 1)
    like(client, post, REMOTE_ADDR="198.51.100.1")  # known by this address instead
    assert Like.objects.count() == 2


def test_likes_are_rate_limited_per_address(client):
    post = make_post()
    for click in range(likes.RATE_LIMIT):  # like, unlike, like, ...
        assert like(client, post, "10"[click % 2], REMOTE_ADDR="203.0.113.9").status_code == 302
    response = like(client, post, "1", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many likes from your network" in response.content.decode()
    assert not Like.objects.exists()
    assert like(Client(), post, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_like_needs_the_csrf_token():
    post = make_post()
    response = like(Client(enforce_csrf_checks=True), post)
    assert response.status_code == 403
    assert not Like.objects.exists()


def test_like_is_post_only(client):
    post = make_post()
    assert client.get(f"/likes/{post.pk}/").status_code == 405


def test_drafts_cannot_be_liked(client):
    draft = make_post(status=Post.Status.DRAFT)
    assert like(client, draft).status_code == 404
    assert not Like.objects.exists()


def test_script_gets_the_new_likes_line_back(client):
    post = make_post()
    response = like(client, post, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<section class="likes"')
    assert "You like this." in body and "<script" not in body


def test_preview_has_no_like_button(client):
    client.force_login(make_user("ed", group="Editor"))
    draft = make_post(status=Post.Status.DRAFT)
    assert 'class="likes"' not in client.get(draft.get_absolute_url()).content.decode()


def test_a_like_belongs_to_a_user_or_a_browser_never_both():
    post, user = make_post(), make_user()
    with pytest.raises(IntegrityError):
        Like.objects.create(post=post, user=user, browser="0b6d7f5e-1111-4a4a-9c9c-123456789abc")


def test_post_page_queries_do_not_grow_with_likes(client, settings):
    post = make_post()
    Like.objects.create(post=post, user=make_user())  # the likers' avatars: one more query
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(post.get_absolute_url())
    for _ in range(30):
        Like.objects.create(post=post, user=make_user())
    with CaptureQueriesContext(connection) as many:
        client.get(post.get_absolute_url())
    assert len(many) == len(few)


def test_post_page_without_signed_in_likers_reads_no_likers(client, settings):
    post = make_post()
    settings.PAGE_CACHE_SECONDS = 0
    Like.objects.create(post=post, browser="0b6d7f5e-1111-4a4a-9c9c-123456789abc")
    client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        body = client.get(post.get_absolute_url()).content.decode()
    assert "1 blogger likes this." in body
    assert not [q for q in queries if 'INNER JOIN "blog_like"' in q["sql"]]


def test_likes_come_with_the_post_for_its_page_for_a_reader_who_cannot_have_liked():
    post = make_post()
    Like.objects.create(post=post, browser="0b6d7f5e-1111-4a4a-9c9c-123456789abc")
    Like.objects.create(post=post, browser="0b6d7f5e-2222-4a4a-9c9c-123456789abc")
    page_post = selectors.post_for_page(post.slug)
    with CaptureQueriesContext(connection) as queries:
        shown = likes.post_likes(page_post)
    assert len(queries) == 0
    assert (shown["count"], shown["liked"], shown["likers"]) == (2, False, [])
