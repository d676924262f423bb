"""Pingbacks as another blog sends them: Python's xmlrpc.client as the client, source pages on a
real HTTP server on 127.0.0.1. The client talks over real HTTP to the live server where it
matters (the whole path, concurrency, hostile XML on the wire); elsewhere through Django's test
client (the same bytes, without a database flush after every test).

The source is fetched by a task while the answer waits. Where a real worker process runs the
task (the `worker` fixture), the wait is the real one (LISTEN/NOTIFY); elsewhere the in-memory
queue runs the job at the moment the answer waits."""

import threading
import time
import urllib.request
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from comments.mentions import services as mentions
from comments.mentions import sources
from comments.models import Comment
from tests.comments.mentions.pings import (
    DjangoClientTransport,
    linking_page,
    mentions_of,
    ping,
    run_verifications,
    target_url,
)
from tests.factories import make_category, make_post
from tests.httpserver import Route
from tests.worker import running_worker

pytestmark = pytest.mark.django_db
live = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _jobs_run_while_the_answer_waits(request, monkeypatch, task_queue):
    if not any(name.startswith("worker") for name in request.fixturenames):
        monkeypatch.setattr(mentions, "verdict_wait", lambda seconds: run_verifications(task_queue))


@pytest.fixture
def worker(task_queue, site):
    """A `manage.py procrastinate worker` process that verifies pingbacks for the live site."""
    with running_worker(task_queue, SITE_URL=site.url, ALLOW_LOOPBACK_FETCH=1) as process:
        yield process


@pytest.fixture
def worker_with_two_fetch_slots(task_queue, site):
    """Six jobs at once, but two fetch slots (PING_FETCH_SLOTS) for the whole site."""
    with running_worker(
        task_queue, SITE_URL=site.url, ALLOW_LOOPBACK_FETCH=1, WORKER_CONCURRENCY=6,
        PING_FETCH_SLOTS=2,
    ) as process:  # fmt: skip
        yield process


@pytest.fixture
def proxy(client):
    return xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", DjangoClientTransport(client))


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.ALLOW_LOOPBACK_FETCH = True
    return live_server


@pytest.fixture
def live_proxy(site):
    return xmlrpc.client.ServerProxy(f"{site.url}/xmlrpc/")


@pytest.fixture
def post(settings):
    return make_post("Why Iran Was Not Invited to the Anti ISIS Club")


def other_session():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
        dbname=db["NAME"], autocommit=True,
    )  # fmt: skip


