"""WordPress shortcodes in imported text: [gallery], [audio], [video], [playlist] and [embed]
become HTML; any other stays as it was written and is listed for the report.

Parsing follows wp-includes/shortcodes.php (get_shortcode_regex, shortcode_parse_atts) and runs
where WordPress runs do_shortcode, after wpautop: a shortcode alone in its paragraph takes the
paragraph's place (shortcode_unautop), "[[gallery]]" is the text "[gallery]". The output of each
follows wp-includes/media.php (gallery_shortcode, wp_audio_shortcode, wp_video_shortcode,
wp_playlist_shortcode) without its scripts: plain <figure>, <audio> and <video> elements.
"""

import random
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from blog.wordpress import embeds
from blog.wordpress.uploads import IMAGE_TYPES

# An opening tag as get_shortcode_regex reads it; its attributes cannot hold "[" or "]". The
# enclosed text runs to the first closing tag of the same name, found by position (below), so
# a text with thousands of brackets is read in one pass, not once per bracket.
_OPEN = re.compile(
    r"\[(?P<open>\[?)(?P<name>[a-zA-Z][\w-]*)(?![\w-])"
    r"(?P<attrs>[^\[\]/]*(?:/(?!\])[^\[\]/]*)*?)(?P<self>/)?\]"
)
_CLOSE = re.compile(r"\[/([a-zA-Z][\w-]*)\]")
_PARAGRAPH_END = re.compile(r"\s*</p>")
_ATTS = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
AUDIO_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg", "oga": "audio/ogg",
               "wav": "audio/wav", "flac": "audio/flac"}  # fmt: skip
VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg",
               "mov": "video/quicktime"}  # fmt: skip
# gallery_shortcode's image sizes: thumbnail squares, the others as wide as a column allows.
GALLERY_SIZES = {"thumbnail", "medium", "medium_large", "large", "full"}


def parse_attributes(text: str) -> dict:
    """shortcode_parse_atts: name="value", name='value', name=value; bare values by position
    (keys 0, 1, ...). Names are lowercased; values unescaped."""
    found, position = {}, 0
    for m in _ATTS.finditer(unescape(text or "").replace("\u00a0", " ")):
        if m.group(1) or m.group(3) or m.group(5):
            name = m.group(1) or m.group(3) or m.group(5)
            found[name.lower()] = (
                m.group(2) if m.group(1) else m.group(4) if m.group(3) else m.group(6)
            )
        else:
            found[position] = next(g for g in m.groups()[6:] if g is not None)
            position += 1
    return found


@dataclass
class Context:
    """What the shortcodes of one post need from the import (supplied by the importer).

    images(wp_ids) -> [(wp_id, Image or None)] in the given order; children(wp_id, types) ->
    the IDs of the attachments uploaded to a post with those extensions, in menu order;
    file_url(url or wp_id) -> the stored copy's address or ""; missing(what) notes a file the
    import did not bring; cards collects the addresses turned into link cards.
    """

    post_id: int
    images: callable
    children: callable
    file_url: callable
    missing: callable
    cards: list = field(default_factory=list)
    unknown: list = field(default_factory=list)


def expand(html: str, context: Context) -> str:
    """The text with the shortcodes this blog knows made HTML; unknown ones noted, kept."""
    html = html or ""
    closings = defaultdict(list)  # name -> where its closing tags start, in order
    for match in _CLOSE.finditer(html):
        closings[match.group(1)].append(match.start())
    out, pos = [], 0
    for match in _OPEN.finditer(html):
        if match.start() < pos:  # inside the text an earlier shortcode enclosed
            continue
        shortcode = _Found(match, html, closings)
        start, end = match.start(), shortcode.end
        opened = html.rfind("<p>", pos, start)
        after = _PARAGRAPH_END.match(html, end)
        alone = opened >= 0 and not html[opened + 3 : start].strip() and after is not None
        html_out = _one(shortcode, context, alone)
        if alone and html_out != shortcode.text:  # a block takes its paragraph's place
            start, end, html_out = opened, after.end(), f"\n{html_out}\n"
        out += [html[pos:start], html_out]
        pos = end
    out.append(html[pos:])
    return "".join(out)


