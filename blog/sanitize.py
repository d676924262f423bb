"""The one place that decides which HTML an editor's text may keep."""

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
    # A dynamic block's placeholder, drawn when the page is shown (blog.dynamic_blocks).
    "div": {"data-dynamic-block", "data-block-attrs"},
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
