"""Read a WordPress eXtended RSS (WXR) export as a stream of authors, terms and items.

The file is parsed with defusedxml's iterparse (no DTDs, entities or external references),
one <item> at a time, and every element is cleared once read, so memory stays flat however
large the export is. Namespaces are recognised by their shape, not their exact URI, since
exports carry WXR 1.0 to 1.2 with http:// or https:// addresses.
"""

import html
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from blog.wordpress import blocks, references


class WxrError(Exception):
    """The export cannot be read; the message says where and why."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None


@dataclass
class Term:
    kind: str  # "category" or "tag"
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""
    wp_id: int | None = None


@dataclass
class Comment:
    wp_id: int
    parent_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime | None
    content: str
    approved: str  # "1", "0", "spam" or "trash"
    kind: str  # "comment", "pingback", "trackback" or "webmention" (the Webmention plugin's)
    user_id: int = 0


@dataclass
class Item:
    wp_id: int
    post_type: str
    title: str
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime | None = None
    status: str = "draft"
    slug: str = ""
    parent_id: int = 0
    menu_order: int = 0
    comment_status: str = "open"
    ping_status: str = "open"
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, slug, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def clean_name(value):
    """Names may carry HTML entities escaped once or twice ("&amp;amp;"): undo both."""
    value = (value or "").strip()
    for _ in range(3):
        unescaped = html.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return value


def clean_slug(value):
    """Slugs may be empty or percent-encoded UTF-8 ("%d8%a7%db%8c%d8%b1%d8%a7%d9%86")."""
    return unquote((value or "").strip()).strip("/")


def parse_date(gmt, local=""):
    """WXR dates are "YYYY-MM-DD HH:MM:SS"; drafts carry 0000-00-00 in the GMT field."""
    for text, tz in ((gmt, UTC), (local, None)):
        text = (text or "").strip()
        if not text or text.startswith("0000"):
            continue
        try:
            value = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return value.replace(tzinfo=tz) if tz else value
    return None


def _tag(elem):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id', whatever the version."""
    tag = elem.tag
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if "wordpress.org/export" in uri:
        return f"excerpt:{local}" if uri.rstrip("/").endswith("excerpt") else f"wp:{local}"
    if "purl.org/rss/1.0/modules/content" in uri:
        return f"content:{local}"
    if "purl.org/dc/elements" in uri:
        return f"dc:{local}"
    return local


def _text(elem, name):
    for child in elem:
        if _tag(child) == name:
            return child.text or ""
    return ""


def _int(value):
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def _author(elem):
    return Author(
        login=clean_name(_text(elem, "wp:author_login")),
        email=_text(elem, "wp:author_email").strip(),
        display_name=clean_name(_text(elem, "wp:author_display_name")),
        first_name=clean_name(_text(elem, "wp:author_first_name")),
        last_name=clean_name(_text(elem, "wp:author_last_name")),
        wp_id=_int(_text(elem, "wp:author_id")) or None,
    )


def _category(elem):
    return Term(
        kind="category",
        slug=clean_slug(_text(elem, "wp:category_nicename")),
        name=clean_name(_text(elem, "wp:cat_name")),
        parent_slug=clean_slug(_text(elem, "wp:category_parent")),
        description=clean_name(_text(elem, "wp:category_description")),
        wp_id=_int(_text(elem, "wp:term_id")) or None,
    )


def _tag_term(elem):
    return Term(
        kind="tag",
        slug=clean_slug(_text(elem, "wp:tag_slug")),
        name=clean_name(_text(elem, "wp:tag_name")),
        description=clean_name(_text(elem, "wp:tag_description")),
        wp_id=_int(_text(elem, "wp:term_id")) or None,
    )


def _comment(elem):
    kind = _text(elem, "wp:comment_type").strip() or "comment"
    return Comment(
        wp_id=_int(_text(elem, "wp:comment_id")),
        parent_id=_int(_text(elem, "wp:comment_parent")),
        author=clean_name(_text(elem, "wp:comment_author")),
        email=_text(elem, "wp:comment_author_email").strip(),
        url=_text(elem, "wp:comment_author_url").strip(),
        ip=_text(elem, "wp:comment_author_IP").strip(),
        date=parse_date(_text(elem, "wp:comment_date_gmt"), _text(elem, "wp:comment_date")),
        # WordPress keeps comment text as HTML and this blog as plain text: its entities are
        # decoded once (a pingback's "[&#8230;]" is "[…]"), whatever the kind of comment.
        content=html.unescape(_text(elem, "wp:comment_content")),
        approved=_text(elem, "wp:comment_approved").strip() or "0",
        kind=kind if kind in ("comment", "pingback", "trackback", "webmention") else "comment",
        user_id=_int(_text(elem, "wp:comment_user_id")),
    )