class _Found:
    """One shortcode in the text: name, attributes, enclosed content (None if none), span."""

    def __init__(self, match, html, closings):
        self.name, self.content, self.end = match.group("name"), None, match.end()
        self.attrs = parse_attributes(match.group("attrs"))
        self.self_closing = bool(match.group("self"))
        if not self.self_closing:
            starts = closings.get(self.name, [])
            at = bisect_left(starts, match.end())
            if at < len(starts):
                self.content = html[match.end() : starts[at]]
                self.end = starts[at] + len(self.name) + 3
        self.escaped = bool(match.group("open")) and html.startswith("]", self.end)
        self.end += self.escaped
        self.text = html[match.start() : self.end]


def _one(shortcode, context, alone):
    if shortcode.escaped:  # [[gallery]]: the text "[gallery]"
        return shortcode.text[1:-1]
    handler = HANDLERS.get(shortcode.name.lower())
    if handler is None:
        if _looks_like_a_shortcode(shortcode, alone):
            context.unknown.append(f"[{shortcode.name}]")
        return shortcode.text
    return handler(shortcode.attrs, shortcode.content or "", context)


def _looks_like_a_shortcode(shortcode, alone):
    """A plugin's shortcode rather than "[sic]" or "[1]" in a sentence: it has attributes or
    an address, encloses text, or stands alone in its paragraph."""
    attrs = shortcode.attrs
    return bool(
        any(isinstance(k, str) for k in attrs)
        or any(str(v).startswith(("http://", "https://")) for v in attrs.values())
        or shortcode.content is not None
        or shortcode.self_closing
        or alone
    )


# --- [gallery] ------------------------------------------------------------------------------


def gallery(attrs, content, context):
    """gallery_shortcode: ids (or include) in their order, else the post's attached images by
    menu order; exclude, orderby (post__in, menu_order, ID, title, rand), order, columns (3),
    size (thumbnail), link ("" the image's page, "file", "none")."""
    ids = _ids(attrs.get("ids") or attrs.get("include", ""))
    orderby = attrs.get("orderby", "post__in" if ids else "menu_order").lower()
    if not ids:
        ids = context.children(_int(attrs.get("id")) or context.post_id, IMAGE_TYPES)
    excluded = set(_ids(attrs.get("exclude", "")))
    found = []
    for wp_id, image in context.images([i for i in ids if i not in excluded]):
        if image is None:
            context.missing(wp_id)
        else:
            found.append((wp_id, image))
    found = _ordered(found, orderby, attrs.get("order", "ASC").upper() == "DESC")
    if not found:
        return ""
    columns = min(max(_int(attrs.get("columns"), 3), 1), 9)
    size = attrs.get("size", "thumbnail").lower()
    size = size if size in GALLERY_SIZES else "thumbnail"
    # As site.css lays it out: at most two columns on a phone, the text's width above.
    sizes = (
        f"(max-width: 36rem) calc((100vw - 2.5rem) / {min(columns, 2)}), "
        f"(max-width: 56rem) calc((100vw - 2.5rem) / {columns}), calc(42rem / {columns})"
    )
    items = "".join(_gallery_item(image, attrs.get("link", ""), sizes) for _i, image in found)
    return f'<figure class="gallery gallery-columns-{columns} gallery-size-{size}">{items}</figure>'


def _gallery_item(image, link, sizes):
    href = {"file": image.file.url, "none": ""}.get(link, image.get_absolute_url())
    # A linked image is the link's only content: without alt text, its title names the link.
    alt = image.alt_text or (image.title if href else "")
    img = (f'<img data-file="{image.pk}" src="{escape(image.file.url)}" '
           f'alt="{escape(alt)}" sizes="{sizes}">')  # fmt: skip
    if href:
        img = f'<a href="{escape(href)}">{img}</a>'
    caption = f"<figcaption>{image.caption.strip()}</figcaption>" if image.caption.strip() else ""
    return f'<figure class="gallery-item">{img}{caption}</figure>'


