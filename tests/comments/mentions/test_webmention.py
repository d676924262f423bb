"""Webmentions received: 202 and a status page at once, the source verified by the task over
real HTTP (a server on 127.0.0.1), then stored, updated or deleted."""

import pytest

from comments.mentions import services as mentions
from comments.mentions.models import MentionRequest
from comments.models import Comment
from tests.comments.mentions.pings import linking_page, mentions_of, run_until_idle, target_url
from tests.factories import make_post
from tests.httpserver import Route

pytestmark = pytest.mark.django_db
# The worker runs tasks in another thread, on another connection: rows must be committed.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def post(rules):
    return make_post("Linked to")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def send(source, target):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webmention/", {"source": source, "target": target})

    return send


@pytest.fixture
def verify(run_jobs):
    return lambda: run_until_idle(run_jobs)


def test_webmention_is_accepted_at_once_with_a_status_url(send, server, post, client):
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    response = send(server.url("/reply"), target_url(post))
    assert response.status_code == 202
    [wm] = MentionRequest.objects.all()
    assert response["Location"] == f"http://testserver/webmention/{wm.token}/"
    assert server.requests == []  # the source is fetched by the worker, not the request
    page = client.get(response["Location"]).content.decode()
    assert "Webmention: Waiting to be verified" in page