def _item(elem):
    item = Item(
        wp_id=_int(_text(elem, "wp:post_id")),
        post_type=_text(elem, "wp:post_type").strip() or "post",
        title=clean_name(_text(elem, "title")),
        link=_text(elem, "link").strip(),
        creator=clean_name(_text(elem, "dc:creator")),
        content=_text(elem, "content:encoded"),
        excerpt=_text(elem, "excerpt:encoded"),
        date=parse_date(_text(elem, "wp:post_date_gmt"), _text(elem, "wp:post_date")),
        status=_text(elem, "wp:status").strip() or "draft",
        slug=clean_slug(_text(elem, "wp:post_name")),
        parent_id=_int(_text(elem, "wp:post_parent")),
        menu_order=_int(_text(elem, "wp:menu_order")),
        comment_status=_text(elem, "wp:comment_status").strip() or "open",
        ping_status=_text(elem, "wp:ping_status").strip() or "open",
        is_sticky=_text(elem, "wp:is_sticky").strip() == "1",
        password=_text(elem, "wp:post_password"),
        attachment_url=_text(elem, "wp:attachment_url").strip(),
    )
    for child in elem:
        name = _tag(child)
        if name == "category":
            domain = child.get("domain", "category")
            kind = "tag" if domain == "post_tag" else domain
            slug = clean_slug(child.get("nicename", ""))
            item.categories.append((kind, slug, clean_name(child.text)))
        elif name == "wp:postmeta":
            item.meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


# The C0 control bytes XML 1.0 forbids (all but tab, LF and CR): WordPress exports them as they
# were typed, which would make the whole file unreadable. In UTF-8 these bytes never occur
# inside another character, so they can go byte by byte: VT and FF become a space, the others
# nothing (as blog.xmltext.xml_safe does when the blog writes XML).
_CONTROLS = bytes(range(0x20)).translate(None, b"\t\n\r\x0b\x0c")
_AS_SPACE = bytes.maketrans(b"\x0b\x0c", b"  ")


class _WithoutControls:
    """A binary stream read through, with the control bytes XML 1.0 forbids taken out."""

    def __init__(self, raw):
        self.raw = raw

    def read(self, size=-1):
        return self.raw.read(size).translate(_AS_SPACE, _CONTROLS)


_READERS = {
    "wp:author": _author,
    "wp:category": _category,
    "wp:tag": _tag_term,
    "item": _item,
}


def read(source):
    """Yield Author, Term and Item objects in file order; raise WxrError on a bad file.

    source is a path or a binary file object. A file cut short or otherwise malformed raises
    WxrError naming the line, so a caller inside a transaction can roll everything back.
    Control characters XML forbids (a text pasted from a PDF) are dropped, not refused.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield from read(stream)
        return
    depth_items, channel = 0, None
    try:
        stream = _WithoutControls(source)
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            name = _tag(elem)
            if event == "start":
                depth_items += name == "item"
                channel = elem if name == "channel" else channel
                continue
            depth_items -= name == "item"
            if depth_items == 0 and name in _READERS:
                yield _READERS[name](elem)
                if channel is not None and len(channel) and channel[-1] is elem:
                    channel.remove(elem)  # drop what was read: memory stays flat
                elem.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise WxrError(
            f"The export is not well-formed XML at line {line}, column {column}: the file may be "
            "cut short or damaged. Nothing was imported."
        ) from error
    except DefusedXmlException as error:
        raise WxrError(
            "The export declares a DTD, entities or external references, which a WordPress "
            f"export never does; refusing to read it ({type(error).__name__}). Nothing was "
            "imported."
        ) from error


# --- WordPress content to HTML -------------------------------------------------------------

_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.S | re.I)
_CAPTION_ATTR = re.compile(r'caption\s*=\s*"([^"]*)"', re.I)
_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)


def _caption_to_figure(match):
    attrs, inner = match.group(1), match.group(2).strip()
    media = _MEDIA.match(inner)
    if not media:
        return match.group(0)
    caption = media.group(2).strip()
    if not caption:
        found = _CAPTION_ATTR.search(attrs)
        caption = html.escape(html.unescape(found.group(1))) if found else ""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{media.group(1).strip()}{figcaption}</figure>\n\n"


def wpautop(text):
    """WordPress's automatic paragraphs: blank lines make paragraphs, single newlines <br>."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    pre_blocks = {}  # <pre> and <figure> pass through untouched

    def keep_pre(match):
        key = f"\n\n<pre-placeholder-{len(pre_blocks)}>\n\n"
        pre_blocks[key] = match.group(0)
        return key

    text = re.sub(r"<(pre|figure)\b.*?</\1>", keep_pre, text, flags=re.S | re.I)
    text = re.sub(rf"(<{_BLOCK}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_BLOCK}>)", r"\1\n\n", text, flags=re.I)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.match(rf"</?{_BLOCK}[\s/>]", chunk, re.I) or chunk.startswith("<pre-placeholder-"):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"(?<!<br>)\s*\n\s*", "<br>\n", chunk) + "</p>")
    html_text = "\n".join(out)
    for key, block in pre_blocks.items():
        html_text = html_text.replace(key.strip(), block)
    return html_text


def content_to_html(text, *, footnotes=""):
    """Turn a post's stored content into HTML: [caption] figures, then paragraphs; block-editor
    content keeps its own markup (blog.wordpress.blocks), footnotes (the post's "footnotes"
    meta, JSON) included. An image block's attachment ID survives its delimiter as the <img>'s
    data-wp-id, for the import to point it at the library (blog.wordpress.references).

    Unknown shortcodes stay as text; sanitising is the model's job on save.
    """
    text = _CAPTION.sub(_caption_to_figure, text or "")
    if blocks.has_blocks(text):
        text = references.mark_image_blocks(text)
        return blocks.block_html(text, autop=wpautop, footnotes=footnotes)
    return wpautop(text)