def post_xml(site, body, path="/xmlrpc/", **headers):
    """Raw bytes to the endpoint; the HTTP status and the fault (or result) it answered."""
    request = urllib.request.Request(
        f"{site.url}{path}", data=body, headers={"Content-Type": "text/xml", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status, answer = response.status, response.read()
    try:
        return status, xmlrpc.client.loads(answer)[0][0]
    except xmlrpc.client.Fault as fault:
        return status, (fault.faultCode, fault.faultString)


@live
def test_pingback_over_http_is_stored_with_title_and_context(live_proxy, site, server, worker):
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    proxy = live_proxy
    server.routes["/news"] = Route(
        linking_page(
            target_url(post), title="Washington asks Tehran for help",
            before="US Secretary of State John Kerry kept Iran out, as", after="explains.",
        )
    )  # fmt: skip
    answer = ping(proxy, server.url("/news"), target_url(post))
    assert "registered" in answer
    [comment] = mentions_of(post)
    assert (comment.kind, comment.source_url) == ("pingback", server.url("/news"))
    assert comment.source_title == "Washington asks Tehran for help"
    assert (
        comment.comment == "US Secretary of State John Kerry kept Iran out, as this post explains."
    )
    assert comment.ip_address == "127.0.0.1"


@live
def test_pingback_faults_come_back_from_the_worker_in_the_answer(live_proxy, server, worker):
    post = make_post("Linked")
    server.routes["/news"] = Route(linking_page(f"{target_url(post)}-not"))
    server.routes["/gone"] = Route("Gone", status=410)
    started = time.monotonic()
    assert ping(live_proxy, server.url("/news"), target_url(post)) == 17
    assert ping(live_proxy, server.url("/gone"), target_url(post)) == 16
    assert time.monotonic() - started < 8  # woken by the worker's notice, not the timeout
    assert mentions_of(post) == []


def test_the_request_itself_never_fetches_the_source(
    proxy, server, post, settings, monkeypatch, task_queue
):
    """No worker answers in time: the ping is received, and the task fetches the source later."""
    settings.PINGBACK_WAIT = 0.3
    monkeypatch.setattr(mentions, "verdict_wait", time.sleep)
    server.routes["/news"] = Route(linking_page(target_url(post)))
    answer = ping(proxy, server.url("/news"), target_url(post))
    assert answer == (
        f"Pingback from {server.url('/news')} to {target_url(post)} received; "
        "it will be verified shortly."
    )
    assert server.requests == [] and mentions_of(post) == []
    assert ping(proxy, server.url("/news"), target_url(post)) == 48  # already on its way
    run_verifications(task_queue)
    assert [request[:2] for request in server.requests] == [("GET", "/news")]
    [comment] = mentions_of(post)
    assert comment.source_url == server.url("/news")


@live
def test_pingback_answers_at_wordpress_address_too(site, server):
    post = make_post("Linked")
    server.routes["/news"] = Route(linking_page(target_url(post)))
    proxy = xmlrpc.client.ServerProxy(f"{site.url}/xmlrpc.php")
    assert "registered" in ping(proxy, server.url("/news"), target_url(post))


def test_pingback_to_the_same_page_is_fault_0(proxy, post):
    assert ping(proxy, target_url(post), target_url(post) + "#comments") == 0


def test_pingback_from_a_missing_page_is_fault_16(proxy, server, post):
    assert ping(proxy, server.url("/gone"), target_url(post)) == 16
    assert ping(proxy, "ftp://example.com/x", target_url(post)) == 16


def test_pingback_from_a_page_without_the_link_is_fault_17(proxy, server, post):
    server.routes["/news"] = Route(linking_page(f"{target_url(post)}-not"))
    assert ping(proxy, server.url("/news"), target_url(post)) == 17
    assert mentions_of(post) == []


def test_pingback_to_a_post_that_does_not_exist_is_fault_32(proxy, server):
    server.routes["/news"] = Route(linking_page("http://testserver/2014/09/17/nope/"))
    assert ping(proxy, server.url("/news"), "http://testserver/2014/09/17/nope/") == 32


def test_pingback_to_something_else_than_our_post_is_fault_33(proxy, server):
    category = make_category("World")
    for target in (f"http://testserver{category.get_absolute_url()}", "http://other.example/"):
        server.routes["/news"] = Route(linking_page(target))
        assert ping(proxy, server.url("/news"), target) == 33


def test_pingback_registered_twice_is_fault_48(proxy, server, post):
    server.routes["/news"] = Route(linking_page(target_url(post)))
    ping(proxy, server.url("/news"), target_url(post))
    assert ping(proxy, server.url("/news"), target_url(post)) == 48
    assert len(mentions_of(post)) == 1


def test_pingback_to_a_post_with_pings_closed_is_fault_49(proxy, server):
    closed = make_post("Closed", pings_open=False)
    server.routes["/news"] = Route(linking_page(target_url(closed)))
    assert ping(proxy, server.url("/news"), target_url(closed)) == 49
    assert server.requests == []  # refused before fetching anything


def test_pingback_when_every_fetch_slot_is_busy_is_fault_50(
    proxy, server, post, settings, monkeypatch
):
    settings.PING_FETCH_SLOTS = 1
    monkeypatch.setattr(sources, "SLOT_WAIT", 0.2)
    server.routes["/news"] = Route(linking_page(target_url(post)))
    other = other_session()  # another process, fetching
    try:
        other.execute("SELECT pg_advisory_lock(%s, 0)", [sources.LOCK_CLASS])
        assert ping(proxy, server.url("/news"), target_url(post)) == 50
    finally:
        other.close()
    assert server.requests == []


def test_pingback_from_a_slow_source_is_fault_16(proxy, server, post, settings):
    settings.FETCH_TIMEOUT = 0.5
    server.routes["/slow"] = Route(linking_page(target_url(post)), delay=2)
    started = time.monotonic()
    assert ping(proxy, server.url("/slow"), target_url(post)) == 16
    assert time.monotonic() - started < 1.8


def test_pingback_from_an_oversized_source_is_fault_16(proxy, server, post, settings):
    settings.FETCH_MAX_BYTES = 50_000
    padding = "<p>" + "words " * 20_000 + "</p>"
    server.routes["/big"] = Route(linking_page(target_url(post), before=padding))
    assert ping(proxy, server.url("/big"), target_url(post)) == 16
    assert mentions_of(post) == []


def test_pingback_from_a_source_that_redirects_to_a_private_address_is_fault_16(
    proxy, server, post
):
    server.routes["/hop"] = Route(status=302, headers={"Location": "http://10.0.0.7/admin"})
    assert ping(proxy, server.url("/hop"), target_url(post)) == 16


def test_pingback_fault_never_tells_why_the_fetch_failed(proxy, server, post, settings):
    settings.ALLOW_LOOPBACK_FETCH = False
    with pytest.raises(xmlrpc.client.Fault) as refused:
        proxy.pingback.ping(server.url("/news"), target_url(post))
    assert refused.value.faultString == "The source URL does not exist or could not be read."
    assert server.requests == []


def test_pingback_goes_through_comment_moderation(proxy, server, post, settings):
    from comments.models import DiscussionSettings

    DiscussionSettings.objects.update_or_create(pk=1, defaults={"moderation_words": "casino"})
    server.routes["/news"] = Route(linking_page(target_url(post), after="casino bonus"))
    ping(proxy, server.url("/news"), target_url(post))
    [comment] = mentions_of(post)
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_note == "contains the moderation word “casino”"


def test_get_pingbacks_lists_the_published_pingbacks_of_a_post(proxy, server, post):
    server.routes["/a"] = Route(linking_page(target_url(post)))
    server.routes["/b"] = Route(linking_page(target_url(post)))
    ping(proxy, server.url("/a"), target_url(post))
    ping(proxy, server.url("/b"), target_url(post))
    Comment.objects.filter(source_url=server.url("/a")).update(status=Comment.Status.APPROVED)
    assert proxy.pingback.extensions.getPingbacks(target_url(post)) == [server.url("/a")]


def test_list_methods_names_the_pingback_methods(proxy):
    assert proxy.system.listMethods() == [
        "pingback.extensions.getPingbacks", "pingback.ping", "system.listMethods",
    ]  # fmt: skip


def test_unknown_method_is_a_fault(proxy):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        proxy.wp.getUsersBlogs("admin", "password")
    assert refused.value.faultCode == -32601


@pytest.mark.parametrize(
    "params",
    [(), ("only-one",), (1, 2), (["a"], {"b": 1}), ("a", "b", "c"),
     (xmlrpc.client.DateTime("nonsense"), b"bytes")],
)  # fmt: skip
def test_pingback_with_wrong_parameters_is_a_fault(proxy, params):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        proxy.pingback.ping(*params)
    assert refused.value.faultCode == -32602


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&lol9;</string></value></param>
<param><value><string>x</string></value></param>
</params></methodCall>"""


@live
def test_billion_laughs_is_a_parse_fault_not_a_crash(site):
    started = time.monotonic()
    assert post_xml(site, BILLION_LAUGHS) == (
        200,
        (-32700, "Parse error: not a well-formed XML-RPC call."),
    )
    assert time.monotonic() - started < 2


@live
def test_external_entity_is_never_read(site, server):
    server.routes["/secret"] = Route("s3cret")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "{server.url("/secret")}">
<!ENTITY file SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&xxe;&file;</string></value></param>
<param><value><string>x</string></value></param></params></methodCall>""".encode()
    status, (code, message) = post_xml(site, body)
    assert (status, code) == (200, -32700)
    assert "s3cret" not in message and "root:" not in message
    assert server.requests == []


@live
def test_huge_document_is_refused_unread(site, settings):
    body = b"<?xml version='1.0'?><methodCall><methodName>system.listMethods</methodName><params>"
    body += (
        b"<param><value><string>"
        + b"A" * 200_000
        + b"</string></value></param></params></methodCall>"
    )
    assert post_xml(site, body) == (200, (-32700, "The request is too large."))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<methodCall><methodName>pingback.ping</methodName><params>",  # cut short
        b"<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
        b"<methodCall><methodName>pingback.ping</methodName><params><param><value><int>"
        + b"9" * 6000
        + b"</int></value></param></params></methodCall>",
        b"<methodCall><methodName>pingback.ping</methodName><params>"
        + b"<param><value><array><data>" * 2000
        + b"</data></array></value></param>" * 2000
        + b"</params></methodCall>",
    ],
)
def test_malformed_calls_get_a_fault_not_a_500(client, body):
    response = client.post("/xmlrpc/", data=body, content_type="text/xml")
    assert response.status_code == 200
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(response.content)
    assert fault.value.faultCode == -32700


