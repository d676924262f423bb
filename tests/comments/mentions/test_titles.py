"""Page titles for other apps' link cards, fetched through the safe fetcher."""

from comments.mentions import titles
from tests.httpserver import Route


def test_open_graph_title_and_site_name_come_first(server):
    server.routes["/a"] = Route(
        '<title>Raw | Site</title><meta property="og:title" content="Clean title">'
        '<meta property="og:site_name" content="The Site">'
    )
    assert titles.page_title(server.url("/a")) == ("Clean title", "The Site")


def test_title_is_one_line_of_printable_text_and_the_site_its_host(server):
    server.routes["/b"] = Route("<title>\n  Two\tlines\u0007 here\n</title>")
    assert titles.page_title(server.url("/b")) == ("Two lines here", "127.0.0.1")


def test_a_file_that_is_not_a_page_has_no_title(server):
    server.routes["/c.pdf"] = Route(b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    assert titles.page_title(server.url("/c.pdf")) == ("", "")


def test_a_private_address_is_not_fetched(server, settings):
    settings.ALLOW_LOOPBACK_FETCH = False
    server.routes["/d"] = Route("<title>Inside</title>")
    assert titles.page_title(server.url("/d")) == ("", "")
    assert server.requests == []
