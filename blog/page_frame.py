"""The lines of templates/base.html around its blocks, as HTML written in Python.

Every reader-facing page extends base.html, and the template engine spent about half a
millisecond per page on its two dozen lookups, filters and tags (and Django walks the whole
parent template for its blocks on every render: the fewer nodes, the shorter that walk).
base.html keeps its blocks, so pages still fill and extend them; the text between them comes
from the template tags in blog_tags (frame_top, frame_feeds, frame_header, frame_account,
frame_footer), which call these functions. The parts that only the site settings and the
site's addresses decide are kept per their values (lru_cache): a setting changed shows on the
very next page, as the key changes with it.
"""

from datetime import datetime
from functools import lru_cache
from html import escape  # the standard library's: Django's is lazy-aware and slower
from urllib.parse import quote

from django.conf import settings
from django.template.defaultfilters import truncatewords
from django.utils import timezone


def _str(value) -> str:
    """A value as the template engine prints it: "" for None, else its text."""
    return "" if value is None else str(value)


def title_prefix(form, page_obj) -> str:
    """The title's start: "Error: " on a page whose form has errors, "Page N — " on page N > 1
    of a list: as WordPress's titles, so a tab or a search result says which it is."""
    prefix = ""
    try:
        if form is not None and form.errors:
            prefix = "Error: "
    except AttributeError:
        pass
    number = getattr(page_obj, "number", None)
    if isinstance(number, int) and number > 1:
        prefix += f"Page {number} — "
    return prefix


@lru_cache(maxsize=64)
def feeds(title: str, feed: str, feed_atom: str) -> str:
    """The site's RSS and Atom <link> lines of <head>."""
    title = escape(title)
    return (
        f'<link rel="alternate" type="application/rss+xml" title="{title} (RSS)" '
        f'href="{escape(feed)}">\n'
        f'  <link rel="alternate" type="application/atom+xml" title="{title} (Atom)" '
        f'href="{escape(feed_atom)}">'
    )


@lru_cache(maxsize=64)
def style(favicon: str, css: str) -> str:
    """The icon and style sheet <link> lines of <head>."""
    return (
        f'<link rel="icon" href="{escape(favicon)}" type="image/svg+xml">\n'
        f'  <link rel="stylesheet" href="{escape(css)}">'
    )


@lru_cache(maxsize=64)
def header(title: str, tagline: str, home: str) -> str:
    """From </head> to the site navigation's "Home" link; the page menu follows."""
    home, title = escape(home), escape(title)
    tagline_line = f'<p class="site-tagline">{escape(tagline)}</p>' if tagline else ""
    return (
        "</head>\n<body>\n"
        '  <a class="skip-link" href="#content">Skip to content</a>\n'
        '  <header class="site-header">\n'
        '    <div class="wrap">\n'
        f'      <p class="site-title"><a href="{home}">{title}</a></p>\n'
        f"      {tagline_line}\n"
        "    </div>\n"
        '    <nav class="site-nav" aria-label="Site">\n'
        '      <div class="wrap">\n'
        f'        <a href="{home}">Home</a>\n'
        "        "
    )


def account(*, signed_in: bool, csrf_input: str, path: str, query, urls: dict) -> str:
    """The navigation's account links and search form, to the start of <main>.

    signed_in: a "Log out" button (a POST form carrying csrf_input, the CSRF token's hidden
    input); otherwise "Log in", which brings the reader back to path, and "Sign up". query:
    the search box's text (the search page's query), or None."""
    if signed_in:
        links = (
            f'<form class="nav-account" method="post" action="{escape(urls["logout"])}">'
            f'{csrf_input}<button type="submit" class="nav-button">Log out</button></form>'
            "\n        "
        )
    else:
        links = (
            f'<a href="{escape(urls["login"])}?next={escape(quote(path, safe="/"))}">Log in</a>'
            f' <a href="{escape(urls["signup"])}">Sign up</a>'
        )
    return (
        f"{links}\n"
        f'        <form class="nav-search" role="search" aria-label="Site search" '
        f'action="{escape(urls["search"])}" method="get">\n'
        '          <label class="visually-hidden" for="nav-q">Search the blog</label>\n'
        f'          <input id="nav-q" type="search" name="q" value="{escape(_str(query or ""))}"'
        ' placeholder="Search…">\n'
        '          <button type="submit">Search</button>\n'
        "        </form>\n"
        "      </div>\n"
        "    </nav>\n"
        "  </header>\n"
        '  <div class="wrap layout">'
    )


def footer(*, title: str, about: str, urls: dict) -> str:
    """The site footer to the end of the document: the year (in the site's time zone), the
    title, the "about" text cut to 40 words, and the feed and sitemap links (as {% now "Y" %}:
    the current time zone's year)."""
    now = datetime.now(tz=timezone.get_current_timezone() if settings.USE_TZ else None)
    return _footer(now.year, title, about, urls["feed"], urls["feed_atom"], urls["sitemap"])


@lru_cache(maxsize=64)
def _footer(year: int, title: str, about: str, feed: str, feed_atom: str, sitemap: str) -> str:
    about_text = escape(truncatewords(about, 40)) if about else ""
    return (
        '<footer class="site-footer">\n'
        '    <div class="wrap">\n'
        f"      <p>© {year} {escape(title)}. {about_text}</p>\n"
        f'      <p><a href="{escape(feed)}">RSS</a> · <a href="{escape(feed_atom)}">Atom</a>'
        f' · <a href="{escape(sitemap)}">Sitemap</a></p>\n'
        "    </div>\n"
        "  </footer>\n"
        "</body>\n"
        "</html>"
    )
