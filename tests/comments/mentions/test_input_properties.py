"""Property-based: whatever another site sends to the ping endpoints, the blog answers with a
status or a fault, never a 5xx, and leaves no request pending that can never be settled."""

import contextlib
import xmlrpc.client

import pytest
from hypothesis import HealthCheck, given, settings

from blog.models import RateCounter
from comments.mentions.models import MentionRequest
from tests.factories import make_post
from tests.strategies import any_text, url_like

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def other_site(client, settings):
    client.raise_request_exception = False
    settings.PINGBACK_WAIT = 0  # answer at once; the verdict itself is not under test here
    return client


@examples
@given(source=url_like, target=url_like)
def test_webmention_answers_whatever_the_urls(other_site, source, target):
    RateCounter.objects.all().delete()
    before = MentionRequest.objects.count()
    response = other_site.post("/webmention/", {"source": source, "target": target})
    assert response.status_code < 500
    if response.status_code >= 400:  # refused at once: nothing left waiting
        assert MentionRequest.objects.count() == before


@examples
@given(source=url_like, target=url_like)
def test_pingback_answers_a_response_or_a_fault(other_site, source, target):
    RateCounter.objects.all().delete()
    body = xmlrpc.client.dumps((source, target), "pingback.ping")
    response = other_site.post("/xmlrpc/", body, content_type="text/xml")
    assert response.status_code < 500
    with contextlib.suppress(xmlrpc.client.Fault):  # a well-formed answer: params or a fault
        xmlrpc.client.loads(response.content)


@examples
@given(body=any_text)
def test_xmlrpc_answers_whatever_the_body(other_site, body):
    RateCounter.objects.all().delete()
    response = other_site.post("/xmlrpc/", body.encode(), content_type="text/xml")
    assert response.status_code < 500


@examples
@given(url=url_like, title=any_text, excerpt=any_text, blog_name=any_text)
def test_trackback_answers_whatever_the_fields(other_site, url, title, excerpt, blog_name):
    RateCounter.objects.all().delete()
    post = make_post()
    data = {"url": url, "title": title, "excerpt": excerpt, "blog_name": blog_name}
    response = other_site.post(post.get_absolute_url() + "trackback/", data)
    assert response.status_code < 500
