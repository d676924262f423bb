"""Jobs that die: a verification whose database connection is cut is tried again; one that
fails for good rejects its request with the reason; a sweep settles what no job will finish;
pings we send wait when the other side says so (WordPress's flood fault 429, Retry-After)."""

import xmlrpc.client
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comments.mentions import outgoing, tasks
from comments.mentions import services as mentions
from comments.mentions.models import MentionRequest, OutgoingPing
from tests.comments.mentions.pings import linking_page, mentions_of, run_until_idle, target_url
from tests.factories import make_post, make_user
from tests.httpserver import Route

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # the task runs on another connection


@pytest.fixture
def post(rules):
    return make_post("Why Iran Was Not Invited to the Anti ISIS Club")


@pytest.fixture
def cut(monkeypatch):
    """Cut the worker's database connection (as a Postgres restart does) the first `times`
    times it fetches a source."""
    state = {"left": 0}
    original = mentions.source_response

    def source_response(source):
        if state["left"]:
            state["left"] -= 1
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return original(source)

    monkeypatch.setattr(mentions, "source_response", source_response)
    monkeypatch.setattr(mentions, "fetch_limited", lambda url: source_response(url))
    return lambda times: state.update(left=times)


def verification_job(jobs):
    [job] = [
        job for job in jobs.values() if job["task_name"].startswith(tasks.__name__ + ".verify")
    ]
    return job


def run_retries(run_jobs, times):
    """Run the jobs, then `times` more rounds as if each retry's wait had passed."""
    jobs = run_until_idle(run_jobs)
    for _ in range(times):
        verification_job(jobs)["scheduled_at"] = None
        jobs = run_until_idle(run_jobs)
    return verification_job(jobs)


# Received mentions


@committed
def test_pingback_verification_whose_connection_was_cut_is_tried_again(run_jobs, server, post, cut):
    server.routes["/news"] = Route(linking_page(target_url(post)))
    cut(1)
    request = mentions.pingback_accept(source=server.url("/news"), target=target_url(post))
    job = run_retries(run_jobs, 0)
    assert (job["status"], job["attempts"], MentionRequest.objects.get().status) == (
        "todo",
        1,
        "queued",
    )
    run_retries(run_jobs, 1)
    request.refresh_from_db()
    assert (request.status, len(mentions_of(post))) == ("accepted", 1)


@committed
def test_pingback_verification_failing_for_good_is_rejected_with_the_reason(
    run_jobs, server, post, cut
):
    server.routes["/news"] = Route(linking_page(target_url(post)))
    cut(10)
    mentions.pingback_accept(source=server.url("/news"), target=target_url(post))
    job = run_retries(run_jobs, tasks.PINGBACK_RETRY.max_attempts)
    request = MentionRequest.objects.get()
    assert (job["status"], request.status, request.fault, request.detail) == (
        "failed",
        "rejected",
        50,
        "Not verified: our database was unavailable. Please send it again.",
    )


@committed
def test_pingback_rejected_for_good_can_be_sent_again(run_jobs, server, post, cut):
    server.routes["/news"] = Route(linking_page(target_url(post)))
    cut(10)
    mentions.pingback_accept(source=server.url("/news"), target=target_url(post))
    run_retries(run_jobs, tasks.PINGBACK_RETRY.max_attempts)
    again = mentions.pingback_accept(source=server.url("/news"), target=target_url(post))
    assert again.status == "queued"  # not fault 48


@committed
def test_webmention_verification_whose_connection_was_cut_is_tried_again(
    run_jobs, server, post, cut, django_capture_on_commit_callbacks
):
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    cut(1)
    with django_capture_on_commit_callbacks(execute=True):
        mentions.webmention_accept(source=server.url("/reply"), target=target_url(post))
    run_retries(run_jobs, 1)
    assert (MentionRequest.objects.get().status, len(mentions_of(post))) == ("accepted", 1)


