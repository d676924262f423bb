"""A reader who signed in with a provider comments under that name, without a confirmation
mail, and their first comment waits for moderation like anyone's."""

import pytest

from comments.models import Comment
from tests.comments.factories import form_data
from tests.factories import make_post
from tests.signin.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_signed_in_reader_comments_under_the_provider_name_and_waits_for_moderation(
    client, configured, task_queue, django_capture_on_commit_callbacks
):
    post = make_post()
    sign_in(client, configured.base, "wordpress")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/comments/post/", form_data(post, name="", email=""))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user_name, comment.user_email) == ("Ada Lovelace", "ada@example.com")
    assert comment.user.socialaccount_set.get().provider == "wordpress"
    assert comment.status == Comment.Status.PENDING  # first comment from this address
    mails = [
        job["args"] for job in task_queue.connector.jobs.values() if "send_mail" in job["task_name"]
    ]
    assert not any("confirm" in str(args).lower() for args in mails)  # no confirmation link


def test_comment_form_says_which_account_the_reader_uses(client, configured):
    post = make_post()
    sign_in(client, configured.base, "x")

    page = client.get(post.get_absolute_url()).content.decode()

    assert "You are commenting as <b>Ada Lovelace</b> using your X account." in page
    assert "click an icon to log in" not in page
