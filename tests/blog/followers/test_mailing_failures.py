"""A post's emails to followers when people's text is strange or a mailing fails for good:
one-line headers, a visible error on the post's admin page, and sending again after a fix."""

import pytest
from django.utils import timezone

from blog.followers import deliveries
from blog.followers import services as followers
from blog.followers.models import Delivery, Follower
from blog.models import Post, SiteSettings
from tests.factories import make_post, make_user
from tests.smtpserver import SMTPServer
from tests.worker import run_until_idle

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)

TITLE = "Fuel prices rise\u2028again"
BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server.recorder


@pytest.fixture
def editor(client):
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user


def add_followers(count, prefix="reader"):
    rows = [Follower(email=f"{prefix}{n}@example.com", status="active") for n in range(count)]
    return Follower.objects.bulk_create(rows)


def quiet_post(title="News of the day", **fields):
    """A live post whose announcement job the test does not run."""
    post = make_post(title, **fields)
    Post.objects.filter(pk=post.pk).update(announced_at=timezone.now())
    return post


def send_now(post):
    deliveries.deliveries_plan(post_id=post.pk)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    deliveries.deliveries_send_batch(post_id=post.pk, first_id=min(ids), last_id=max(ids))


def statuses(post):
    return sorted(Delivery.objects.filter(post=post).values_list("status", flat=True))


# Line breaks in people's text


@committed
def test_post_titled_with_a_line_separator_reaches_every_follower(run_jobs, smtp):
    add_followers(3)
    post = make_post(TITLE)
    run_until_idle(run_jobs)
    assert sorted(smtp.recipients()) == [f"reader{n}@example.com" for n in range(3)]
    assert {message["Subject"] for message in smtp.parsed()} == {"Fuel prices rise again"}
    assert statuses(post) == ["sent"] * 3


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
def test_post_title_with_any_line_break_becomes_a_one_line_subject(smtp, brk):
    add_followers(1)
    send_now(quiet_post(f"Fuel prices rise{brk}again"))
    [message] = smtp.parsed()
    assert message["Subject"] == "Fuel prices rise again"


def test_site_title_with_a_line_break_gives_a_one_line_list_id(smtp):
    site = SiteSettings.load()
    site.title = "The\u2029Newsroom"
    site.save()
    add_followers(1)
    send_now(quiet_post())
    [message] = smtp.parsed()
    assert message["List-Id"] == "The Newsroom <followers.testserver>"


def test_test_email_of_a_post_with_a_line_break_in_its_title_is_sent(smtp):
    post = quiet_post(TITLE)
    deliveries.post_send_test(post_id=post.pk, email="editor@example.com")
    [message] = smtp.parsed()
    assert message["Subject"] == "[Test] Fuel prices rise again"


def test_an_address_no_mail_can_carry_fails_alone_and_is_not_a_bounce(smtp):
    add_followers(2)
    odd = Follower.objects.create(email="odd@bad\u2028domain.example", status="active")
    post = quiet_post()
    send_now(post)
    assert sorted(smtp.recipients()) == ["reader0@example.com", "reader1@example.com"]
    row = Delivery.objects.get(post=post, follower=odd)
    assert row.status == "failed" and "cannot be sent to" in row.last_error
    odd.refresh_from_db()
    assert (odd.status, odd.bounces) == ("active", 0)


# A mailing that fails for good


def broken_mailing(monkeypatch):
    def fail(post):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(deliveries, "post_mailing", fail)


@committed
def test_mailing_that_fails_for_good_is_not_retried_and_fails_its_rows(run_jobs, smtp, monkeypatch):
    add_followers(2)
    broken_mailing(monkeypatch)
    post = make_post()
    jobs = run_until_idle(run_jobs)
    [batch] = [job for job in jobs.values() if job["task_name"].endswith("send_post_batch")]
    assert batch["status"] == "failed"  # not retried: no retry mends it
    assert statuses(post) == ["failed", "failed"]
    assert "ValueError: Header values may not contain" in Delivery.objects.first().last_error


def test_post_admin_page_shows_why_emails_failed_and_offers_to_send_again(
    client, editor, smtp, monkeypatch
):
    add_followers(2)
    broken_mailing(monkeypatch)
    post = quiet_post()
    with pytest.raises(ValueError):
        send_now(post)
    body = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Why emails failed" in body
    assert "ValueError: Header values may not contain linefeed" in body
    assert "2 followers" in body
    assert "Send again to the 2 followers not reached" in body


def test_post_admin_page_offers_no_resend_when_every_email_was_sent(client, editor, smtp):
    add_followers(2)
    post = quiet_post()
    send_now(post)
    body = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Send again" not in body and "Why emails failed" not in body


@committed
def test_send_again_after_a_fix_reaches_only_followers_not_reached(
    client, editor, smtp, monkeypatch, run_jobs, django_capture_on_commit_callbacks
):
    add_followers(3)
    post = quiet_post(TITLE)
    deliveries.deliveries_plan(post_id=post.pk)
    first = Follower.objects.get(email="reader0@example.com")
    deliveries.deliveries_send_batch(post_id=post.pk, first_id=first.pk, last_id=first.pk)
    with monkeypatch.context() as patch:
        broken_mailing(patch)
        with pytest.raises(ValueError):
            send_now(post)
    add_followers(1, prefix="latecomer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/blog/post/{post.pk}/followers/resend/")
    assert response.status_code == 302
    run_until_idle(run_jobs)
    assert sorted(smtp.recipients()) == [f"reader{n}@example.com" for n in range(3)]
    assert statuses(post) == ["sent"] * 3


def test_send_again_answers_a_get_with_405(client, editor):
    post = quiet_post()
    assert client.get(f"/admin/blog/post/{post.pk}/followers/resend/").status_code == 405


def test_send_again_is_refused_to_an_editor_who_cannot_change_the_post(client):
    post = quiet_post()
    client.force_login(make_user("someone", group="Author"))
    response = client.post(f"/admin/blog/post/{post.pk}/followers/resend/")
    assert response.status_code in (403, 404)
    assert not Delivery.objects.exists()


def test_confirmation_email_of_a_site_titled_with_a_line_break_is_sent(smtp):
    site = SiteSettings.load()
    site.title = "The\u2028Newsroom"
    site.save()
    follower = Follower.objects.create(email="new@example.com")
    assert followers.confirmation_send(follower_id=follower.pk)
    [message] = smtp.parsed()
    assert message["Subject"] == "Confirm that you want to follow The Newsroom"
