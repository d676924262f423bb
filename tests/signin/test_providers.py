"""Each of the four providers, end to end against the test provider on 127.0.0.1."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from tests.httpserver import LocalServer, Route
from tests.signin.conftest import PROVIDERS, sign_in

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_first_sign_in_makes_a_signed_in_reader(client, configured, provider):
    response = sign_in(client, configured.base, provider, next_url="/about/")

    assert response.status_code == 302 and response["Location"] == "/about/"
    user = User.objects.get(email="ada@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.get_full_name() == "Ada Lovelace"
    assert not user.is_staff and not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).provider == provider


@pytest.mark.parametrize("provider", PROVIDERS)
def test_second_sign_in_uses_the_same_account(client, configured, provider):
    sign_in(client, configured.base, provider)
    client.logout()

    sign_in(client, configured.base, provider)

    assert User.objects.filter(email="ada@example.com").count() == 1
    assert "_auth_user_id" in client.session


def test_sign_ins_with_two_providers_vouching_for_one_address_share_the_account(client, configured):
    sign_in(client, configured.base, "google")
    client.logout()

    sign_in(client, configured.base, "wordpress")

    user = User.objects.get(email="ada@example.com")
    assert sorted(user.socialaccount_set.values_list("provider", flat=True)) == [
        "google",
        "wordpress",
    ]


@pytest.mark.parametrize("provider", ["google", "x", "wordpress"])
def test_unconfirmed_address_is_refused_without_an_account(client, configured, provider):
    response = sign_in(client, configured.base, provider, person="una")

    assert response.status_code == 403
    assert b"did not give us an email address it has confirmed" in response.content
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def test_facebook_application_that_does_not_vouch_is_refused(client, test_provider):
    test_provider.configure("facebook", email_verified=False)

    response = sign_in(client, test_provider.base, "facebook")

    assert response.status_code == 403
    assert not User.objects.exists()


def test_sign_in_joins_the_local_account_with_that_address_and_keeps_its_password(
    client, configured
):
    reader = User.objects.create_user("ada", "Ada@Example.com", "a long password 123")

    sign_in(client, configured.base, "google")

    reader.refresh_from_db()
    assert client.session["_auth_user_id"] == str(reader.pk)
    assert reader.check_password("a long password 123")
    assert User.objects.count() == 1


def test_sign_in_never_joins_a_staff_account(client, configured):
    User.objects.create_user("editor", "ada@example.com", "pw", is_staff=True)

    response = sign_in(client, configured.base, "google")

    assert response.status_code == 403
    assert b"editor" in response.content
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_sign_in_never_joins_an_account_waiting_for_its_activation(client, configured):
    User.objects.create_user("squatter", "ada@example.com", "pw", is_active=False)

    response = sign_in(client, configured.base, "x")

    assert response.status_code == 403
    assert b"waiting for its confirmation" in response.content
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1


def test_provider_that_refuses_shows_why_and_makes_nothing(client, configured):
    start = client.post("/accounts/wordpress/login/", {"next": "/"})
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get(
        f"/accounts/wordpress/login/callback/?error=access_denied&state={state}", follow=True
    )

    assert b"Sign-in cancelled" in response.content
    assert not User.objects.exists()


def test_provider_that_does_not_answer_in_time_shows_why(client, test_provider, settings):
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 0.5
    slow = LocalServer()
    slow.routes["/token"] = Route("{}", delay=2.0)
    with slow:
        test_provider.configure("facebook", access_token_url=slow.url("/token"))
        response = sign_in(client, test_provider.base, "facebook")

    assert response.status_code == 401
    assert b"did not answer in time" in response.content
    assert not User.objects.exists()


def test_provider_that_is_down_at_the_start_shows_why(client, db, test_provider):
    test_provider.configure("google", server_url="http://127.0.0.1:9")

    response = client.post("/accounts/google/login/", {"next": "/"})

    assert response.status_code == 502
    assert b"We could not sign you in" in response.content


def test_provider_that_answers_nonsense_shows_why(client, test_provider):
    nonsense = LocalServer()
    nonsense.routes["/me"] = Route(
        '{"unexpected": true}', headers={"Content-Type": "application/json"}
    )
    with nonsense:
        test_provider.configure("wordpress", profile_url=nonsense.url("/me"))
        response = sign_in(client, test_provider.base, "wordpress")

    assert response.status_code in {401, 502}
    assert b"We could not sign you in" in response.content
    assert not User.objects.exists()


def test_starting_sign_ins_is_rate_limited(client, configured):
    answers = [client.post("/accounts/google/login/", {"next": "/"}).status_code for _ in range(21)]

    assert answers[:20] == [302] * 20 and answers[20] == 429


def test_sign_in_never_sends_the_reader_to_another_site_afterwards(client, configured):
    response = sign_in(client, configured.base, "google", next_url="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_reader_made_an_editor_no_longer_signs_in_with_a_provider(client, configured):
    sign_in(client, configured.base, "facebook")
    client.logout()
    User.objects.filter(email="ada@example.com").update(is_staff=True)

    response = sign_in(client, configured.base, "facebook")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
