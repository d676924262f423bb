"""The links in xtd's mails: a guest's confirmation link and a follow-up's "stop" link.
Opening one (GET, as mail scanners do) changes nothing; its button (POST) does."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from blog.models import SiteSettings
from comments import services
from comments.models import Comment
from tests.comments.factories import form_data, make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"/comments/confirm/[^/\s\"]+/")
MUTE_LINK = re.compile(r"/comments/mute/[^/\s\"]+/")


@pytest.fixture
def link(client, work, rules, django_capture_on_commit_callbacks):
    """A guest posts a comment on a new post; the confirmation link mailed to them."""

    def make(post=None, **fields):
        post = post or make_post("Fuel prices")
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/comments/post/", form_data(post, **fields))
        work()
        return CONFIRM_LINK.search(mail.outbox.pop().body).group(0)

    return make


def test_opening_a_confirmation_link_shows_the_comment_and_publishes_nothing(client, link):
    url = link(comment="Prices rose twice this week.", name="Ada Reader")
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Prices rose twice this week." in body and "Ada Reader" in body
    assert "Publish my comment" in body and 'method="post"' in body
    assert not Comment.objects.exists()


def test_confirmation_button_publishes_the_comment(client, link):
    response = client.post(link(comment="Prices rose twice this week."))
    comment = Comment.objects.get()
    assert (comment.comment, comment.status) == ("Prices rose twice this week.", "approved")
    assert response.status_code == 302


def test_confirmation_page_escapes_the_comment(client, link):
    body = client.get(link(comment="<script>alert(1)</script>")).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_opening_a_confirmed_link_again_leads_to_the_comment(client, link):
    url = link()
    client.post(url)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == Comment.objects.get().get_absolute_url()


@pytest.mark.parametrize(
    "mangle",
    [lambda key: key[:-5], lambda key: key[:10], lambda key: "x" + key, lambda key: "%E2%80%A8"],
    ids=["cut-short", "a-stub", "tampered", "line-separator"],
)
def test_a_bad_confirmation_link_gets_a_clear_page_and_publishes_nothing(client, link, mangle):
    key = link().split("/")[-2]
    response = client.post(f"/comments/confirm/{mangle(key)}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_confirmation_link_with_a_nul_is_no_address_and_publishes_nothing(client, link):
    """A NUL in any address answers 404 before anything reads it (blog.middleware)."""
    link()
    response = client.post("/comments/confirm/%00%E2%80%A8/")
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_confirmation_link_older_than_a_week_no_longer_works(client, link, monkeypatch):
    url = link()
    monkeypatch.setattr(services, "CONFIRM_MAX_AGE", timedelta(0))
    response = client.post(url)
    assert response.status_code == 400
    assert "work for a week" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_confirmation_link_of_a_deleted_post_gets_a_clear_page(client, link):
    post = make_post()
    url = link(post)
    post.delete()
    response = client.get(url)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_confirming_after_comments_closed_publishes_nothing(client, link):
    post = make_post()
    url = link(post)
    post.comments_open = False
    post.save()
    response = client.post(url)
    assert "Comment not posted" in response.content.decode()
    assert not Comment.objects.exists()


# The follow-up mail's "stop" link


@pytest.fixture
def mute_link(client, link, work):
    """A follower of a post and the "stop" link of the follow-up mail they got."""

    def make():
        post = make_post()
        make_comment(post, "I follow this", user_email="fan@example.com", followup=True)
        client.post(link(post))
        work()
        [followup] = [m for m in mail.outbox if m.to == ["fan@example.com"]]
        return post, MUTE_LINK.search(followup.body).group(0)

    return make


@pytest.mark.django_db(transaction=True)
def test_opening_a_stop_link_asks_first_and_stops_nothing(client, mute_link):
    _post, url = mute_link()
    body = client.get(url).content.decode()
    assert "Stop these emails" in body and "fan@example.com" in body
    assert Comment.objects.get(user_email="fan@example.com").followup


@pytest.mark.django_db(transaction=True)
def test_stop_button_stops_the_follow_up_emails(client, mute_link):
    _post, url = mute_link()
    assert "You will not receive emails" in client.post(url).content.decode()
    assert not Comment.objects.get(user_email="fan@example.com").followup


@pytest.mark.django_db(transaction=True)
def test_stop_link_of_a_deleted_post_still_works(client, mute_link):
    post, url = mute_link()
    post.delete()
    assert client.post(url).status_code == 200
    assert not Comment.objects.get(user_email="fan@example.com").followup


def test_a_bad_stop_link_gets_a_clear_page(client):
    response = client.get("/comments/mute/not-a-real-key.abc/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_a_confirmation_key_does_not_work_as_a_stop_link(client, link):
    key = link().split("/")[-2]
    assert client.post(f"/comments/mute/{key}/").status_code == 400


# What the mails say


@pytest.fixture
def blog_named(db):
    site = SiteSettings.load()
    site.title = "Iran News Watch"
    site.save()


def test_confirmation_mail_names_the_post_and_comes_from_the_blog(
    client, work, rules, blog_named, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comments/post/", form_data(make_post("Fuel prices")))
    work()
    [message] = mail.outbox
    assert message.subject == "Confirm your comment on “Fuel prices”"
    assert message.from_email == "Iran News Watch <blog@localhost>"
    assert message.body.rstrip().endswith("--\nIran News Watch")


@pytest.mark.django_db(transaction=True)
def test_follow_up_mail_names_the_post_and_comes_from_the_blog(client, link, work, blog_named):
    post = make_post("Fuel prices")
    make_comment(post, "I follow this", user_email="fan@example.com", followup=True)
    client.post(link(post))
    work()
    [followup] = [m for m in mail.outbox if m.to == ["fan@example.com"]]
    assert followup.subject == "New comment on “Fuel prices”"
    assert followup.from_email == "Iran News Watch <blog@localhost>"
    assert "Iran News Watch" in followup.alternatives[0].content
