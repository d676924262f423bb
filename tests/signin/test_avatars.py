"""The provider's picture is copied here by a task, and pages show our copy."""

import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from comments.signin import services
from tests.comments.factories import make_comment
from tests.factories import make_post
from tests.httpserver import LocalServer, Route
from tests.signin.conftest import sign_in

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # the task runs on its own connection


@pytest.fixture
def loopback(settings):
    settings.ALLOW_LOOPBACK_FETCH = True


@committed
@pytest.mark.parametrize("provider", ["google", "facebook", "x", "wordpress"])
def test_sign_in_copies_the_provider_picture_by_a_task(
    client, configured, provider, loopback, run_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, configured.base, provider)
    assert not hasattr(get_user_model().objects.get(), "profile")  # not during the sign-in

    run_jobs()

    avatar = get_user_model().objects.get().profile.avatar
    with Image.open(avatar.open()) as image:
        assert (image.format, image.size) == ("PNG", (192, 192))


@committed
def test_comment_shows_the_local_copy_not_the_provider_address(
    client, configured, loopback, run_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, configured.base, "google")
    run_jobs()
    user = get_user_model().objects.get()
    post = make_post()
    make_comment(post, user=user, user_name="Ada Lovelace")

    page = client.get(post.get_absolute_url()).content.decode()

    assert f'src="{user.profile.avatar.url}"' in page
    assert "/media/avatars/" in page and configured.base not in page


def test_picture_that_is_not_an_image_is_left_out(configured, loopback):
    server = LocalServer()
    server.routes["/me.png"] = Route("<html>surprise</html>")
    with server:
        account = make_social_account(picture=server.url("/me.png"))
        assert services.avatar_copy(account_id=account.pk) is False
    assert not account.user.profile.avatar


def test_avatar_image_refuses_what_is_not_a_picture():
    assert services.avatar_image(b"<html>not a picture</html>") is None


def test_avatar_image_crops_to_a_square():
    out = io.BytesIO()
    Image.new("RGB", (400, 200), "red").save(out, "JPEG")

    with Image.open(io.BytesIO(services.avatar_image(out.getvalue()))) as image:
        assert image.size == (192, 192)


def test_picture_from_a_private_address_is_not_fetched(configured, loopback, settings):
    settings.ALLOW_LOOPBACK_FETCH = False
    server = LocalServer()
    server.routes["/me.png"] = Route(b"x", headers={"Content-Type": "image/png"})
    with server:
        account = make_social_account(picture=server.url("/me.png"))
        assert services.avatar_copy(account_id=account.pk) is False
    assert server.requests == []


def make_social_account(picture):
    from allauth.socialaccount.models import SocialAccount

    user = get_user_model().objects.create_user("ada", "ada@example.com")
    return SocialAccount.objects.create(
        user=user, provider="google", uid="1", extra_data={"userinfo": {"picture": picture}}
    )
