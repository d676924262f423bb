"""Find another page's Webmention or Pingback endpoint, and whether a page links to ours.

Webmention discovery follows the W3C Recommendation: the first HTTP Link header whose rel
includes "webmention", else the first <link> or <a> element in the document with that rel and an
href (an empty href means the page itself), resolved against the page's final URL. Pingback uses
the X-Pingback header, then <link rel="pingback">.
"""

import re
from html.parser import HTMLParser

from comments.mentions import weburls

_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.I)


def rels(value):
    return {rel.lower() for rel in (value or "").split()}


def link_header_targets(values, rel):
    """URLs in HTTP Link header values whose rel list includes rel, in order."""
    found = []
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            params = _REL.search(match.group(2) or "")
            if params and rel in rels(params.group(1) or params.group(2)):
                found.append(match.group(1).strip())
    return found


class TitleScanner(HTMLParser):
    """Reads a page's first <title> into .title (entities decoded); subclasses read more."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class _Scanner(TitleScanner):
    """Collects <link>/<a> elements with their rel, href and the text around links."""

    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, rels, href or None)

    def handle_starttag(self, tag, attrs):
        if tag in ("link", "a"):
            values = dict(attrs)
            self.elements.append((tag, rels(values.get("rel")), values.get("href")))
        super().handle_starttag(tag, attrs)


def scan(html):
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def webmention_endpoint(response):
    """The Webmention endpoint a fetched page advertises, as an absolute URL, or None."""
    for target in link_header_targets(response.header_values("Link"), "webmention"):
        return weburls.join(response.url, target)
    if "html" not in (response.headers.get_content_type() or ""):
        return None
    for tag, element_rels, href in scan(response.text).elements:
        if tag in ("link", "a") and "webmention" in element_rels and href is not None:
            return weburls.join(response.url, href)
    return None


def pingback_endpoint(response):
    """The XML-RPC endpoint a fetched page advertises for pingbacks, or None."""
    header = response.headers.get("X-Pingback")
    if header:
        return weburls.join(response.url, header)
    if "html" not in (response.headers.get_content_type() or ""):
        return None
    for tag, element_rels, href in scan(response.text).elements:
        if tag == "link" and "pingback" in element_rels and href:
            return weburls.join(response.url, href)
    return None


def links_to(html, page_url, target):
    """Does the page (at page_url) contain a link to target?"""
    return any(
        href and weburls.same_url(weburls.join(page_url, href) or "", target)
        for tag, _rels, href in scan(html).elements
        if tag == "a"
    )
