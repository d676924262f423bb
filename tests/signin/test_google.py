import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_post
from tests.signin.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_google_sign_in_makes_a_reader_account(client, configured):
    response = sign_in(client, configured.base, "google", next_url="/2014/09/20/some-post/")

    assert response.status_code == 302
    assert response["Location"] == "/2014/09/20/some-post/"
    user = get_user_model().objects.get(email="ada@example.com")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_google_icon_shows_on_the_comment_form_only_when_configured(client, test_provider):
    post = make_post()
    page = client.get(post.get_absolute_url()).content
    assert b"Log in with Google" not in page
    assert b"click an icon to log in" not in page  # no icon to click

    test_provider.configure("google")
    response = client.get(post.get_absolute_url())

    assert b"Log in with Google" in response.content
    assert b"signin/google.svg" in response.content
    assert b"Fill in your details below or click an icon to log in:" in response.content


def test_page_with_icons_lets_its_forms_go_to_the_provider(client, test_provider):
    post = make_post()
    test_provider.configure("google")

    policy = client.get(post.get_absolute_url())["Content-Security-Policy"]

    assert f"form-action 'self' {test_provider.base}" in policy
