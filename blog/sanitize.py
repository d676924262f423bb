"""The one place that decides which HTML an editor's text may keep."""

from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "q", "cite", "code", "pre", "hr", "figure",
    "figcaption", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "abbr", "mark", "small", "span", "div",
}  # fmt: skip
# What the site's own <img> markup uses; data-file names the library image (set by
# django-prose-editor's Figure picker, made a responsive <picture> by blog.media on the page).
IMG_ATTRIBUTES = {
    "src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding", "data-file",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": IMG_ATTRIBUTES,
    "figure": {"class"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Keep the markup a post may use; drop scripts, styles, handlers and unsafe links."""
    return _cleaner.clean(html or "")


# Elements that end a line of text: their words never run into the next block's.
TEXT_BREAKS = {
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre",
    "hr", "figure", "figcaption", "table", "caption", "tr", "th", "td",
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
