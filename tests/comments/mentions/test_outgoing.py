"""Pings sent: the linked blogs are real HTTP servers on 127.0.0.1 with Webmention or Pingback
endpoints; discovery follows the cases of the webmention.rocks test suite."""

import xmlrpc.client
from urllib.parse import parse_qs

import pytest

from blog import services
from comments.mentions import outgoing
from comments.mentions.models import MentionRequest, OutgoingPing
from comments.models import Comment, DiscussionSettings
from tests.comments.mentions.pings import run_until_idle
from tests.factories import make_post, make_user
from tests.httpserver import Route

pytestmark = pytest.mark.django_db
# The worker runs tasks in another thread, on another connection: rows must be committed.
committed = pytest.mark.django_db(transaction=True)


def accept(status=202, **headers):
    return Route("Accepted", status=status, headers={"Content-Type": "text/plain", **headers})


def post_linking(*urls, **fields):
    links = "".join(f'<p>As <a href="{url}">they say</a>.</p>' for url in urls)
    return make_post("Our story", body=links, **fields)


def send_all(post):
    """Queue the post's pings and send each one here, as the tasks would."""
    outgoing.post_pings_queue(post_id=post.pk)
    for ping in OutgoingPing.objects.filter(post=post):
        outgoing.ping_send(ping_id=ping.pk)
    return {ping.target: ping for ping in OutgoingPing.objects.filter(post=post)}


def posts_to(server, path):
    """The form data of each POST the server received at path."""
    return [
        parse_qs(body.decode())
        for method, p, _h, body in server.requests
        if method == "POST" and p == path
    ]


def source_of(post):
    return f"http://testserver{post.get_absolute_url()}"


# Discovery, modelled on webmention.rocks (tests 1-23)


@pytest.mark.parametrize(
    ("route", "endpoint"),
    [
        (Route("<p>x</p>", headers={"Link": "<ABS/wm/1>; rel=webmention"}), "/wm/1"),
        (Route("<p>x</p>", headers={"Link": "</wm/2>; rel=webmention"}), "/wm/2"),
        (Route('<link rel="webmention" href="/wm/3">'), "/wm/3"),
        (Route('<a rel="webmention" href="/wm/4">endpoint</a>'), "/wm/4"),
        (Route("", headers={"Link": '</wm/7>; rel="webmention somethingelse"'}), "/wm/7"),
        (Route('<link rel="me webmention" href="/wm/8">'), "/wm/8"),
        (Route("", headers={"Link": ['</x>; rel="other"', "</wm/19>; rel=webmention"]}), "/wm/19"),
        (Route('<link rel="webmention" href="">'), "/article"),
        (
            Route(
                '<a rel="webmention" href="/wm/first">a</a><link rel="webmention" href="/wm/2nd">'
            ),
            "/wm/first",
        ),
        (
            Route(
                '<!-- <link rel="webmention" href="/no"> --><code>&lt;a rel="webmention" href="/no2"&gt;</code><link rel="webmention" href="/wm/13">'
            ),
            "/wm/13",
        ),
        (Route('<link rel="webmention" href="/wm/15?query=yes">'), "/wm/15?query=yes"),
        (
            Route(
                '<link rel="webmention" href="/doc">',
                headers={"Link": "</wm/head>; rel=webmention"},
            ),
            "/wm/head",
        ),
    ],
)
def test_sending_finds_the_webmention_endpoint_and_posts_source_and_target(server, route, endpoint):
    for name, value in route.headers.items():
        if isinstance(value, str):
            route.headers[name] = value.replace("ABS", server.base)
    server.routes["/article"] = route
    if endpoint == "/article":  # the page is its own endpoint: GET the page, POST accepted
        server.routes["/article"] = lambda handler, body: accept() if body else route
    else:
        server.routes[endpoint] = accept()
    post = post_linking(server.url("/article"))
    ping = send_all(post)[server.url("/article")]
    assert posts_to(server, endpoint) == [
        {"source": [source_of(post)], "target": [server.url("/article")]}
    ]
    assert (ping.protocol, ping.outcome, ping.code, ping.attempts) == ("webmention", "sent", 202, 1)
    assert ping.endpoint == server.url(endpoint)


