"""The one place that decides which HTML an editor's text may keep.

What WordPress's editors write comes through (the block editor's markup included, see
blog.wordpress.blocks); scripts, styles, event handlers, unsafe links and autoplay do not.
"""

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub",
    "sup", "a", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "q", "cite", "code", "pre",
    "kbd", "hr", "figure", "figcaption", "img", "table", "thead", "tbody", "tfoot", "tr", "th",
    "td", "caption", "abbr", "mark", "small", "span", "div", "del", "ins", "address", "details",
    "summary", "video", "audio", "source", "track",
}  # fmt: skip
# What the site's own <img> markup uses; data-file names the library image (set by
# django-prose-editor's Figure picker, made a responsive <picture> by blog.media on the page).
IMG_ATTRIBUTES = {
    "src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding", "data-file",
    "class",
}  # fmt: skip
# Tags whose class attribute keeps WordPress's own classes (CLASSES); figure keeps any class.
CLASSED_TAGS = ALLOWED_TAGS - {"figure", "img", "br", "hr", "source", "track"}
# The classes WordPress's editors emit for layout: alignment (alignleft, ..., alignfull), image
# sizes (size-large), blocks (wp-block-image, wp-element-caption), block styles and states
# (is-style-rounded, has-text-align-center), footnote marks (fn).
CLASSES = re.compile(
    r"align(?:left|right|center|wide|full|none)|size-[\w-]+|wp-(?:block|element|image)-[\w-]+"
    r"|is-[\w-]+|has-[\w-]+|fn"
)
# Audio and video play only when the reader asks (no autoplay), from http(s) or this site.
MEDIA_ATTRIBUTES = {"src", "controls", "loop", "muted", "preload", "width", "height"}
MEDIA_URL_ATTRIBUTES = {"src", "poster"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "id"},
    "img": IMG_ATTRIBUTES,
    "figure": {"class"},
    "ol": {"start", "type", "reversed"},
    "li": {"id"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "sup": {"data-fn"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "details": {"open"},
    "video": MEDIA_ATTRIBUTES | {"poster", "playsinline"},
    "audio": MEDIA_ATTRIBUTES - {"width", "height"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
    # A dynamic block's placeholder, drawn when the page is shown (blog.dynamic_blocks).
    "div": {"data-dynamic-block", "data-block-attrs"},
}  # fmt: skip
for _tag in CLASSED_TAGS:
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).add("class")


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if name == "class" and tag != "figure":
        kept = [token for token in value.split() if CLASSES.fullmatch(token)]
        return " ".join(kept) or None
    if name in MEDIA_URL_ATTRIBUTES and tag in ("video", "audio", "source", "track"):
        try:
            scheme = urlsplit(value.strip()).scheme.lower()
        except ValueError:  # "http://[::1" and the like
            return None
        return value if scheme in ("", "http", "https") else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Keep the markup a post may use; drop scripts, styles, handlers and unsafe links."""
    return _cleaner.clean(html or "")


# What a title may hold: WordPress lets inline markup through in titles (kses on post_title),
# which its themes print as HTML; no links (the title is often a link itself), no blocks.
TITLE_TAGS = {
    "em", "strong", "i", "b", "code", "kbd", "sub", "sup", "small", "mark", "s", "del", "ins",
    "abbr", "cite", "q", "span",
}  # fmt: skip
_title_cleaner = nh3.Cleaner(tags=TITLE_TAGS, attributes={"abbr": {"title"}}, link_rel=None)


@lru_cache(maxsize=1024)
def sanitize_title(title: str) -> str:
    """A title as HTML: its inline markup kept (TITLE_TAGS), everything else as text.

    Kept for the titles last asked: a list page shows each twice, and the same title always
    gives the same HTML."""
    return _title_cleaner.clean(title or "")


@lru_cache(maxsize=1024)
def title_text(title: str) -> str:
    """A title as plain text, where only text can go: <title>, meta tags, feeds, mail
    subjects, admin lists. Tags go (as the_title_rss), entities are decoded once.

    Kept for the titles last asked, as sanitize_title: a post page prints it five times, and
    strip_tags parses HTML."""
    return html.unescape(strip_tags(title or "")).strip()


# Elements that end a line of text: their words never run into the next block's.
TEXT_BREAKS = {
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "hr", "figure", "figcaption", "table", "caption", "tr", "th", "td",
    "address", "details", "summary",
}  # fmt: skip


class _TextParser(HTMLParser):
    """The words of a piece of HTML, each block's apart from the next's; what is inside a
    skipped element (a figure's caption, say) left out."""

    def __init__(self, skip):
        super().__init__(convert_charrefs=True)
        self.skip, self.skipping, self.parts = skip, 0, []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" " if tag in TEXT_BREAKS else "")
        if tag in self.skip:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.skip and self.skipping:
            self.skipping -= 1
        self.parts.append(" " if tag in TEXT_BREAKS else "")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str, *, captions: bool = True) -> str:
    """The text of markup on one line, blocks separated by a space ("rivers. The talks", not
    "rivers.The talks"); without figure and table captions when captions is False."""
    parser = _TextParser(skip=set() if captions else {"figcaption", "caption"})
    parser.feed(markup or "")
    parser.close()
    return " ".join("".join(parser.parts).split())
