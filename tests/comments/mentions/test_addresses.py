"""Addresses as other sites really send them: malformed ones refused at once (400, a fault, an
error answer) with nothing left waiting, and one page's different spellings (percent-encoded as
the blog prints a non-Latin slug, or as text) taken as the same page."""

import xmlrpc.client

import pytest
from defusedxml import ElementTree

from comments.mentions import services as mentions
from comments.mentions.models import MentionRequest
from comments.models import Comment
from tests.comments.mentions.pings import (
    DjangoClientTransport,
    linking_page,
    mentions_of,
    run_until_idle,
    run_verifications,
    target_url,
)
from tests.factories import make_post
from tests.httpserver import Route

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # the task runs on another connection

BROKEN = [
    ("http://[::1/x", "has a malformed host or port"),
    ("http://127.0.0.1:99999/x", "has a malformed host or port"),
    ("http://example.com:0/x", "has a port out of range"),
    ("http://exa mple.com/x", "contains spaces or control characters"),
    ("http://example.com/x\x00y", "contains spaces or control characters"),
    ("http://example.com/\u2028", "contains spaces or control characters"),
    ("http://exa<mple.com/x", "has no valid host name"),
    ("http://[v1.x]/", "has no valid host name"),
    ("http://" + "a" * 64 + ".example/", "has no valid host name"),
    ("http://user:pw@example.com/", "contains a user name or password"),
    ("https://example.com/" + "x" * 1000, "is longer than 1000 characters"),
]
TITLE = "برجام چیست"  # Persian: "What is the JCPOA"


@pytest.fixture(autouse=True)
def _jobs_run_while_the_answer_waits(monkeypatch, task_queue):
    monkeypatch.setattr(mentions, "verdict_wait", lambda seconds: run_verifications(task_queue))


@pytest.fixture
def proxy(client):
    return xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", DjangoClientTransport(client))


@pytest.fixture
def post(rules):
    return make_post("Linked to")


@pytest.fixture
def persian(rules):
    return make_post(TITLE)


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def send(source, target):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webmention/", {"source": source, "target": target})

    return send


def fault(proxy, source, target):
    """(code, message) of the fault the pingback got, or its success string."""
    try:
        return proxy.pingback.ping(source, target)
    except xmlrpc.client.Fault as refused:
        return refused.faultCode, refused.faultString


def raw_target(post):
    """The post's address with its slug as text, as a person types it (an IRI)."""
    return target_url(post).replace(post.get_absolute_url().split("/")[4], post.slug)


# Malformed addresses


@pytest.mark.parametrize(("source", "reason"), BROKEN)
def test_webmention_with_a_malformed_source_gets_400_and_nothing_waits(
    client, post, task_queue, source, reason
):
    response = client.post("/webmention/", {"source": source, "target": target_url(post)})
    assert (response.status_code, response.content.decode()) == (
        400,
        f"Source and target must be http or https URLs: the source {reason}.\n",
    )
    assert not MentionRequest.objects.exists() and task_queue.connector.jobs == {}


@pytest.mark.parametrize(("target", "reason"), BROKEN)
def test_webmention_with_a_malformed_target_gets_400_and_nothing_waits(
    client, post, task_queue, target, reason
):
    response = client.post("/webmention/", {"source": "https://a.example/", "target": target})
    assert (response.status_code, response.content.decode()) == (
        400,
        f"Source and target must be http or https URLs: the target {reason}.\n",
    )
    assert not MentionRequest.objects.exists() and task_queue.connector.jobs == {}


@pytest.mark.parametrize(("source", "reason"), [pair for pair in BROKEN if "\x00" not in pair[0]])
def test_pingback_from_a_malformed_source_is_fault_16_every_time(proxy, post, source, reason):
    expected = (16, f"The source URL {reason}.")
    assert fault(proxy, source, target_url(post)) == expected
    assert fault(proxy, source, target_url(post)) == expected  # a retry: not 48
    assert not MentionRequest.objects.exists()


@pytest.mark.parametrize(("target", "reason"), [pair for pair in BROKEN if "\x00" not in pair[0]])
def test_pingback_to_a_malformed_target_is_fault_33(proxy, target, reason):
    assert fault(proxy, "https://a.example/", target) == (33, f"The target URL {reason}.")
    assert not MentionRequest.objects.exists()


@pytest.mark.parametrize(
    ("url", "reason"), [("http://[::1/x", "has a malformed host or port"), *BROKEN[-2:]]
)
def test_trackback_with_a_malformed_url_is_an_error_answer(client, post, url, reason):
    response = client.post(target_url(post) + "trackback/", {"url": url})
    root = ElementTree.fromstring(response.content)
    assert (root.findtext("error"), root.findtext("message")) == (
        "1",
        f"Source and target must be http or https URLs: the source {reason}.",
    )
    assert not MentionRequest.objects.exists()


@pytest.mark.parametrize("field", ["title", "excerpt", "blog_name"])
def test_trackback_with_a_nul_in_any_field_is_an_error_answer(client, post, field):
    fields = {"url": "https://a.example/post/", field: "Tehran\x00Bureau"}
    response = client.post(target_url(post) + "trackback/", fields)
    root = ElementTree.fromstring(response.content)
    assert (root.findtext("error"), root.findtext("message")) == (
        "1",
        "A TrackBack field contains a NUL character.",
    )
    assert not MentionRequest.objects.exists()