def test_sending_follows_the_target_redirect_and_resolves_against_the_final_page(server):
    server.routes["/old"] = Route(status=301, headers={"Location": "/blog/new"})
    server.routes["/blog/new"] = Route('<link rel="webmention" href="wm">')
    server.routes["/blog/wm"] = accept(201, Location=server.url("/blog/wm/status/1"))
    post = post_linking(server.url("/old"))
    ping = send_all(post)[server.url("/old")]
    assert ping.endpoint == server.url("/blog/wm")
    assert ping.detail == f"Accepted; status at {server.url('/blog/wm/status/1')}"
    assert posts_to(server, "/blog/wm")[0]["target"] == [server.url("/old")]


def test_sending_pingback_when_there_is_no_webmention_endpoint(server):
    calls = []

    def xmlrpc_endpoint(handler, body):
        calls.append(xmlrpc.client.loads(body))
        return Route(
            xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True),
            headers={"Content-Type": "text/xml"},
        )

    server.routes["/wp-post"] = Route(
        "<p>WordPress</p>", headers={"X-Pingback": server.url("/xmlrpc.php")}
    )
    server.routes["/xmlrpc.php"] = xmlrpc_endpoint
    post = post_linking(server.url("/wp-post"))
    ping = send_all(post)[server.url("/wp-post")]
    assert calls == [((source_of(post), server.url("/wp-post")), "pingback.ping")]
    assert (ping.protocol, ping.outcome, ping.detail) == (
        "pingback",
        "sent",
        "Pingback registered.",
    )


def test_sending_pingback_to_the_link_element_endpoint(server):
    ok = xmlrpc.client.dumps(("ok",), methodresponse=True)
    server.routes["/p"] = Route('<link rel="pingback" href="/xmlrpc/">')
    server.routes["/xmlrpc/"] = Route(ok, headers={"Content-Type": "text/xml"})
    ping = send_all(post_linking(server.url("/p")))[server.url("/p")]
    assert (ping.protocol, ping.endpoint, ping.outcome) == (
        "pingback",
        server.url("/xmlrpc/"),
        "sent",
    )


@pytest.mark.parametrize(("code", "outcome"), [(17, "failed"), (33, "failed"), (48, "sent")])
def test_sending_pingback_records_the_fault(server, code, outcome):
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(code, "Their words"), methodresponse=True)
    server.routes["/p"] = Route("", headers={"X-Pingback": server.url("/rpc")})
    server.routes["/rpc"] = Route(fault, headers={"Content-Type": "text/xml"})
    ping = send_all(post_linking(server.url("/p")))[server.url("/p")]
    assert (ping.outcome, ping.code, ping.detail) == (outcome, code, "Their words")


def test_sending_pingback_survives_a_hostile_answer(server):
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><methodResponse><params><param><value>&b;</value></param></params></methodResponse>'
    server.routes["/p"] = Route("", headers={"X-Pingback": server.url("/rpc")})
    server.routes["/rpc"] = Route(bomb, headers={"Content-Type": "text/xml"})
    ping = send_all(post_linking(server.url("/p")))[server.url("/p")]
    assert (ping.outcome, ping.detail) == ("failed", "The endpoint's answer was not XML-RPC.")


def test_sending_to_a_page_without_endpoints_records_that(server):
    server.routes["/plain"] = Route("<p>No pings here.</p>")
    ping = send_all(post_linking(server.url("/plain")))[server.url("/plain")]
    assert (ping.outcome, ping.protocol, ping.attempts) == ("no_endpoint", "", 1)


def test_sending_when_the_endpoint_refuses_is_a_failure_with_its_status(server):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Bad target", status=400)
    ping = send_all(post_linking(server.url("/a")))[server.url("/a")]
    assert (ping.outcome, ping.code) == ("failed", 400)


def test_sending_never_fetches_a_private_address(server):
    post = post_linking("http://10.0.0.5/intranet", "http://169.254.169.254/latest/meta-data/")
    pings = send_all(post)
    assert {ping.outcome for ping in pings.values()} == {"failed"}
    assert all("refused" in ping.detail for ping in pings.values())


