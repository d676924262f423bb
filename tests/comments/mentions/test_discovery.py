from comments.mentions import discovery, fetch
from tests.httpserver import Route


def endpoint_of(server, route):
    server.routes["/post"] = route
    return discovery.webmention_endpoint(fetch.fetch(server.url("/post")))


# Cases modelled on the webmention.rocks discovery tests.
def test_webmention_endpoint_in_an_absolute_link_header(server):
    route = Route("<p>x</p>", headers={"Link": f'<{server.url("/wm/1")}>; rel="webmention"'})
    assert endpoint_of(server, route) == server.url("/wm/1")


def test_webmention_endpoint_in_a_relative_link_header(server):
    route = Route("<p>x</p>", headers={"Link": "</wm/2>; rel=webmention"})
    assert endpoint_of(server, route) == server.url("/wm/2")


def test_webmention_endpoint_in_a_link_element(server):
    assert endpoint_of(server, Route('<link rel="webmention" href="/wm/4">')) == server.url("/wm/4")


def test_webmention_endpoint_in_an_a_element(server):
    route = Route('<a rel="webmention" href="/wm/5">endpoint</a>')
    assert endpoint_of(server, route) == server.url("/wm/5")


def test_webmention_endpoint_with_several_rel_values(server):
    route = Route("<p>x</p>", headers={"Link": '</wm/7>; rel="webmention somethingelse"'})
    assert endpoint_of(server, route) == server.url("/wm/7")
    assert endpoint_of(server, Route('<link rel="me webmention" href="/wm/8">')) == server.url(
        "/wm/8"
    )


def test_webmention_endpoint_header_wins_over_document(server):
    route = Route(
        '<link rel="webmention" href="/doc">', headers={"Link": "</head>; rel=webmention"}
    )
    assert endpoint_of(server, route) == server.url("/head")


def test_webmention_endpoint_among_several_link_headers(server):
    route = Route("", headers={"Link": ['</other>; rel="other"', "</wm/19>; rel=webmention"]})
    assert endpoint_of(server, route) == server.url("/wm/19")


def test_webmention_endpoint_with_an_empty_href_is_the_page_itself(server):
    assert endpoint_of(server, Route('<link rel="webmention" href="">')) == server.url("/post")


def test_webmention_endpoint_is_the_first_of_link_and_a_in_document_order(server):
    html = '<a rel="webmention" href="/first">a</a><link rel="webmention" href="/second">'
    assert endpoint_of(server, Route(html)) == server.url("/first")


def test_webmention_endpoint_ignores_html_comments_and_escaped_html(server):
    html = (
        '<!-- <link rel="webmention" href="/commented"> -->'
        '<code>&lt;a rel="webmention" href="/escaped"&gt;</code>'
        '<link rel="webmention" href="/real">'
    )
    assert endpoint_of(server, Route(html)) == server.url("/real")


def test_webmention_endpoint_skips_elements_without_href(server):
    html = '<link rel="webmention"><a rel="webmention" href="/wm/with-href">x</a>'
    assert endpoint_of(server, Route(html)) == server.url("/wm/with-href")


def test_webmention_endpoint_keeps_query_string(server):
    html = '<link rel="webmention" href="/wm?query=yes">'
    assert endpoint_of(server, Route(html)) == server.url("/wm?query=yes")


def test_webmention_endpoint_after_a_redirect_is_relative_to_the_final_page(server):
    server.routes["/moved"] = Route(status=302, headers={"Location": "/dir/final"})
    server.routes["/dir/final"] = Route('<link rel="webmention" href="wm">')
    response = fetch.fetch(server.url("/moved"))
    assert discovery.webmention_endpoint(response) == server.url("/dir/wm")


def test_pingback_endpoint_from_header_then_link(server):
    server.routes["/h"] = Route("", headers={"X-Pingback": server.url("/xmlrpc.php")})
    server.routes["/l"] = Route('<link rel="pingback" href="/xmlrpc/">')
    assert discovery.pingback_endpoint(fetch.fetch(server.url("/h"))) == server.url("/xmlrpc.php")
    assert discovery.pingback_endpoint(fetch.fetch(server.url("/l"))) == server.url("/xmlrpc/")


def test_links_to_matches_our_url_ignoring_scheme_fragment_and_slash():
    html = '<p><a href="https://blog.example/2014/09/17/post#comments">x</a></p>'
    assert discovery.links_to(html, "http://other/", "http://blog.example/2014/09/17/post/")
    assert not discovery.links_to(html, "http://other/", "http://blog.example/2014/09/18/post/")
