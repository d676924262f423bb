"""Following the blog: the widget, double opt-in, leaving, and the followers' admin."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.followers import csvfile
from blog.followers import services as followers
from blog.followers.models import Delivery, Follower
from blog.models import SiteSettings
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
# The worker runs tasks in another thread, on another connection: rows must be committed.
committed = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = re.compile(r"http://testserver(/followers/confirm/[^/\s\"]+/)")


@pytest.fixture
def follow_widget():
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": "follow-blog, recent"})


def add_followers(count, status=Follower.Status.ACTIVE, prefix="reader"):
    rows = [Follower(email=f"{prefix}{n}@example.com", status=status) for n in range(count)]
    return Follower.objects.bulk_create(rows)


def follow(client, address, **extra):
    return client.post("/followers/", {"email": address}, **extra)


def confirm_path(message):
    return CONFIRM_LINK.search(message.body).group(1)


def subscribe_and_get_link(client, run_jobs, django_capture_on_commit_callbacks, address):
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, address)
    run_jobs()
    return confirm_path(mail.outbox[-1])


# The widget


def test_widget_invites_to_follow_with_the_number_of_followers(client, follow_widget):
    add_followers(3)
    add_followers(2, status=Follower.Status.UNSUBSCRIBED, prefix="gone")
    body = client.get("/").content.decode()
    assert "Get every new post delivered to your Inbox." in body
    assert "Join 3 other followers" in body
    assert 'name="email"' in body and 'action="/followers/"' in body


def test_widget_number_costs_no_query_once_cached_and_changes_with_a_new_follower(
    client, follow_widget
):
    add_followers(2)
    client.cookies["reader"] = "known"  # past the page cache: the widget's own cache
    client.get("/")  # the first page makes the site settings, a change of its own
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/").content.decode()
    assert "Join 2 other followers" in body
    assert not [q for q in queries if "blog_follower" in q["sql"]]
    add_followers(5, prefix="late")
    assert "Join 7 other followers" in client.get("/").content.decode()


def test_home_page_with_the_widget_runs_a_fixed_number_of_queries(client, follow_widget, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    make_post()
    add_followers(1)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add_followers(50, prefix="more")
    make_post()
    cache.clear()
    client.get("/")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_signed_in_reader_sees_a_one_click_button_and_no_email_field(client, follow_widget):
    client.force_login(make_user("reader"))
    body = client.get("/").content.decode()
    widget = body[body.index("widget-follow-blog") :]
    widget = widget[: widget.index("</section>")]
    assert 'name="email"' not in widget
    assert ">Follow</button>" in widget


# Double opt-in


@committed
def test_follow_asks_to_confirm_by_email(client, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, "New.Reader@Example.COM")
    assert response.status_code == 302
    assert response["Location"] == "/followers/check-your-inbox/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    follower = Follower.objects.get()
    assert (follower.email, follower.status) == ("New.Reader@example.com", "pending")
    assert mail.outbox == []  # sent by the worker, not in the request
    run_jobs()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["New.Reader@example.com"]
    assert "Confirm" in message.subject
    assert CONFIRM_LINK.search(message.body)
    assert CONFIRM_LINK.search(message.alternatives[0].content)


@committed
def test_confirmation_link_opens_a_page_with_a_button_and_the_button_confirms(
    client, run_jobs, django_capture_on_commit_callbacks
):
    path = subscribe_and_get_link(client, run_jobs, django_capture_on_commit_callbacks, "a@x.org")
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, send me new posts" in page.content.decode()
    assert Follower.objects.get().status == "pending"  # a mail scanner's GET confirms nothing
    done = client.post(path)
    assert "You’re following" in done.content.decode()
    follower = Follower.objects.get()
    assert follower.status == "active" and follower.confirmed_at is not None


@committed
def test_confirmation_link_expires_after_a_week(
    client, run_jobs, django_capture_on_commit_callbacks
):
    path = subscribe_and_get_link(client, run_jobs, django_capture_on_commit_callbacks, "a@x.org")
    later = time.time() + followers.CONFIRM_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(path)
    assert response.status_code == 400
    assert "no longer works" in response.content.decode()
    assert Follower.objects.get().status == "pending"


def test_forged_confirmation_link_confirms_nothing(client):
    add_followers(1, status=Follower.Status.PENDING)
    response = client.post("/followers/confirm/WzEsImEiXQ:1u:forged/")
    assert response.status_code == 400
    assert Follower.objects.get().status == "pending"


@committed
def test_follow_answers_the_same_whether_or_not_the_address_follows(
    client, run_jobs, django_capture_on_commit_callbacks
):
    Follower.objects.create(email="member@example.com", status=Follower.Status.ACTIVE)
    Follower.objects.create(email="waiting@example.com", status=Follower.Status.PENDING)
    answers = []
    for address in ["stranger@example.com", "MEMBER@example.com", "waiting@example.com"]:
        response = follow(Client(REMOTE_ADDR=f"10.0.0.{len(answers)}"), address)
        answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1


@committed
def test_follow_sends_nothing_to_an_address_already_following(
    client, run_jobs, django_capture_on_commit_callbacks
):
    Follower.objects.create(email="member@example.com", status=Follower.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, "Member@Example.com")
    run_jobs()
    assert mail.outbox == []
    assert Follower.objects.count() == 1


@committed
def test_follow_form_cannot_mail_bomb_an_address(
    client, run_jobs, django_capture_on_commit_callbacks
):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = follow(Client(REMOTE_ADDR=f"10.0.1.{n}"), "victim@example.com")
        assert response.status_code == 302
    run_jobs()
    assert len(mail.outbox) == 1


def test_follow_form_is_rate_limited_per_network_address(client):
    limit = followers.IP_LIMIT[0]
    for n in range(limit):
        assert follow(client, f"someone{n}@example.com").status_code == 302
    response = follow(client, "one-more@example.com")
    assert response.status_code == 429
    assert "try again" in response.content.decode()
    assert not Follower.objects.filter(email="one-more@example.com").exists()


@pytest.mark.parametrize("address", ["", "not-an-address", "a@b", "x" * 250 + "@example.com"])
def test_follow_with_a_bad_address_explains_and_changes_nothing(client, address):
    response = follow(client, address)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Follower.objects.exists()


def test_follow_page_works_without_the_sidebar(client):
    response = client.get("/followers/")
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_follower_address_is_unique_whatever_the_letter_case():
    Follower.objects.create(email="Someone@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Follower.objects.create(email="someone@EXAMPLE.com")


@committed
def test_leaving_and_following_again_needs_a_new_confirmation(
    client, run_jobs, django_capture_on_commit_callbacks
):
    follower = Follower.objects.create(email="back@example.com", status="unsubscribed")
    path = subscribe_and_get_link(
        client, run_jobs, django_capture_on_commit_callbacks, "back@example.com"
    )
    follower.refresh_from_db()
    assert follower.status == "unsubscribed"
    client.post(path)
    follower.refresh_from_db()
    assert follower.status == "active" and follower.left_at is None


# Signed-in readers


def test_signed_in_reader_follows_with_one_click(client, follow_widget):
    user = make_user("reader")
    client.force_login(user)
    response = client.post("/followers/", {"next": "/2024/"})
    assert response.status_code == 302 and response["Location"] == "/2024/"
    follower = Follower.objects.get()
    assert (follower.email, follower.status, follower.user) == (user.email, "active", user)
    assert "You follow this blog" in client.get("/").content.decode()
    assert mail.outbox == []


def test_signed_in_reader_stops_following_with_one_click(client, follow_widget):
    user = make_user("reader")
    client.force_login(user)
    client.post("/followers/")
    client.post("/followers/leave/", {"next": "https://evil.example/"})
    assert Follower.objects.get().status == "unsubscribed"
    assert 'name="email"' not in client.get("/").content.decode().split("widget-follow-blog")[1]


# Leaving


def test_unsubscribe_link_opens_a_page_with_a_button(client):
    follower = Follower.objects.create(email="a@example.com", status="active")
    url = followers.unsubscribe_url(follower.pk).removeprefix("http://testserver")
    page = client.get(url)
    assert page.status_code == 200
    assert ">Unsubscribe</button>" in page.content.decode()
    follower.refresh_from_db()
    assert follower.status == "active"


def test_one_click_unsubscribe_needs_no_login_or_csrf_token():
    follower = Follower.objects.create(email="a@example.com", status="active")
    url = followers.unsubscribe_url(follower.pk).removeprefix("http://testserver")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    follower.refresh_from_db()
    assert follower.status == "unsubscribed" and follower.left_at is not None


def test_unsubscribe_with_a_forged_token_changes_nothing(client):
    follower = Follower.objects.create(email="a@example.com", status="active")
    response = client.post(f"/followers/unsubscribe/{follower.pk}:forged/")
    assert response.status_code == 404
    follower.refresh_from_db()
    assert follower.status == "active"


# Admin


@pytest.fixture
def editor(client):
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user


def test_admin_follower_list_counts_by_status_in_fixed_queries(client, editor):
    add_followers(3)
    add_followers(2, status=Follower.Status.PENDING, prefix="wait")
    client.get("/admin/followers/follower/")
    with CaptureQueriesContext(connection) as few:
        body = client.get("/admin/followers/follower/").content.decode()
    assert re.search(r"<strong>3</strong> following", body)
    assert re.search(r"<strong>2</strong> waiting for confirmation", body)
    add_followers(30, prefix="more")
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/followers/follower/")
    assert len(many) == len(few)


def test_admin_follower_list_filters_and_searches(client, editor):
    add_followers(2)
    Follower.objects.create(email="findme@example.org", status="bounced")
    body = client.get("/admin/followers/follower/?q=findme").content.decode()
    assert "findme@example.org" in body and "reader0@example.com" not in body
    body = client.get("/admin/followers/follower/?status__exact=bounced").content.decode()
    assert "findme@example.org" in body and "reader1@example.com" not in body


def upload(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("followers.csv", text.encode(), content_type="text/csv")


@committed
def test_admin_import_asks_imported_addresses_to_confirm(
    client, editor, run_jobs, django_capture_on_commit_callbacks
):
    Follower.objects.create(email="old@example.com", status="unsubscribed")
    csv_text = (
        "name,email\nA,new1@example.com\nB,OLD@example.com\nC,not an address\nD,new2@example.com\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/followers/follower/import/", {"file": upload(csv_text), "must_confirm": "on"},
            follow=True,
        )  # fmt: skip
    body = response.content.decode()
    assert "2 addresses added" in body and "1 followed already" in body
    assert "not an address" in body
    assert set(Follower.objects.filter(source="import").values_list("status", flat=True)) == {
        "pending"
    }
    assert Follower.objects.get(email="old@example.com").status == "unsubscribed"
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == ["new1@example.com", "new2@example.com"]


@committed
def test_admin_import_without_confirmation_makes_followers_active_at_once(
    client, editor, run_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/followers/follower/import/", {"file": upload("a@example.com\nb@example.com\n")}
        )
    run_jobs()
    assert list(Follower.objects.values_list("status", flat=True)) == ["active", "active"]
    assert mail.outbox == []


def test_admin_export_gives_the_filtered_list_as_csv(client, editor):
    add_followers(2)
    Follower.objects.create(email="left@example.com", status="unsubscribed")
    response = client.get("/admin/followers/follower/export/?status__exact=active")
    assert response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "email,status,source,subscribed_at,confirmed_at,left_at"
    assert sorted(line.split(",")[0] for line in lines[1:]) == [
        "reader0@example.com",
        "reader1@example.com",
    ]


def test_admin_export_keeps_spreadsheets_from_reading_an_address_as_a_formula(client, editor):
    Follower.objects.create(email="=1+2@example.com", status="active")
    response = client.get("/admin/followers/follower/export/")
    text = b"".join(response.streaming_content).decode()
    assert "\n'=1+2@example.com," in text
    assert csvfile.addresses_from_csv(text) == ["=1+2@example.com"]


@committed
def test_admin_resend_confirmation_mails_only_those_waiting(
    client, editor, run_jobs, django_capture_on_commit_callbacks
):
    add_followers(1, status=Follower.Status.PENDING, prefix="wait")
    add_followers(1)
    ids = [str(pk) for pk in Follower.objects.values_list("pk", flat=True)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/followers/follower/",
            {"action": "resend_confirmation", "_selected_action": ids},
        )
    run_jobs()
    assert [m.to for m in mail.outbox] == [["wait0@example.com"]]


def test_admin_post_page_shows_the_emails_progress(client, editor):
    post = make_post()
    rows = add_followers(4)
    statuses = ["sent", "sent", "queued", "failed"]
    Delivery.objects.bulk_create(
        Delivery(post=post, follower=f, status=s) for f, s in zip(rows, statuses, strict=True)
    )
    body = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert '<progress max="4" value="3"' in body
    assert "Send me a test email of this post" in body
    progress = client.get(f"/admin/blog/post/{post.pk}/followers/progress/").json()
    assert (progress["sent"], progress["queued"], progress["failed"]) == (2, 1, 1)


@committed
def test_admin_sends_the_editor_a_test_email_of_the_post(
    client, editor, run_jobs, django_capture_on_commit_callbacks
):
    post = make_post("A post to check")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/blog/post/{post.pk}/followers/send-test/")
    assert response.status_code == 302
    run_jobs()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [editor.email]
    assert mail.outbox[0].subject == "[Test] A post to check"
    assert not Delivery.objects.exists()


@committed
def test_followers_mail_comes_from_the_blogs_name(
    client, editor, run_jobs, django_capture_on_commit_callbacks
):
    site = SiteSettings.load()
    site.title = "Iran News Watch"
    site.save()
    post = make_post("A post to check")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/blog/post/{post.pk}/followers/send-test/")
    run_jobs()
    assert mail.outbox[0].from_email == "Iran News Watch <blog@localhost>"


ADDRESS_261 = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "eeee"])


def test_import_reports_a_261_character_address_and_adds_the_others():
    result = csvfile.followers_import(addresses=["ok@example.com", ADDRESS_261], must_confirm=False)
    assert (len(result.added), result.invalid) == (1, [ADDRESS_261])
    assert list(Follower.objects.values_list("email", flat=True)) == ["ok@example.com"]


def test_admin_import_names_an_address_over_254_characters(client, editor):
    response = client.post("/admin/followers/follower/import/",
                           {"file": upload(f"email\n{ADDRESS_261}\nok@example.com\n")},
                           follow=True)  # fmt: skip
    body = response.content.decode()
    assert "1 address added" in body
    assert "1 line is not an address mail can go to (malformed, or over 254 characters)" in body


def test_import_with_a_nul_character_in_an_address_reports_it():
    result = csvfile.followers_import(addresses=["a\x00b@example.com"], must_confirm=False)
    assert result.invalid == ["a\x00b@example.com"] and not Follower.objects.exists()