@committed
def test_source_redirecting_to_a_malformed_address_is_rejected(send, run_jobs, server, post):
    server.routes["/hop"] = Route(status=302, headers={"Location": "http://[::1/admin"})
    send(server.url("/hop"), target_url(post))
    run_until_idle(run_jobs)
    request = MentionRequest.objects.get()
    assert (request.status, request.detail) == (
        "rejected",
        "The source URL does not exist or could not be read.",
    )


@committed
def test_malformed_links_on_the_source_page_do_not_hide_the_real_one(send, run_jobs, server, post):
    page = linking_page(target_url(post), before="<a href='http://[::1/x'>broken</a> and")
    server.routes["/reply"] = Route(page)
    send(server.url("/reply"), target_url(post))
    run_until_idle(run_jobs)
    [comment] = mentions_of(post)
    assert comment.comment == "broken and this post"


# One page, several spellings


def test_persian_post_is_printed_percent_encoded(persian):
    assert persian.slug == "برجام-چیست"
    assert "%D8%A8%D8%B1%D8%AC%D8%A7%D9%85" in target_url(persian)


def test_pingback_to_a_non_latin_slug_as_the_blog_prints_it_is_registered(proxy, server, persian):
    server.routes["/news"] = Route(linking_page(target_url(persian)))
    answer = fault(proxy, server.url("/news"), target_url(persian))
    assert answer == (
        f"Pingback from {server.url('/news')} to {target_url(persian)} registered. "
        "Keep the web talking! :-)"
    )
    assert [comment.source_url for comment in mentions_of(persian)] == [server.url("/news")]


def test_pingback_to_a_non_latin_slug_as_text_matches_the_encoded_link(proxy, server, persian):
    server.routes["/news"] = Route(linking_page(target_url(persian)))
    assert "registered" in fault(proxy, server.url("/news"), raw_target(persian))
    assert len(mentions_of(persian)) == 1


def test_pingback_whose_source_links_in_lowercase_hex_is_registered(proxy, server, persian):
    """WordPress prints percent-encoded permalinks in lowercase hex."""
    server.routes["/news"] = Route(linking_page(target_url(persian).lower()))
    assert "registered" in fault(proxy, server.url("/news"), target_url(persian))


def test_pingback_whose_source_links_with_the_slug_as_text_is_registered(proxy, server, persian):
    server.routes["/news"] = Route(linking_page(raw_target(persian)))
    assert "registered" in fault(proxy, server.url("/news"), target_url(persian))


def test_pingback_from_a_source_with_a_non_latin_address_is_fetched(proxy, server, persian):
    server.routes["/%D8%AE%D8%A8%D8%B1"] = Route(linking_page(target_url(persian)))
    answer = fault(proxy, server.url("/خبر"), target_url(persian))
    assert "registered" in answer
    assert server.requests[0][:2] == ("GET", "/%D8%AE%D8%A8%D8%B1")


def test_pingback_with_another_spelling_of_our_host_is_registered(proxy, server, persian):
    target = target_url(persian).replace("http://testserver", "HTTP://TestServer:80")
    server.routes["/news"] = Route(linking_page(target_url(persian)))
    assert "registered" in fault(proxy, server.url("/news"), target)


@committed
def test_webmention_to_a_non_latin_slug_is_verified_and_stored(send, run_jobs, server, persian):
    server.routes["/reply"] = Route(linking_page(raw_target(persian), before="Read"))
    assert send(server.url("/reply"), target_url(persian)).status_code == 202
    run_until_idle(run_jobs)
    [comment] = mentions_of(persian)
    assert (comment.kind, comment.comment) == (Comment.Kind.WEBMENTION, "Read this post")


@committed
def test_trackback_to_a_non_latin_slug_matches_the_encoded_link(
    client, run_jobs, server, persian, django_capture_on_commit_callbacks
):
    server.routes["/analysis"] = Route(linking_page(target_url(persian)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(target_url(persian) + "trackback/", {"url": server.url("/analysis")})
    run_until_idle(run_jobs)
    [comment] = mentions_of(persian)
    assert comment.kind == Comment.Kind.TRACKBACK


@committed
def test_plain_text_source_linking_the_encoded_address_is_stored(send, run_jobs, server, persian):
    text = f"Worth reading: {target_url(persian).lower()} (in Persian)."
    server.routes["/notes.txt"] = Route(text, headers={"Content-Type": "text/plain"})
    send(server.url("/notes.txt"), raw_target(persian))
    run_until_idle(run_jobs)
    [comment] = mentions_of(persian)
    assert comment.comment == f"Worth reading: {target_url(persian).lower()} (in Persian)."


def test_malformed_links_in_our_post_are_skipped_and_the_others_pinged(rules):
    from comments.mentions import outgoing

    body = (
        '<p><a href="http://[::1/x">broken</a> <a href="http://a.example:99999/">port</a> '
        '<a href="https://b.example/%D8%A7/">one</a> <a href="https://B.example/ا">same</a></p>'
    )
    post = make_post("Our story", body=body)
    assert outgoing.post_links(post, rules) == ["https://b.example/%D8%A7/"]
