import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import make_user

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks, run_jobs):
    def post(**fields):
        data = {"username": "newreader", "email": "new@example.com",
                "password1": "a-Long-pass-phrase-42", "password2": "a-Long-pass-phrase-42"}  # fmt: skip
        data.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGNUP + "?next=/some/post/", data)
        run_jobs()
        return response

    return post


def test_sign_up_mails_a_link_that_activates_and_logs_in(client, sign_up):
    response = sign_up()
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newreader")
    assert not user.is_active
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/activate/\S+)", message.body).group(1)
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/some/post/"
    user.refresh_from_db()
    assert user.is_active
    assert client.get("/").context["user"] == user


def test_activation_link_works_once(client, sign_up):
    sign_up()
    link = re.search(r"http://testserver(/accounts/activate/\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    client.logout()
    response = client.post(link)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_opening_the_activation_link_asks_before_it_activates(client, sign_up):
    """Mail scanners open every link: a GET shows a button and changes nothing."""
    sign_up()
    link = re.search(r"http://testserver(/accounts/activate/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert "Activate my account" in response.content.decode()
    assert not get_user_model().objects.get(username="newreader").is_active
    assert client.get("/").context["user"].is_anonymous


def test_opening_a_wrong_activation_link_says_it_does_not_work(client, sign_up):
    sign_up()
    link = re.search(r"http://testserver(/accounts/activate/\S+)", mail.outbox[0].body).group(1)
    path, _, query = link.partition("?")
    uid, token = path.rstrip("/").split("/")[-2:]
    response = client.get(f"/accounts/activate/{uid}/{token[:-2]}xx/?{query}")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_sign_up_with_a_used_email_is_refused(sign_up):
    make_user("new")  # new@example.com
    response = sign_up(email="new@example.com")
    assert response.status_code == 200
    assert "An account with this email exists already" in response.content.decode()
    assert mail.outbox == []


def test_log_in_and_out(client):
    make_user("reader")
    response = client.post("/accounts/login/", {"username": "reader", "password": "pw-123-secret"})
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_too_many_log_in_attempts_get_429(client):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "x", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "x", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_mail_is_sent_by_the_queue(
    client, django_capture_on_commit_callbacks, run_jobs
):
    make_user("reader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "reader@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []
    run_jobs()
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()


def test_nav_offers_log_in_and_sign_up_to_readers(client):
    body = client.get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in body and 'href="/accounts/signup/"' in body


def test_sign_up_with_a_261_character_email_explains_and_creates_nothing(sign_up):
    address = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "eeee"])
    response = sign_up(email=address)
    assert response.status_code == 200
    assert "at most 254 characters (it has 261)" in response.content.decode()
    assert not get_user_model().objects.filter(username="newreader").exists()
    assert mail.outbox == []


def test_sign_up_with_a_nul_character_in_the_name_explains_and_creates_nothing(sign_up):
    response = sign_up(username="new\x00reader")
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not get_user_model().objects.exists()
