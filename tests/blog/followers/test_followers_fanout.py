"""Every new post to every follower: the ledger, the batches, and real SMTP on 127.0.0.1."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from blog.followers import deliveries
from blog.followers import services as followers
from blog.followers.models import Delivery, Follower
from blog.models import Post, SiteSettings
from tests.factories import make_post
from tests.smtpserver import SMTPServer
from tests.worker import run_until_idle

pytestmark = pytest.mark.django_db
# The worker runs tasks in another thread, on another connection: rows must be committed.
committed = pytest.mark.django_db(transaction=True)

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def add_followers(count, status=Follower.Status.ACTIVE, prefix="reader"):
    rows = [Follower(email=f"{prefix}{n}@example.com", status=status) for n in range(count)]
    return Follower.objects.bulk_create(rows)


def send_now(post):
    """What the worker does for a post, run here: plan, then every batch."""
    deliveries.deliveries_plan(post_id=post.pk)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    if ids:
        deliveries.deliveries_send_batch(post_id=post.pk, first_id=min(ids), last_id=max(ids))


def quiet_post(title="News of the day", **fields):
    """A live post whose announcement job the test does not run."""
    post = make_post(title, **fields)
    Post.objects.filter(pk=post.pk).update(announced_at=timezone.now())
    return post


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server.recorder


# Publishing and the task queue


@committed
def test_publishing_sends_the_post_to_every_active_follower_from_the_worker(run_jobs):
    add_followers(3)
    add_followers(1, status=Follower.Status.PENDING, prefix="waiting")
    add_followers(1, status=Follower.Status.UNSUBSCRIBED, prefix="gone")
    add_followers(1, status=Follower.Status.BOUNCED, prefix="bounced")
    post = make_post("Breaking news")
    assert mail.outbox == []  # publishing returned without sending anything
    run_until_idle(run_jobs)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "reader0@example.com",
        "reader1@example.com",
        "reader2@example.com",
    ]
    assert {message.subject for message in mail.outbox} == {"Breaking news"}
    assert Delivery.objects.filter(post=post, status="sent").count() == 3


@committed
def test_a_scheduled_post_goes_out_when_it_goes_live_not_when_saved(run_jobs):
    add_followers(2)
    post = make_post("Later", published_at=timezone.now() + timedelta(hours=1))
    run_until_idle(run_jobs)
    assert mail.outbox == []
    assert not Delivery.objects.exists()
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    from blog.tasks import announce_post

    announce_post.defer(post_id=post.pk)
    run_until_idle(run_jobs)
    assert len(mail.outbox) == 2


@committed
def test_fan_out_is_one_task_per_batch(run_jobs, monkeypatch):
    monkeypatch.setattr(deliveries, "BATCH_SIZE", 2)
    add_followers(5)
    make_post()
    jobs = run_until_idle(run_jobs)
    batches = [job for job in jobs.values() if job["task_name"].endswith("send_post_batch")]
    assert len(batches) == 3
    assert {job["status"] for job in batches} == {"succeeded"}
    assert len(mail.outbox) == 5


@committed
def test_a_temporary_smtp_failure_keeps_the_rows_waiting_and_retries_the_batch_later(
    run_jobs, smtp
):
    add_followers(3)
    smtp.refuse["reader1@example.com"] = "451 4.3.0 Mailbox busy, try later"
    post = make_post()
    jobs = run_until_idle(run_jobs)
    [batch] = [job for job in jobs.values() if job["task_name"].endswith("send_post_batch")]
    assert (batch["status"], batch["attempts"]) == ("todo", 1)
    assert batch["scheduled_at"] > timezone.now()  # backing off
    assert smtp.recipients() == ["reader0@example.com"]
    waiting = Delivery.objects.get(post=post, follower__email="reader1@example.com")
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "451" in waiting.last_error
    del smtp.refuse["reader1@example.com"]
    deliveries.deliveries_send_batch(
        post_id=post.pk, first_id=batch["args"]["first_id"], last_id=batch["args"]["last_id"]
    )
    assert sorted(smtp.recipients()) == [f"reader{n}@example.com" for n in range(3)]


# The ledger


def test_ledger_has_one_row_per_post_and_follower():
    post = quiet_post()
    [follower] = add_followers(1)
    Delivery.objects.create(post=post, follower=follower)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(post=post, follower=follower)


def test_sending_a_batch_again_sends_nobody_the_post_twice():
    add_followers(4)
    post = quiet_post()
    send_now(post)
    send_now(post)
    assert len(mail.outbox) == 4
    assert Delivery.objects.filter(post=post, status="sent").count() == 4


def test_planning_again_adds_no_rows_and_queues_no_batch_for_sent_rows(task_queue):
    add_followers(3)
    post = quiet_post()
    assert deliveries.deliveries_plan(post_id=post.pk) == 1
    send_now(post)
    assert deliveries.deliveries_plan(post_id=post.pk) == 0
    assert Delivery.objects.filter(post=post).count() == 3


def test_a_follower_who_leaves_before_the_batch_runs_gets_nothing():
    add_followers(2)
    post = quiet_post()
    deliveries.deliveries_plan(post_id=post.pk)
    leaving = Follower.objects.get(email="reader0@example.com")
    followers.follower_unsubscribe(follower=leaving)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    deliveries.deliveries_send_batch(post_id=post.pk, first_id=min(ids), last_id=max(ids))
    assert [message.to for message in mail.outbox] == [["reader1@example.com"]]
    assert not Delivery.objects.filter(follower=leaving).exists()


def test_followers_who_join_later_do_not_get_older_posts():
    post = quiet_post()
    send_now(post)
    add_followers(1)
    quiet_post("Newer")
    assert not Delivery.objects.filter(post=post).exists()


# The message


def test_email_has_title_excerpt_and_links_to_read_and_comment():
    add_followers(1)
    post = quiet_post("Why Iran was not invited", excerpt="A short summary of the story.")
    send_now(post)
    [message] = mail.outbox
    url = f"http://testserver{post.get_absolute_url()}"
    html = message.alternatives[0].content
    assert message.subject == "Why Iran was not invited"
    assert "A short summary of the story." in message.body and url in message.body
    assert f"{url}#respond" in message.body
    assert "Why Iran was not invited</a></h1>" in html and f'href="{url}#respond"' in html
    assert "Some words about the news" not in message.body  # the excerpt, not the whole post


def test_email_excerpt_keeps_paragraphs_apart_and_leaves_captions_out():
    add_followers(1)
    body = (
        "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
        "<figcaption>Photo: Reuters</figcaption></figure><p>The talks resumed.</p>"
    )
    send_now(quiet_post(body=body))
    [message] = mail.outbox
    assert "Floods along the rivers. The talks resumed." in message.body
    assert "Reuters" not in message.body
    assert "Floods along the rivers. The talks resumed." in message.alternatives[0].content


def test_email_has_the_whole_post_when_the_site_setting_says_so():
    SiteSettings.objects.update_or_create(pk=1, defaults={"follower_email_full_post": True})
    add_followers(1)
    body = '<p>First paragraph.</p><p>Second, with <a href="/about/">a link</a>.</p>'
    post = quiet_post(body=body)
    send_now(post)
    [message] = mail.outbox
    assert "First paragraph.\n\nSecond, with a link." in message.body
    assert 'href="http://testserver/about/"' in message.alternatives[0].content


def test_email_shows_the_featured_image_by_its_full_address():
    add_followers(1)
    post = quiet_post(featured_image=SimpleUploadedFile("cover.gif", GIF))
    send_now(post)
    html = mail.outbox[0].alternatives[0].content
    assert re.search(r'<img src="http://testserver/media/featured/[^"]+cover[^"]*\.gif"', html)


def test_email_escapes_the_title():
    add_followers(1)
    send_now(quiet_post("<script>alert(1)</script> & more"))
    assert "<script>alert(1)" not in mail.outbox[0].alternatives[0].content


def test_each_email_carries_its_followers_own_one_click_unsubscribe():
    add_followers(2)
    send_now(quiet_post())
    links = [message.extra_headers["List-Unsubscribe"] for message in mail.outbox]
    assert len(set(links)) == 2
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert link in message.body and link in message.alternatives[0].content
    link = links[0].strip("<>").removeprefix("http://testserver")
    Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert Follower.objects.get(email=mail.outbox[0].to[0]).status == "unsubscribed"


# Over real SMTP


def text_part(message, subtype):
    return next(
        p for p in message.walk() if p.get_content_type() == f"text/{subtype}"
    ).get_content()


def test_followers_get_well_formed_multipart_messages_over_smtp(smtp):
    add_followers(2)
    Follower.objects.create(email="idn@bücher.example", status="active")
    post = quiet_post("Ünïcode title — with a dash", excerpt="Ça va? Short and sweet.")
    send_now(post)
    messages = {message["To"]: message for message in smtp.parsed()}
    assert set(smtp.recipients()) == {
        "reader0@example.com", "reader1@example.com", "idn@xn--bcher-kva.example",
    }  # fmt: skip
    assert "idn@xn--bcher-kva.example" in messages  # headers stay ASCII, as SMTP wants
    message = messages["reader0@example.com"]
    assert message["Subject"] == "Ünïcode title — with a dash"
    assert message.get_content_type() == "multipart/alternative"
    assert message["Message-ID"] and message["Date"] and message["From"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver/followers/unsubscribe/")
    assert "Ça va? Short and sweet." in text_part(message, "plain")
    assert link in text_part(message, "plain") and link in text_part(message, "html")
    other = messages["reader1@example.com"]["List-Unsubscribe"].strip("<>")
    assert other != link
    Client().post(link.removeprefix("http://testserver"))
    assert Follower.objects.get(email="reader0@example.com").status == "unsubscribed"


def test_a_batch_sends_over_one_smtp_connection(smtp, monkeypatch):
    add_followers(5)
    send_now(quiet_post())
    assert (len(smtp.recipients()), smtp.connections) == (5, 1)


def test_a_refused_address_fails_and_is_marked_bounced_after_three_posts(smtp):
    add_followers(3)
    smtp.refuse["reader1@example.com"] = "550 5.1.1 No such user here"
    for n in range(3):
        send_now(quiet_post(f"Post {n}"))
    refused = Follower.objects.get(email="reader1@example.com")
    assert (refused.status, refused.bounces) == ("bounced", 3)
    failed = Delivery.objects.filter(follower=refused)
    assert list(failed.values_list("status", flat=True)) == ["failed"] * 3
    assert "550" in failed.first().last_error
    assert sorted(set(smtp.recipients())) == ["reader0@example.com", "reader2@example.com"]
    assert len(smtp.recipients()) == 6
    send_now(quiet_post("Post 4"))
    assert Delivery.objects.filter(follower=refused).count() == 3  # bounced: no longer sent to


def test_one_refusal_between_successes_does_not_bounce_an_address(smtp):
    add_followers(1)
    smtp.refuse["reader0@example.com"] = "550 Mailbox full"
    send_now(quiet_post("One"))
    send_now(quiet_post("Two"))
    del smtp.refuse["reader0@example.com"]
    send_now(quiet_post("Three"))
    follower = Follower.objects.get()
    assert (follower.status, follower.bounces) == ("active", 0)


def test_last_attempt_marks_the_rows_still_waiting_as_failed(smtp):
    add_followers(2)
    smtp.refuse["reader0@example.com"] = "421 4.7.0 Too busy"
    post = quiet_post()
    deliveries.deliveries_plan(post_id=post.pk)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    deliveries.deliveries_send_batch(
        post_id=post.pk, first_id=min(ids), last_id=max(ids), last_attempt=True
    )
    statuses = Delivery.objects.filter(post=post).values_list("status", flat=True)
    assert list(statuses) == ["failed", "failed"]
    assert deliveries.delivery_progress(post)["failed"] == 2


def test_a_mail_server_that_is_down_leaves_every_row_waiting(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    add_followers(2)
    post = quiet_post()
    deliveries.deliveries_plan(post_id=post.pk)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    with pytest.raises(followers.TransientSendError):
        deliveries.deliveries_send_batch(post_id=post.pk, first_id=min(ids), last_id=max(ids))
    assert set(Delivery.objects.values_list("status", "attempts")) == {("queued", 1)}


@committed
def test_two_workers_on_the_same_batch_never_send_the_same_email(smtp):
    add_followers(40)
    smtp.delay = 0.005
    post = quiet_post()
    deliveries.deliveries_plan(post_id=post.pk)
    ids = Delivery.objects.filter(post=post).values_list("follower_id", flat=True)
    results = []

    def worker():
        try:
            results.append(
                deliveries.deliveries_send_batch(
                    post_id=post.pk, first_id=min(ids), last_id=max(ids)
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = smtp.recipients()
    assert len(recipients) == len(set(recipients)) == 40
    assert sum(result.sent for result in results) == 40
    print(f"\nsent by each worker: {[result.sent for result in results]}")