@committed
def test_webmention_verification_that_crashes_is_rejected_at_once(
    client, run_jobs, server, post, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(response, target):
        raise ValueError("a bug")

    monkeypatch.setattr(mentions, "source_page", crash)
    server.routes["/reply"] = Route(linking_page(target_url(post)))
    with django_capture_on_commit_callbacks(execute=True):
        request = mentions.webmention_accept(source=server.url("/reply"), target=target_url(post))
    job = run_retries(run_jobs, 0)
    assert job["status"] == "failed"
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Rejected: Not verified: the check failed on our side. Please send it again." in page


def test_admin_shows_why_a_request_was_rejected(client, post):
    request = MentionRequest.objects.create(source="https://a.example/", target=target_url(post))
    mentions.mention_request_fail(request_id=request.pk, error=ValueError("a bug"))
    client.force_login(make_user("editor", group="Editor", is_superuser=True))
    page = client.get("/admin/mentions/mentionrequest/").content.decode()
    assert "Not verified: the check failed on our side. Please send it again." in page


def received(post, *, hours_ago, source="https://a.example/"):
    request = MentionRequest.objects.create(source=source, target=target_url(post), post=post)
    created = timezone.now() - timedelta(hours=hours_ago)
    MentionRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request


def test_sweep_rejects_requests_waiting_past_their_time_without_a_job(post):
    stale = received(post, hours_ago=2)
    tasks.settle_stale_pings(timestamp=0)
    stale.refresh_from_db()
    assert (stale.status, stale.fault, stale.detail) == (
        "rejected",
        50,
        "Not verified: the check never finished. Please send it again.",
    )


def test_sweep_leaves_requests_still_in_their_time(post):
    recent = received(post, hours_ago=0)
    tasks.settle_stale_pings(timestamp=0)
    recent.refresh_from_db()
    assert recent.status == "queued"


def test_sweep_leaves_requests_whose_job_still_waits(post, task_queue):
    old = received(post, hours_ago=2)
    mentions.jobs.task("comments.mentions.tasks.verify_webmention").defer(request_id=old.pk)
    tasks.settle_stale_pings(timestamp=0)
    old.refresh_from_db()
    assert old.status == "queued"


def test_sweep_runs_every_ten_minutes(task_queue):
    [periodic] = [
        task for task in task_queue.periodic_registry.periodic_tasks.values()
        if task.periodic_id == "settle-stale-pings"
    ]  # fmt: skip
    assert periodic.cron == "*/10 * * * *"


# Pings sent


def linking_post(url):
    return make_post("Our story", body=f'<p>As <a href="{url}">they say</a>.</p>')


def send_once(post):
    """Queue the post's ping and send it once; the TransientPingError raised, or None."""
    outgoing.post_pings_queue(post_id=post.pk)
    ping = OutgoingPing.objects.get(post=post)
    try:
        outgoing.ping_send(ping_id=ping.pk)
    except outgoing.TransientPingError as error:
        return error
    return None


def pingback_endpoint(server, answer):
    server.routes["/p"] = Route("", headers={"X-Pingback": server.url("/rpc")})
    server.routes["/rpc"] = Route(answer, headers={"Content-Type": "text/xml"})


def fault(code, message="Their words"):
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True)


def test_wordpress_flood_fault_429_is_tried_again_after_its_window(server):
    flood = "You are posting comments too quickly. Slow down."
    pingback_endpoint(server, fault(429, flood))
    error = send_once(linking_post(server.url("/p")))
    ping = OutgoingPing.objects.get()
    assert (ping.outcome, ping.code, ping.detail) == ("retrying", 429, flood)
    assert error.retry_after == outgoing.FLOOD_SECONDS > 15


def test_fault_50_is_tried_again(server):
    pingback_endpoint(server, fault(50))
    assert send_once(linking_post(server.url("/p"))) is not None
    assert OutgoingPing.objects.get().outcome == "retrying"


@pytest.mark.parametrize("code", [16, 17, 32, 33, 49])
def test_final_faults_are_not_tried_again(server, code):
    pingback_endpoint(server, fault(code))
    assert send_once(linking_post(server.url("/p"))) is None
    ping = OutgoingPing.objects.get()
    assert (ping.outcome, ping.code) == ("failed", code)


@pytest.mark.parametrize("status", [429, 503])
def test_http_busy_with_retry_after_seconds_waits_that_long(server, status):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Busy", status=status, headers={"Retry-After": "120"})
    error = send_once(linking_post(server.url("/a")))
    assert (error.retry_after, OutgoingPing.objects.get().code) == (120.0, status)


def test_http_busy_with_retry_after_date_in_the_past_may_go_at_once(server):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    server.routes["/wm"] = Route("Busy", status=503, headers={"Retry-After": date})
    assert send_once(linking_post(server.url("/a"))).retry_after == 0.0


def test_http_busy_with_unreadable_retry_after_backs_off(server):
    server.routes["/a"] = Route('<link rel="webmention" href="/wm">')
    server.routes["/wm"] = Route("Busy", status=503, headers={"Retry-After": "soon"})
    assert send_once(linking_post(server.url("/a"))).retry_after is None


@committed
def test_flood_fault_then_success_sends_the_ping(server, run_jobs):
    answers = iter([fault(429, "You are posting comments too quickly. Slow down."),
                    xmlrpc.client.dumps(("Registered",), methodresponse=True)])  # fmt: skip
    server.routes["/p"] = Route("", headers={"X-Pingback": server.url("/rpc")})
    server.routes["/rpc"] = lambda handler, body: Route(
        next(answers), headers={"Content-Type": "text/xml"}
    )
    linking_post(server.url("/p"))
    jobs = run_until_idle(run_jobs)
    [job] = [job for job in jobs.values() if job["task_name"].endswith("send_ping")]
    assert (job["status"], OutgoingPing.objects.get().outcome) == ("todo", "retrying")
    job["scheduled_at"] = None  # the flood window passes
    run_until_idle(run_jobs)
    assert OutgoingPing.objects.get().outcome == "sent"


def test_sweep_marks_failed_the_pings_no_job_will_send(post):
    ping = OutgoingPing.objects.create(post=post, target="https://a.example/", attempts=2,
                                       outcome="retrying")  # fmt: skip
    OutgoingPing.objects.filter(pk=ping.pk).update(attempted_at=timezone.now() - timedelta(days=2))
    tasks.settle_stale_pings(timestamp=0)
    ping.refresh_from_db()
    assert (ping.outcome, ping.detail) == ("failed", outgoing.NEVER_SENT)


def test_sweep_leaves_pings_tried_lately(post):
    ping = OutgoingPing.objects.create(post=post, target="https://a.example/", outcome="retrying",
                                       attempted_at=timezone.now())  # fmt: skip
    tasks.settle_stale_pings(timestamp=0)
    ping.refresh_from_db()
    assert ping.outcome == "retrying"
