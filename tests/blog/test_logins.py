"""Fault 3 of the security review: every log-in, sign-up and reset form refuses a flood."""

import pytest
from django.contrib.auth import get_user_model

from blog.models import FailedLogin
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def admin_login(client, password, username="chief", ip="203.0.113.7"):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, REMOTE_ADDR=ip)


@pytest.fixture
def chief():
    return get_user_model().objects.create_superuser("chief", "chief@example.com", "right-pw-1")


def test_admin_login_refuses_the_right_password_after_40_wrong_ones(client, chief):
    statuses = [admin_login(client, f"wrong-{n}").status_code for n in range(40)]
    response = admin_login(client, "right-pw-1")
    assert (statuses.count(429), response.status_code) == (30, 429)


def test_admin_login_refusal_says_to_wait(client, chief):
    for n in range(11):
        response = admin_login(client, f"wrong-{n}")
    assert "Please wait a few minutes" in response.content.decode()


def test_admin_login_limits_one_account_name_tried_from_many_addresses(client, chief):
    for n in range(10):
        admin_login(client, f"wrong-{n}", ip=f"198.51.100.{n + 1}")
    assert admin_login(client, "right-pw-1", ip="192.0.2.99").status_code == 429


def test_admin_login_still_works_after_a_few_typos(client, chief):
    for n in range(3):
        admin_login(client, f"wrong-{n}")
    assert admin_login(client, "right-pw-1").status_code == 302


def test_reader_login_limits_one_account_name_tried_from_many_addresses(client):
    make_user("reader")
    for n in range(10):
        client.post(
            "/accounts/login/",
            {"username": "Reader", "password": "no"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    data = {"username": "reader", "password": "pw-123-secret"}
    assert client.post("/accounts/login/", data, REMOTE_ADDR="192.0.2.5").status_code == 429


def test_password_reset_limits_one_email_from_many_addresses(client):
    make_user("reader")
    data = {"email": "reader@example.com"}
    for n in range(5):
        client.post("/accounts/password-reset/", data, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert client.post("/accounts/password-reset/", data).status_code == 429


def test_failed_admin_login_is_recorded_for_editors(client, chief):
    admin_login(client, "wrong")
    failure = FailedLogin.objects.get()
    assert (failure.username, failure.ip_address, failure.outcome) == (
        "chief",
        "203.0.113.7",
        FailedLogin.Outcome.WRONG,
    )


def test_failed_logins_are_listed_in_the_admin_for_editors(client, chief):
    admin_login(client, "wrong", username="ghost")
    editor = make_user("editor", group="Editor")
    client.force_login(editor)
    assert "ghost" in client.get("/admin/blog/failedlogin/").content.decode()