def test_sending_to_an_endpoint_on_a_private_address_is_refused(server):
    server.routes["/a"] = Route("", headers={"Link": "<http://192.168.0.1/wm>; rel=webmention"})
    ping = send_all(post_linking(server.url("/a")))[server.url("/a")]
    assert (ping.protocol, ping.outcome) == ("webmention", "failed")


def test_sending_failure_for_now_is_retried(server):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Busy", status=503)
    post = post_linking(server.url("/a"))
    outgoing.post_pings_queue(post_id=post.pk)
    ping = OutgoingPing.objects.get()
    with pytest.raises(outgoing.TransientPingError):
        outgoing.ping_send(ping_id=ping.pk)
    ping.refresh_from_db()
    assert (ping.outcome, ping.code, ping.attempts) == ("retrying", 503, 1)
    assert outgoing.ping_send(ping_id=ping.pk, last_attempt=True) == "failed"
    ping.refresh_from_db()
    assert ping.attempts == 2


# Which links


def test_links_skip_our_own_posts_fragments_repeats_and_other_schemes(server, rules):
    post = post_linking(
        server.url("/a"), server.url("/a#comments"), "http://testserver/2014/01/01/ours/",
        "mailto:desk@example.com", "/relative/path", server.url("/b"),
    )  # fmt: skip
    assert outgoing.post_links(post, rules) == [server.url("/a"), server.url("/b")]


def test_links_to_our_own_posts_when_self_pings_are_on(rules):
    rules.self_pings = True
    rules.save()
    post = post_linking("http://testserver/2014/01/01/ours/")
    assert outgoing.post_links(post, rules) == ["http://testserver/2014/01/01/ours/"]


def test_nothing_is_sent_when_the_setting_is_off(server, rules):
    rules.send_pings = False
    rules.save()
    assert outgoing.post_pings_queue(post_id=post_linking(server.url("/a")).pk) == 0
    assert OutgoingPing.objects.count() == 0


def test_a_draft_sends_nothing(server):
    from blog.models import Post

    post = post_linking(server.url("/a"), status=Post.Status.DRAFT)
    assert outgoing.post_pings_queue(post_id=post.pk) == 0


# End to end through the worker


@committed
def test_publishing_a_post_pings_its_links_through_the_worker(server, run_jobs):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = accept()
    post = post_linking(server.url("/a"))
    run_until_idle(run_jobs)  # announce_post, then queue_post_pings, then send_ping
    assert len(posts_to(server, "/wm")) == 1
    services.post_announce(post_id=post.pk)  # announced once only: nothing more
    run_until_idle(run_jobs)
    assert len(posts_to(server, "/wm")) == 1
    assert OutgoingPing.objects.get().outcome == "sent"


@committed
def test_an_edit_that_adds_a_link_pings_only_the_new_page(server, run_jobs):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/b"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = accept()
    post = post_linking(server.url("/a"))
    run_until_idle(run_jobs)
    post.refresh_from_db()
    post.body += f'<p>Update: <a href="{server.url("/b")}">more</a>.</p>'
    post.save()
    run_until_idle(run_jobs)
    assert [data["target"] for data in posts_to(server, "/wm")] == [
        [server.url("/a")],
        [server.url("/b")],
    ]


@committed
def test_a_failing_endpoint_is_tried_again_with_backoff(server, run_jobs, task_queue):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Busy", status=503)
    post_linking(server.url("/a"))
    jobs = run_until_idle(run_jobs)
    [job] = [job for job in jobs.values() if job["task_name"].endswith("send_ping")]
    assert (job["status"], job["attempts"]) == ("todo", 1)
    assert job["scheduled_at"] is not None  # waits before the next try
    server.routes["/wm"] = accept()
    job["scheduled_at"] = None  # time passes
    run_until_idle(run_jobs)
    ping = OutgoingPing.objects.get()
    assert (ping.outcome, ping.attempts) == ("sent", 2)


# The admin


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("editor", group="Editor"))
    return client


