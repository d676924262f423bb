"""TrackBacks received at a post's address + trackback/: the spec's XML answer at once, the
sender's page verified by a task over real HTTP, stored as a trackback with the page's own words."""

import pytest
from defusedxml import ElementTree

from comments.mentions.models import MentionRequest
from comments.models import Comment
from tests.comments.mentions.pings import linking_page, mentions_of, run_until_idle, target_url
from tests.factories import make_post
from tests.httpserver import Route

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # the task runs on another connection


@pytest.fixture
def post(rules):
    return make_post("Sanctions relief, explained")


@pytest.fixture
def ping(client, django_capture_on_commit_callbacks):
    """POST a TrackBack as WordPress sends one; returns (error, message) from the XML answer."""

    def ping(post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target_url(post) + "trackback/", fields)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = ElementTree.fromstring(response.content)
        return root.findtext("error"), root.findtext("message")

    return ping


@pytest.fixture
def verify(run_jobs):
    return lambda: run_until_idle(run_jobs)


def trackback_fields(source):
    return {
        "url": source,
        "title": "Sender says: best post ever",
        "excerpt": "<script>alert(1)</script> buy cheap pills",
        "blog_name": "Spam & Co",
    }


@committed
def test_trackback_is_verified_and_shown_with_the_pages_own_words(
    ping, verify, server, post, client
):
    server.routes["/analysis"] = Route(
        linking_page(
            target_url(post),
            title="Tehran Bureau: what relief means",
            before="A clear account in",
            after="of who gains what.",
        )
    )

    assert ping(post, **trackback_fields(server.url("/analysis"))) == ("0", None)
    assert server.requests == []  # the answer does not wait for a fetch
    verify()

    [comment] = mentions_of(post)
    assert (comment.kind, comment.status) == (Comment.Kind.TRACKBACK, Comment.Status.APPROVED)
    assert comment.source_title == "Tehran Bureau: what relief means"
    assert comment.comment == "A clear account in this post of who gains what."
    page = client.get(target_url(post)).content.decode()
    assert "Tehran Bureau: what relief means" in page
    assert "Sender says" not in page and "cheap pills" not in page


@committed
def test_trackback_from_a_page_without_the_link_is_not_stored(ping, verify, server, post):
    server.routes["/elsewhere"] = Route(linking_page("https://other.example/story/"))

    assert ping(post, url=server.url("/elsewhere")) == ("0", None)
    verify()

    assert mentions_of(post) == []
    [request] = MentionRequest.objects.all()
    assert (request.protocol, request.status) == ("trackback", MentionRequest.Status.REJECTED)


@committed
def test_the_same_trackback_twice_is_one_comment(ping, verify, server, post):
    server.routes["/analysis"] = Route(linking_page(target_url(post)))
    ping(post, url=server.url("/analysis"))
    verify()
    ping(post, url=server.url("/analysis"))
    verify()

    assert len(mentions_of(post)) == 1


def test_trackback_without_url_is_an_error(ping, post):
    error, message = ping(post, title="No address")
    assert error == "1"
    assert "needs the url" in message
    assert not MentionRequest.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://a.example/"])
def test_trackback_from_a_non_web_address_is_an_error(ping, post, url):
    error, message = ping(post, url=url)
    assert error == "1"
    assert "http or https" in message
    assert not MentionRequest.objects.exists()


def test_trackback_to_a_post_with_pings_closed_is_refused(ping):
    closed = make_post("No pings here", pings_open=False)
    assert ping(closed, url="https://a.example/post/") == ("1", "Pings are closed on this post.")
    assert not MentionRequest.objects.exists()


def test_trackback_to_a_draft_is_refused(ping):
    draft = make_post("Not out yet", status="draft")
    error, message = ping(draft, url="https://a.example/post/")
    assert (error, message) == ("1", "The specified target URL does not exist.")


def test_one_address_sending_too_many_trackbacks_is_refused(ping, post, settings):
    settings.PING_RATE_LIMIT_IP = (2, 600)
    answers = [ping(post, url=f"https://a{n}.example/post/") for n in range(3)]

    assert [error for error, _ in answers] == ["0", "0", "1"]
    assert "Too many" in answers[2][1]
    assert MentionRequest.objects.count() == 2


def test_get_is_not_allowed(client, post):
    response = client.get(target_url(post) + "trackback/")
    assert response.status_code == 405
    assert b"<error>1</error>" in response.content


def test_post_page_advertises_its_trackback_address_only_when_pings_are_open(client, post):
    page = client.get(target_url(post)).content.decode()
    assert f'trackback:ping="{target_url(post)}trackback/"' in page

    closed = make_post("Quiet post", pings_open=False)
    assert "trackback:ping" not in client.get(target_url(closed)).content.decode()
