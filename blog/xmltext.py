"""Text that XML 1.0 cannot carry, and the one way the blog keeps it out of what it writes.

Where it is cleaned: at output. The database keeps what people wrote (a reader's comment pasted
from a PDF keeps its vertical tab, an imported title its U+001D); every XML document the blog
writes passes its text through xml_safe() here, as it is written: the feeds (through the two
feed generators below), the sitemaps (their addresses are percent-encoded by reverse()) and the
WordPress export (through XmlSafeWriter). Cleaning at output covers rows stored before this
rule and text arriving by any path (admin, import, comments, pings), where cleaning at entry
would have to be repeated at every door and would still miss what is already stored. Other XML
writers (the XML-RPC answers of comments.mentions) use xml_clean(drop=True): addresses lose them.

XML 1.0 § 2.2 (https://www.w3.org/TR/xml/#charsets) allows only tab, line feed, carriage
return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF, even as character references.
"""

import re

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise

# C0 controls other than tab, LF and CR; lone surrogates; the non-characters U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed separate words or lines (Word and PDF text use them as line
# breaks): they become a space so words do not run together. The others show as nothing.
_AS_SPACE = {"\x0b": " ", "\x0c": " "}


def xml_safe(text: str) -> str:
    """text without the characters XML 1.0 forbids: VT and FF become a space, the others
    (NUL, other C0 controls, lone surrogates, U+FFFE, U+FFFF) are dropped. Everything else,
    including tab, newlines and every script's letters and emoji, is kept as it is."""
    if not text or not XML_FORBIDDEN.search(text):
        return text
    return XML_FORBIDDEN.sub(lambda match: _AS_SPACE.get(match.group(), ""), text)


def xml_clean(value, *, drop: bool = False):
    """value with every string in it (lazy ones too; lists, tuples and dicts walked) made
    xml_safe; with drop, forbidden characters are dropped, never made spaces (for addresses).
    Dates, numbers and None are returned as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return XML_FORBIDDEN.sub("", value) if drop else xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_clean(part, drop=drop) for part in value)
    if isinstance(value, dict):
        return {xml_clean(k, drop=drop): xml_clean(v, drop=drop) for k, v in value.items()}
    return value


class XmlSafeFeedMixin:
    """A Django feed generator that cleans every text of the feed and its items with xml_safe()
    instead of refusing the whole feed (Django raises UnserializableContentError: a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: xml_clean(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        item = self.items[-1]
        for key, value in item.items():
            item[key] = xml_clean(value)
        for enclosure in item.get("enclosures") or ():
            enclosure.url, enclosure.mime_type = (
                xml_clean(enclosure.url),
                xml_clean(enclosure.mime_type),
            )


class SafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 that never fails on a control character in a title, text or name."""


class SafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    """Atom 1.0 that never fails on a control character in a title, text or name."""


class XmlSafeWriter:
    """Wraps a text stream (a file, sys.stdout): every str written is passed through
    xml_safe() first. For documents written by hand, such as the WXR export."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(xml_safe(text))
