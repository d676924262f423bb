"""Property-based: whatever a reader types into the comment form, the blog answers without a
5xx, keeps the comment whole or says what to fix, and its mail and feeds still build."""

import pytest
from hypothesis import HealthCheck, given, settings

from blog.models import RateCounter
from comments.models import Comment
from tests.comments.factories import form_data, make_comment
from tests.factories import make_post
from tests.strategies import any_text, text, url_like
from tests.xmlcheck import assert_feeds_parse

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def reader(client):
    client.raise_request_exception = False
    return client


def failed_jobs(jobs):
    return [job for job in jobs.values() if job["status"] == "failed"]


@examples
@given(name=any_text, email=any_text, url=url_like, comment=any_text)
def test_comment_form_keeps_the_comment_whole_or_explains(
    reader, rules, run_jobs, django_capture_on_commit_callbacks, name, email, url, comment
):
    RateCounter.objects.all().delete()
    post = make_post()
    data = form_data(post, name=name, email=email, url=url, comment=comment)
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post("/comments/post/", data)
    assert response.status_code < 500
    if response.status_code == 200:  # the form again, with what to fix, and the text kept
        assert comment.strip()[:20] == "" or "errorlist" in response.content.decode()
    assert failed_jobs(run_jobs()) == []  # every confirmation / notice mail was built and sent
    Comment.objects.update(status=Comment.Status.APPROVED, is_public=True)
    assert_feeds_parse(reader, post.get_absolute_url() + "feed/")


@examples
@given(comment=text)
def test_reply_form_answers_whatever_is_typed(reader, rules, comment):
    RateCounter.objects.all().delete()
    post = make_post()
    parent = make_comment(post)
    data = form_data(post, comment=comment, reply_to=str(parent.pk))
    assert reader.post("/comments/post/", data).status_code < 500
    assert reader.get(f"/comments/reply/{parent.pk}/").status_code < 500