@committed
def test_webmention_is_verified_by_the_task_and_shown(send, verify, server, post, client):
    server.routes["/reply"] = Route(
        linking_page(target_url(post), before="I disagree with", after="on one point.")
    )
    location = send(server.url("/reply"), target_url(post))["Location"]
    verify()
    [comment] = mentions_of(post)
    assert (comment.kind, comment.status) == ("webmention", Comment.Status.APPROVED)
    assert comment.comment == "I disagree with this post on one point."
    assert "Verified and stored: Approved" in client.get(location).content.decode()
    assert (
        "I disagree with this post on one point." in client.get(target_url(post)).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"target": "TARGET"},
            "Source and target must be http or https URLs: the source is empty.",
        ),
        ({"source": "javascript:alert(1)", "target": "TARGET"}, "must be http or https"),
        ({"source": "TARGET", "target": "TARGET"}, "same page"),
        ({"source": "https://a.example/", "target": "https://b.example/post/"}, "cannot be used"),
        (
            {"source": "https://a.example/", "target": "http://testserver/2001/01/01/x/"},
            "not exist",
        ),
    ],
)
def test_webmention_that_cannot_be_ours_gets_400_and_nothing_queued(
    client, post, data, message, task_queue
):
    data = {key: value.replace("TARGET", target_url(post)) for key, value in data.items()}
    response = client.post("/webmention/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert MentionRequest.objects.count() == 0 and task_queue.connector.jobs == {}


def test_webmention_to_a_post_with_pings_closed_gets_400(client, rules):
    closed = make_post("Closed", pings_open=False)
    response = client.post(
        "/webmention/", {"source": "https://a.example/", "target": target_url(closed)}
    )
    assert (response.status_code, response.content) == (400, b"Pings are closed on this post.\n")


@committed
def test_webmention_sent_again_updates_the_stored_one(send, verify, server, post):
    server.routes["/reply"] = Route(linking_page(target_url(post), before="First draft of"))
    send(server.url("/reply"), target_url(post))
    verify()
    server.routes["/reply"] = Route(
        linking_page(target_url(post), before="Edited text about", title="New title")
    )
    send(server.url("/reply"), target_url(post))
    verify()
    [comment] = mentions_of(post)
    assert comment.comment == "Edited text about this post"
    assert comment.source_title == "New title"


@committed
def test_webmention_from_a_source_now_gone_deletes_it(send, verify, server, post, client):
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    send(server.url("/reply"), target_url(post))
    verify()
    server.routes["/reply"] = Route("Deleted", status=410)
    location = send(server.url("/reply"), target_url(post))["Location"]
    verify()
    assert mentions_of(post) == []
    assert "Removed: the source no longer links here" in client.get(location).content.decode()


@committed
def test_webmention_from_a_source_that_no_longer_links_deletes_it(send, verify, server, post):
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    send(server.url("/reply"), target_url(post))
    verify()
    server.routes["/reply"] = Route("<p>I took the link out.</p>")
    send(server.url("/reply"), target_url(post))
    verify()
    assert mentions_of(post) == []
    assert MentionRequest.objects.filter(status="deleted").count() == 1


@committed
def test_webmention_without_the_link_is_rejected_and_stores_nothing(
    send, verify, server, post, client
):
    server.routes["/spam"] = Route("<p>Buy things.</p>")
    location = send(server.url("/spam"), target_url(post))["Location"]
    verify()
    assert mentions_of(post) == []
    assert (
        "Rejected: The source URL does not contain a link" in client.get(location).content.decode()
    )


@committed
def test_webmention_from_a_source_redirecting_to_a_private_address_is_rejected(
    send, verify, server, post, client
):
    server.routes["/hop"] = Route(status=302, headers={"Location": "http://192.168.1.1/"})
    location = send(server.url("/hop"), target_url(post))["Location"]
    verify()
    page = client.get(location).content.decode()
    assert "Rejected: The source URL does not exist or could not be read." in page
    assert "192.168" not in page and mentions_of(post) == []


@committed
def test_webmention_from_a_failing_source_is_retried_later(send, verify, server, post):
    server.routes["/reply"] = Route("down for maintenance", status=503)
    send(server.url("/reply"), target_url(post))
    [job] = [job for job in verify().values() if job["task_name"].endswith("verify_webmention")]
    assert (job["status"], job["attempts"]) == ("todo", 1)
    assert job["scheduled_at"] is not None  # backed off, not lost
    assert MentionRequest.objects.get().status == "queued"


def test_webmention_that_keeps_failing_is_rejected_at_the_last_attempt(server, post):
    server.routes["/reply"] = Route("down", status=503)
    wm = mentions.webmention_accept(source=server.url("/reply"), target=target_url(post))
    with pytest.raises(mentions.TransientSourceError):
        mentions.webmention_verify(request_id=wm.pk)
    assert mentions.webmention_verify(request_id=wm.pk, last_attempt=True) == "rejected"


@committed
def test_webmention_sent_twice_before_verification_is_verified_once(send, verify, server, post):
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    first = send(server.url("/reply"), target_url(post))["Location"]
    second = send(server.url("/reply"), target_url(post))["Location"]
    assert first == second
    verify()
    assert len(server.requests) == 1


def test_webmention_flood_from_one_address_gets_429(client, post, settings):
    settings.PING_RATE_LIMIT_IP = (2, 600)
    codes = [
        client.post(
            "/webmention/", {"source": f"https://s{n}.example/", "target": target_url(post)}
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]


def test_webmention_flood_from_one_source_site_gets_429(client, post, settings):
    settings.PING_RATE_LIMIT_SOURCE_HOST = (2, 600)
    codes = [
        client.post(
            "/webmention/", {"source": f"https://spam.example/{n}", "target": target_url(post)},
            REMOTE_ADDR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]  # fmt: skip
    assert codes == [202, 202, 429]


def test_webmention_endpoint_refuses_get(client):
    assert client.get("/webmention/").status_code == 405


def test_unknown_status_page_is_404(client):
    assert client.get("/webmention/1b4e28ba-2fa1-11d2-883f-0016d3cca427/").status_code == 404


def test_old_finished_requests_are_purged(post):
    from datetime import timedelta

    from django.utils import timezone

    old = MentionRequest.objects.create(
        source="https://a.example/", target=target_url(post), status="accepted"
    )
    MentionRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    waiting = MentionRequest.objects.create(source="https://b.example/", target=target_url(post))
    MentionRequest.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert mentions.webmention_requests_purge(days=30) == 1
    assert list(MentionRequest.objects.all()) == [waiting]
