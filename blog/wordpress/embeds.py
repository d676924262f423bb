"""Embeds: an address alone on its line (WordPress's auto-embed, wp-includes/class-wp-embed.php
autoembed) and [embed] become a link card: the page's title and its site, no third-party script
or frame. The card is written at import with the address as its title; a worker then fetches the
page's <title> through the safe fetcher and writes it into the posts that show the card.
"""

import re
from html import escape, unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from blog import jobs

# autoembed's rule: an http(s) address with nothing else on its line, which after wpautop is a
# paragraph of its own.
_ALONE = re.compile(r"(?:<p>|^)[ \t]*(https?://[^\s<>\"]+)[ \t]*(?:</p>|$)", re.M)
_CARD = re.compile(
    r'<figure class="link-card"><a href="(?P<href>[^"]*)"[^>]*>(?P<title>[^<]*)</a>'
    r"<figcaption>(?P<site>[^<]*)</figcaption></figure>"
)


def is_web_address(url: str) -> bool:
    """Whether url is an http(s) address with a host, as autoembed takes them."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def site_name(url: str) -> str:
    """ "https://www.youtube.com/watch?v=x" -> "youtube.com"."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def card(url: str, title: str = "", site: str = "") -> str:
    """The link card's HTML: a figure with the linked title and the site's name under it."""
    return (
        f'<figure class="link-card"><a href="{escape(url)}">{escape(title or url)}</a>'
        f"<figcaption>{escape(site or site_name(url))}</figcaption></figure>"
    )


def autoembed(html: str, cards: list) -> str:
    """Every address alone on its line (or paragraph) made a link card; cards gets the
    addresses, in order."""

    def replace(match):
        url = unescape(match.group(1))
        if not is_web_address(url):
            return match.group(0)
        cards.append(url)
        return card(url)

    return _ALONE.sub(replace, html or "")


def card_titled(html: str, url: str, title: str, site: str = "") -> str:
    """The text with the cards for url given their fetched title (and site name)."""

    def replace(match):
        if unescape(match.group("href")) != url:
            return match.group(0)
        return card(url, title, site or unescape(match.group("site")))

    return _CARD.sub(replace, html)


# A YouTube address: watch?v=ID, youtu.be/ID, /shorts/ID or /embed/ID (IDs are 11 characters).
_YOUTUBE = re.compile(
    r"^https?://(?:(?:www\.|m\.)?youtube\.com/(?:watch\?(?:[^#]*&)?v=|shorts/|embed/)"
    r"|youtu\.be/)([\w-]{11})(?![\w-])"
)
PLAYERS = {"youtube": (_YOUTUBE, "https://www.youtube-nocookie.com/embed/{}")}


def frames(html: str) -> str:
    """The link cards of providers the site opted in to (settings.EMBED_FRAMES) shown as the
    provider's player (YouTube's privacy-enhanced one), with the card's link under it; the
    rest as they are. A blog.media body filter: it runs as the page is shown."""
    players = [PLAYERS[name] for name in settings.EMBED_FRAMES if name in PLAYERS]
    if not players or "link-card" not in html:
        return html

    def replace(match):
        url = unescape(match.group("href"))
        for pattern, player in players:
            found = pattern.match(url)
            if found:
                # The stored text is escaped for a text node only (quotes are not): again.
                title = escape(unescape(match.group("title")))
                return (
                    f'<figure class="embed-frame"><iframe src="{player.format(found.group(1))}" '
                    f'title="{title}" loading="lazy" allowfullscreen '
                    'allow="encrypted-media; picture-in-picture; fullscreen" '
                    'referrerpolicy="strict-origin-when-cross-origin"></iframe>'
                    f'<figcaption><a href="{escape(url)}">{title}</a></figcaption></figure>'
                )
        return match.group(0)

    return _CARD.sub(replace, html)


def titles_queue(*, urls) -> None:
    """After the import commits, have each embedded page's title fetched (by
    comments.mentions, through the safe fetcher) and written into the cards by
    blog.wordpress.tasks.link_card_title. A rolled-back import (dry run) queues nothing."""

    def queue():
        fetch = jobs.task("comments.mentions.tasks.fetch_link_title")
        for url in sorted(urls):
            fetch.defer(url=url, reply_to="blog.wordpress.tasks.link_card_title")

    if urls:
        transaction.on_commit(queue, robust=True)