def _ordered(found, orderby, descending):
    if orderby == "rand":
        return random.sample(found, len(found))
    keys = {"id": lambda f: f[0], "title": lambda f: f[1].title.lower()}
    key = keys.get(orderby.split()[0] if orderby.strip() else "")
    found = sorted(found, key=key) if key else found  # post__in, menu_order: as given
    return found[::-1] if descending else found


def _ids(text):
    return [int(part) for part in re.split(r"[\s,]+", str(text)) if part.isdigit()]


def _int(value, default=0):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


# --- [audio], [video], [playlist] ---------------------------------------------------------


def audio(attrs, content, context):
    """wp_audio_shortcode: src or mp3/m4a/ogg/wav/flac; loop; preload (none)."""
    return _media("audio", AUDIO_TYPES, attrs, context)


def video(attrs, content, context):
    """wp_video_shortcode: src or mp4/m4v/webm/ogv; poster, width, height, loop; preload
    (metadata)."""
    return _media("video", VIDEO_TYPES, attrs, context)


def _media(element, types, attrs, context):
    urls = [attrs.get("src", ""), *(attrs.get(ext, "") for ext in types)]
    urls = [u for u in dict.fromkeys(urls) if u]
    if not urls:  # the first file of its kind uploaded to the post, as WordPress does
        child = next(iter(context.children(context.post_id, types)), None)
        urls = [context.file_url(child)] if child else []
    if not urls:
        return ""
    sources = [(context.file_url(url) or url, types.get(_extension(url), "")) for url in urls]
    preload = attrs.get("preload") or ("none" if element == "audio" else "metadata")
    options = {"controls": True, "loop": _on(attrs.get("loop")), "preload": preload}
    if element == "video":
        for name in ("width", "height"):
            options[name] = str(_int(attrs.get(name))) if _int(attrs.get(name)) > 0 else ""
        poster = attrs.get("poster", "")
        options["poster"] = (context.file_url(poster) or poster) if poster else ""
    opening = element + "".join(
        f" {k}" if v is True else f' {k}="{escape(v)}"' for k, v in options.items() if v
    )
    inner = "".join(
        f'<source src="{escape(src)}"{f" type={chr(34)}{kind}{chr(34)}" if kind else ""}>'
        for src, kind in sources
    )
    first = escape(sources[0][0])
    return f'<{opening}>{inner}<a href="{first}">{first}</a></{element}>'


def playlist(attrs, content, context):
    """wp_playlist_shortcode without its script: a numbered list of the files with a player
    each; ids (else the post's attached files of the type), type (audio or video)."""
    element = "video" if attrs.get("type", "audio").lower() == "video" else "audio"
    types = VIDEO_TYPES if element == "video" else AUDIO_TYPES
    ids = _ids(attrs.get("ids") or attrs.get("include", "")) or context.children(
        _int(attrs.get("id")) or context.post_id, types
    )
    items = []
    for wp_id in ids:
        url = context.file_url(wp_id)
        if not url:
            context.missing(wp_id)
        elif _extension(url) in types:
            name = escape(PurePosixPath(urlsplit(url).path).name)
            items.append(f'<li><{element} controls preload="none" src="{escape(url)}"></{element}>'
                         f'<a href="{escape(url)}">{name}</a></li>')  # fmt: skip
    return f'<figure class="playlist"><ol>{"".join(items)}</ol></figure>' if items else ""


def embed(attrs, content, context):
    """[embed]URL[/embed] (class-wp-embed.php): a link card, not the provider's player."""
    url = unescape(content.strip() or str(attrs.get("src", "")))
    if not embeds.is_web_address(url):
        return content
    context.cards.append(url)
    return embeds.card(url)


def _extension(url):
    return PurePosixPath(urlsplit(str(url or "")).path).suffix.lower().lstrip(".")


def _on(value):
    return str(value or "").lower() in ("1", "on", "true", "yes", "loop")


HANDLERS = {"gallery": gallery, "audio": audio, "video": video, "playlist": playlist,
            "embed": embed}  # fmt: skip
