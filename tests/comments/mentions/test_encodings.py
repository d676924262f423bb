"""Source pages in the encodings real blogs still serve, decoded as a browser decodes them (a
byte order mark, the HTTP header, <meta> in the first bytes, then a guess), and page text with
characters no title may carry."""

import xmlrpc.client

import pytest

from comments.mentions import fetch
from comments.mentions import services as mentions
from comments.models import Comment
from tests.comments.factories import make_comment
from tests.comments.mentions.pings import (
    DjangoClientTransport,
    mentions_of,
    ping,
    run_verifications,
    target_url,
)
from tests.factories import make_post
from tests.httpserver import Route

pytestmark = pytest.mark.django_db

# (encoding, title, the words around the link): a French, a Japanese, a Chinese, a Russian and
# a Korean news blog quoting the post.
PAGES = [
    ("iso-8859-1", "Sécurité routière", "La sécurité routière, comme l'explique", "à Paris."),
    (
        "shift_jis",
        "イランはなぜ招かれなかったのか",
        "ケリー国務長官はイランを除外した。",
        "が説明する。",
    ),
    ("gbk", "伊朗为何未被邀请", "美国国务卿约翰·克里将伊朗排除在外，正如", "所解释的。"),
    (
        "windows-1251",
        "Почему Иран не пригласили",
        "Госсекретарь США Джон Керри не пустил Иран, как объясняет",
        "подробно.",
    ),
    ("euc-kr", "이란이 초대받지 못한 이유", "존 케리 국무장관은 이란을 배제했다고", "설명한다."),
]


@pytest.fixture(autouse=True)
def _jobs_run_while_the_answer_waits(monkeypatch, task_queue):
    monkeypatch.setattr(mentions, "verdict_wait", lambda seconds: run_verifications(task_queue))


@pytest.fixture
def proxy(client):
    return xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", DjangoClientTransport(client))


@pytest.fixture
def post(rules):
    return make_post("Why Iran Was Not Invited to the Anti ISIS Club")


def page(post, title, before, after, *, head=""):
    return (
        f"<!doctype html><html><head>{head}<title>{title}</title></head><body>"
        f"<p>{before} <a href='{target_url(post)}'>OK</a> {after}</p></body></html>"
    )


def stored(post):
    [comment] = mentions_of(post)
    return comment.source_title, comment.comment


# Encodings


def test_pingback_source_declaring_latin_1_in_http_equiv_is_read_in_latin_1(proxy, server, post):
    """The issue's page: text/html without a charset, ISO-8859-1 said in <meta http-equiv>."""
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    html = page(post, "Sécurité routière", "La sécurité routière,", "à Paris.", head=meta)
    server.routes["/news"] = Route(html.encode("iso-8859-1"), headers={"Content-Type": "text/html"})
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == ("Sécurité routière", "La sécurité routière, OK à Paris.")


@pytest.mark.parametrize(("encoding", "title", "before", "after"), PAGES)
def test_source_declaring_its_encoding_in_meta_charset_is_read_in_it(
    proxy, server, post, encoding, title, before, after
):
    html = page(post, title, before, after, head=f"<meta charset={encoding}>")
    server.routes["/news"] = Route(html.encode(encoding), headers={"Content-Type": "text/html"})
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == (title, f"{before} OK {after}")


@pytest.mark.parametrize(("encoding", "title", "before", "after"), PAGES)
def test_source_declaring_its_encoding_in_the_header_is_read_in_it(
    proxy, server, post, encoding, title, before, after
):
    html = page(post, title, before, after)
    content_type = f"text/html; charset={encoding}"
    server.routes["/news"] = Route(html.encode(encoding), headers={"Content-Type": content_type})
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == (title, f"{before} OK {after}")


@pytest.mark.parametrize(("encoding", "title", "before", "after"), PAGES)
def test_source_declaring_no_encoding_is_read_in_the_likeliest(
    proxy, server, post, encoding, title, before, after
):
    html = page(post, title, before, after)
    server.routes["/news"] = Route(html.encode(encoding), headers={"Content-Type": "text/html"})
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == (title, f"{before} OK {after}")


def test_latin_1_is_read_as_windows_1252_as_browsers_do(proxy, server, post):
    """The HTML standard maps the ISO-8859-1 label to windows-1252: byte 0x92 is ’."""
    html = page(post, "L’été", "C’est", "ici.", head="<meta charset=iso-8859-1>")
    server.routes["/news"] = Route(html.encode("cp1252"), headers={"Content-Type": "text/html"})
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == ("L’été", "C’est OK ici.")


def test_header_charset_wins_over_a_wrong_meta(proxy, server, post):
    html = page(post, "Почему Иран", "Керри", "подробно.", head="<meta charset=iso-8859-1>")
    headers = {"Content-Type": "text/html; charset=windows-1251"}
    server.routes["/news"] = Route(html.encode("windows-1251"), headers=headers)
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == ("Почему Иран", "Керри OK подробно.")


def test_byte_order_mark_wins_over_everything(proxy, server, post):
    html = page(post, "Sécurité", "Lire", "ici.", head="<meta charset=iso-8859-1>")
    headers = {"Content-Type": "text/html; charset=iso-8859-1"}
    server.routes["/news"] = Route(html.encode("utf-16"), headers=headers)  # with its BOM
    ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == ("Sécurité", "Lire OK ici.")


def test_plain_text_source_in_a_legacy_encoding_is_read_in_it(proxy, server, post):
    text = f"Почему Иран не пригласили: {target_url(post)} подробно."
    headers = {"Content-Type": "text/plain; charset=koi8-r"}
    server.routes["/notes"] = Route(text.encode("koi8-r"), headers=headers)
    ping(proxy, server.url("/notes"), target_url(post))
    assert stored(post)[1] == text


def test_bytes_the_encoding_cannot_read_become_replacement_characters():
    assert fetch.decode(b"caf\xc3 ok", "text/html; charset=utf-8") == "caf\ufffd ok"


# Characters no title may carry


def test_control_characters_in_the_source_page_are_not_stored(proxy, server, post):
    html = page(post, "Breaking\x0bnews\x00 \x07today", "Read\x00 this\x1b", "now\x7f.")
    server.routes["/news"] = Route(html)
    assert "registered" in ping(proxy, server.url("/news"), target_url(post))
    assert stored(post) == ("Breaking news today", "Read this OK now.")


def test_xml_rpc_answer_never_carries_characters_xml_forbids(proxy, post):
    """A pingback imported from WordPress whose address has a vertical tab in it."""
    make_comment(post, kind=Comment.Kind.PINGBACK, source_url="http://old.example/\x0bimported")
    assert proxy.pingback.extensions.getPingbacks(target_url(post)) == [
        "http://old.example/imported"
    ]