def test_post_admin_page_lists_the_pings_sent(editor_client, server):
    server.routes["/plain"] = Route("<p>No pings here.</p>")
    post = post_linking(server.url("/plain"))
    send_all(post)
    page = editor_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Pingbacks and webmentions sent" in page
    assert server.url("/plain") in page and "The page takes no pings" in page


def test_editor_can_send_a_ping_again(
    editor_client, server, django_capture_on_commit_callbacks, task_queue
):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Bad", status=400)
    ping = send_all(post_linking(server.url("/a")))[server.url("/a")]
    assert ping.outcome == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/mentions/outgoingping/",
            {"action": "resend", "_selected_action": [ping.pk]},
            follow=True,
        )
    assert "1 ping queued to be sent again." in response.content.decode()
    ping.refresh_from_db()
    assert ping.outcome == "queued"
    [job] = task_queue.connector.jobs.values()
    assert (job["task_name"], job["args"]) == (
        "comments.mentions.tasks.send_ping",
        {"ping_id": ping.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):  # a second click, before it ran
        editor_client.post(
            "/admin/mentions/outgoingping/", {"action": "resend", "_selected_action": [ping.pk]}
        )
    assert len(task_queue.connector.jobs) == 1  # still sent once


def test_discussion_settings_admin_has_the_ping_settings(editor_client):
    DiscussionSettings.load()
    page = editor_client.get("/admin/comments/discussionsettings/1/change/").content.decode()
    assert "Pingbacks and webmentions" in page and "self_pings" in page


def test_outgoing_pings_list_runs_a_fixed_number_of_queries(
    editor_client, server, django_assert_max_num_queries
):
    for n in range(5):
        server.routes[f"/plain{n}"] = Route("<p>No pings here.</p>")
        send_all(post_linking(server.url(f"/plain{n}")))
    with django_assert_max_num_queries(12):
        page = editor_client.get(
            "/admin/mentions/outgoingping/?outcome=no_endpoint"
        ).content.decode()
    assert page.count(f'">{server.url("/plain")}') == 5


def test_received_mentions_list_shows_their_status(editor_client):
    post = make_post("Linked")
    MentionRequest.objects.create(
        source="https://a.example/",
        target=f"http://testserver{post.get_absolute_url()}",
        status="rejected",
        detail="The source URL does not contain a link to the target URL.",
    )
    page = editor_client.get("/admin/mentions/mentionrequest/").content.decode()
    assert "https://a.example/" in page and "Rejected" in page


def test_moderation_queue_filters_mentions_by_kind(editor_client):
    from comments.mentions import services as mentions
    from comments.mentions import sources
    from tests.comments.factories import make_comment

    post = make_post("Linked")
    make_comment(post, "An ordinary comment.")
    page = sources.SourcePage(title="Other blog", excerpt="[…] pinged text […]")
    mentions.mention_save(post=post, source="https://other.example/", kind="pingback", page=page)
    listing = editor_client.get("/admin/comments/comment/?kind=pingback").content.decode()
    assert "[…] pinged text […]" in listing and "An ordinary comment." not in listing


@committed
def test_two_blogs_on_one_machine_ping_each_other_end_to_end(settings, live_server, run_jobs):
    """Our sender discovers our own endpoint over HTTP, our receiver verifies the source."""
    settings.SITE_URL = live_server.url
    settings.ALLOW_LOOPBACK_FETCH = True
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"self_pings": True, "approval": "none"}
    )
    linked = make_post("The original report")
    target = f"{live_server.url}{linked.get_absolute_url()}"
    linking = make_post(
        "A follow-up", body=f'<p>Following <a href="{target}">our report</a> closely.</p>'
    )
    run_until_idle(run_jobs)  # announce, queue, send (webmention), verify
    ping = OutgoingPing.objects.get(post=linking)
    assert (ping.protocol, ping.outcome, ping.code) == ("webmention", "sent", 202)
    [mention] = Comment.objects.for_post(linked).filter(kind="webmention")
    assert mention.source_url == f"{live_server.url}{linking.get_absolute_url()}"
    assert (mention.source_title, mention.comment) == (
        "A follow-up — Newsroom", "Following our report closely.",
    )  # fmt: skip
