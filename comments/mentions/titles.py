"""A page's title and site name, for link cards other apps show (WordPress embeds).

The page is fetched through the safe fetcher (comments.mentions.fetch: http/https only, no
private addresses, 5 s, 1 MB) and read for og:title / og:site_name, else its <title> and host.
"""

from urllib.parse import urlsplit

from comments.mentions import discovery, fetch, weburls

TITLE_CHARS = 300


class _TitleScanner(discovery.TitleScanner):
    """The <title>, and og:title / og:site_name where the page gives them."""

    def __init__(self):
        super().__init__()
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name") or ""
        if tag == "meta" and key in ("og:title", "og:site_name") and attrs.get("content"):
            self.meta.setdefault(key, attrs["content"])


def page_title(url: str) -> tuple[str, str]:
    """(title, site name) of the page at url; ("", "") when it cannot be fetched or read,
    or is not HTML. Never raises for what the other site sends."""
    if not weburls.is_valid(url):
        return "", ""
    try:
        response = fetch.fetch(url)
    except fetch.FetchError:
        return "", ""
    if response.status != 200 or "html" not in (response.headers.get_content_type() or ""):
        return "", ""
    scanner = _TitleScanner()
    scanner.feed(response.text)
    title = scanner.meta.get("og:title") or scanner.title
    site = scanner.meta.get("og:site_name") or (urlsplit(url).hostname or "").removeprefix("www.")
    return _one_line(title)[:TITLE_CHARS], _one_line(site)[:TITLE_CHARS]


def _one_line(text: str) -> str:
    return " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