def test_get_is_not_allowed(client):
    assert client.get("/xmlrpc/").status_code == 405


def test_one_address_sending_too_many_pings_is_denied(proxy, settings):
    settings.PING_RATE_LIMIT_IP = (3, 600)
    answers = []
    for _ in range(4):
        try:
            answers.append(proxy.system.listMethods() and "ok")
        except xmlrpc.client.Fault as fault:
            answers.append(fault.faultCode)
    assert answers == ["ok", "ok", "ok", 49]


def test_one_source_site_pinging_too_often_is_denied_before_any_fetch(
    proxy, server, post, settings
):
    settings.PING_RATE_LIMIT_SOURCE_HOST = (2, 600)
    codes = [ping(proxy, server.url(f"/spam/{n}"), target_url(post)) for n in range(3)]
    assert codes == [16, 16, 49]
    assert len(server.requests) == 2


@live
def test_a_flood_of_pings_never_fetches_more_pages_at_once_than_the_slots(
    site, server, worker_with_two_fetch_slots, settings
):
    """Six blogs ping at once; each source is slow. We fetch at most two of them at a time."""
    settings.PINGBACK_WAITERS = 6  # every answer waits for its verdict, so each says how it went
    post = make_post("Popular")
    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def slow_source(handler, body):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.4)
        with lock:
            state["now"] -= 1
        return Route(linking_page(target_url(post)))

    for n in range(6):
        server.routes[f"/blog{n}"] = slow_source

    def one(n):
        client = xmlrpc.client.ServerProxy(f"{site.url}/xmlrpc/")
        return ping(client, server.url(f"/blog{n}"), target_url(post))

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(one, range(6)))
    assert all("registered" in answer for answer in answers)
    assert state["most"] == 2


def test_even_a_harmless_entity_is_refused(client):
    """No DTD at all: an entity that would spell a valid call still gets a parse fault."""
    body = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY name "system.listMethods">]>'
        b"<methodCall><methodName>&name;</methodName><params></params></methodCall>"
    )
    response = client.post("/xmlrpc/", data=body, content_type="text/xml")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(response.content)
    assert fault.value.faultCode == -32700
