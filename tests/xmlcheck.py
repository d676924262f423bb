"""Every XML document the blog writes must parse: feeds, sitemaps, XML-RPC answers, WXR."""

from defusedxml import ElementTree

XML_PAGES = [
    "/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/", "/sitemap.xml",
]  # fmt: skip


def assert_xml(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    ElementTree.fromstring(body)  # raises ParseError on anything XML 1.0 forbids


def assert_feeds_parse(client, *extra_paths):
    for path in [*XML_PAGES, *extra_paths]:
        assert_xml(client.get(path))
