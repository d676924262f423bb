"""A post's references to the export's attachments, pointed at the library instead.

An <img> whose src, srcset, `wp-image-N` class or enclosing `<!-- wp:image {"id":N} -->` block
names an imported attachment becomes the library's <img data-file="pk"> (blog.media makes it a
responsive <picture> on the page). Links to an uploaded file (any size variant, http or https,
relative, WordPress.com's ?w=300) or to its attachment page (/?attachment_id=N or the old
address of the page) point at the library image's file or page; <audio>, <video> and <source>
at the file's copy in media storage. What names a file the import did not bring stays as it
was, and missing() lists it for the report.
"""

import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

from blog.wordpress.uploads import original_path, uploads_path

_TAG = re.compile(r"<(img|a|audio|video|source)\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_IMAGE_BLOCK = re.compile(
    r'(<!--\s*wp:image\s+\{[^}]*?"id"\s*:\s*(\d+)[^>]*?-->(?:(?!<!--\s*/wp:image).)*?<img\b)', re.S
)
_HINT = re.compile(r' data-wp-id="\d+"')
_PHOTON = re.compile(r"^i\d\.wp\.com$")


def attributes(tag: str) -> dict[str, str]:
    """A tag's attributes, names lowercased, values unescaped (the first of a repeated one)."""
    found = {}
    for name, double, single, bare in _ATTR.findall(tag):
        found.setdefault(name.lower(), unescape(double or single or bare))
    return found


def srcset_urls(value: str) -> list[str]:
    """The addresses of a srcset ("a.jpg 300w, b.jpg 600w" -> ["a.jpg", "b.jpg"])."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


class References:
    """Resolves addresses in one post's text against an AttachmentIndex and rewrites them.

    images maps library pks to Image objects (for their URLs); missing() gives the original
    paths of uploaded files the text names that the import could not bring, in order.
    """

    def __init__(self, index, images=None):
        self.index = index
        self.images = images or {}
        self._missing = {}

    def missing(self) -> list[str]:
        """Original paths of the files named but not brought, in the order first noted."""
        return list(self._missing)

    def note_missing(self, path: str) -> None:
        """Note a file (any size variant of it) as named but not brought."""
        self._missing.setdefault(original_path(path), None)

    def ours(self, url: str) -> bool:
        """Whether an address is the old blog's: relative, on a host of its attachments' files
        or pages, on files.wordpress.com, or through Jetpack's i0-i3.wp.com image proxy."""
        host = (urlsplit(url).hostname or "").lower()
        return (
            not host
            or host in self.index.hosts
            or host.endswith(".files.wordpress.com")
            or bool(_PHOTON.match(host))
        )

    def attachment_id(self, url: str) -> int | None:
        """The WordPress ID of the attachment an address names (file or page), else None;
        an uploaded file the export has no attachment for is noted as missing."""
        try:
            if not url or not self.ours(url):
                return None
            parts = urlsplit(url)
        except ValueError:
            return None
        path = uploads_path(url)
        if path:
            wp_id = self.index.for_path(path)
            if wp_id is None or not self.brought(wp_id):
                self.note_missing(path)
            return wp_id
        page = parse_qs(parts.query).get("attachment_id", [""])[0]
        if page.isdigit():
            return int(page) if int(page) in self.index.by_id else None
        return self.index.by_page.get(parts.path.rstrip("/")) if parts.path.strip("/") else None

    def brought(self, wp_id: int) -> bool:
        """Whether the attachment's file is in the library or media storage now."""
        attachment = self.index.by_id.get(wp_id)
        return bool(attachment and (attachment.image_id or attachment.file_url))

    def wanted_images(self, html: str) -> set[int]:
        """The library pks the text's tags name: load them in one query before rewrite()."""
        found = set()
        for match in _TAG.finditer(mark_image_blocks(html)):
            for wp_id in self.tag_candidates(match.group(1).lower(), attributes(match.group(0))):
                attachment = self.index.by_id.get(wp_id)
                if attachment and attachment.image_id:
                    found.add(attachment.image_id)
        return found

    def tag_candidates(self, name, attrs):
        """Attachment IDs a tag may name, strongest first."""
        ids = []
        if name == "img":
            hints = [attrs.get("data-wp-id", ""), *_WP_IMAGE_CLASS.findall(attrs.get("class", ""))]
            ids += [int(h) for h in hints if h.isdigit() and int(h) in self.index.by_id]
            urls = [attrs.get("src", ""), *srcset_urls(attrs.get("srcset", ""))]
        else:
            urls = [attrs.get("href" if name == "a" else "src", "")]
        for url in urls:
            wp_id = self.attachment_id(url)
            if wp_id is not None:
                ids.append(wp_id)
        return [i for i in ids if self.brought(i)]

    def rewrite(self, html: str) -> str:
        """The text with every tag that names a brought attachment pointing at its copy."""
        return _HINT.sub("", _TAG.sub(self._tag, mark_image_blocks(html)))

    def _tag(self, match):
        name, tag = match.group(1).lower(), match.group(0)
        attrs = attributes(tag)
        ids = self.tag_candidates(name, attrs)
        if not ids:
            return tag
        attachment = self.index.by_id[ids[0]]
        image = self.images.get(attachment.image_id)
        if name == "img":
            return self._img(attrs, image) if image else tag
        if name == "a":
            target = self._link_target(attrs.get("href", ""), attachment, image)
            return _set_attribute(tag, "href", target) if target else tag
        url = attachment.file_url or (image.file.url if image else "")
        return _set_attribute(tag, "src", url) if url else tag

    def _img(self, attrs, image):
        kept = {k: attrs[k] for k in ("alt", "title", "sizes") if attrs.get(k)}
        # Alignment and size classes stay (blog.sanitize decides which); the old ID goes.
        classes = " ".join(_WP_IMAGE_CLASS.sub("", attrs.get("class", "")).split())
        kept |= {"class": classes} if classes else {}
        kept = {"data-file": str(image.pk), "src": image.file.url, **kept}
        kept.setdefault("alt", "")
        return "<img " + " ".join(f'{k}="{escape(v)}"' for k, v in kept.items()) + ">"

    def _link_target(self, href, attachment, image):
        if uploads_path(href):  # the file itself
            return image.file.url if image else attachment.file_url
        return image.get_absolute_url() if image else attachment.file_url  # its page


def mark_image_blocks(html):
    """Give the first <img> of each `<!-- wp:image {"id":N} -->` block a data-wp-id="N"."""
    return _IMAGE_BLOCK.sub(lambda m: f'{m.group(1)} data-wp-id="{m.group(2)}"', html)


def _set_attribute(tag, name, value):
    for match in _ATTR.finditer(tag):
        if match.group(1).lower() == name:
            return f'{tag[: match.start()]}{name}="{escape(value)}"{tag[match.end() :]}'
    return tag
