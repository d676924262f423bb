"""Attachments in an import: their files found in --media-dir, and what posts need of them.

Attachments are read in a first pass over the export, before any post: WordPress writes an
attachment after the post it was uploaded to (its ID is higher), and a post's text must point
at the library image from the start. What the second pass needs of each attachment is kept in
an AttachmentIndex: a few numbers and a path each, never the files.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from blog.media.models import Image
from blog.media.services import image_create
from blog.wordpress import embeds, shortcodes, wxr
from blog.wordpress.references import References
from blog.wordpress.uploads import (
    IMAGE_TYPES,
    MediaDir,
    attachment_path,
    extension,
    original_path,
    uploads_path,
)

# Files kept in media storage as they are, for <audio>, <video> and links. Not HTML, SVG or
# anything else a browser would run when it opens it from this site.
FILE_TYPES = {
    "mp3", "m4a", "ogg", "oga", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov", "pdf",
}  # fmt: skip
FILES_FOLDER = "wordpress"  # media storage: wordpress/2019/03/talk.mp3


@dataclass(slots=True)
class Attachment:
    """What a post needs of one attachment: its path below uploads/ and where it went."""

    path: str
    parent_id: int = 0
    menu_order: int = 0
    image_id: int | None = None  # in the image library
    file_url: str = ""  # audio, video, PDF: the copy in media storage


@dataclass
class AttachmentIndex:
    """Every attachment of the export by WordPress ID, original path and old page address."""

    by_id: dict[int, Attachment] = field(default_factory=dict)
    by_path: dict[str, int] = field(default_factory=dict)
    by_page: dict[str, int] = field(default_factory=dict)
    by_parent: dict[int, list[int]] = field(default_factory=dict)
    hosts: set[str] = field(default_factory=set)

    def add(self, wp_id, attachment, attachment_url, link):
        """Index an attachment by ID, by its path and its original's, by its parent and by
        its old page address; its hosts count as the old blog's from then on."""
        self.by_id[wp_id] = attachment
        self.by_parent.setdefault(attachment.parent_id, []).append(wp_id)
        self.by_path.setdefault(attachment.path, wp_id)
        self.by_path.setdefault(original_path(attachment.path), wp_id)
        for url in (attachment_url, link):
            parts = urlsplit(url or "")
            if parts.hostname:
                self.hosts.add(parts.hostname.lower())
        if link and "attachment_id=" not in link:
            self.by_page[urlsplit(link).path.rstrip("/")] = wp_id

    def for_path(self, path):
        """The attachment ID of a file path or of one of its size variants, or None."""
        return self.by_path.get(path) or self.by_path.get(original_path(path))

    def children(self, parent_id, types=None):
        """The attachments uploaded to a post, in WordPress's gallery order (menu order, ID);
        with types, only the files of those extensions ({"jpg", "png", ...})."""
        found = [
            (self.by_id[i].menu_order, i)
            for i in self.by_parent.get(parent_id, [])
            if types is None or extension(self.by_id[i].path) in types
        ]
        return [wp_id for _order, wp_id in sorted(found)]


class AttachmentImport:
    """The Importer's attachment methods (it supplies linked, link, report, media_dir)."""

    def read_attachments(self, source):
        """First pass: every attachment of the export into the library (or media storage)."""
        self.attachments = AttachmentIndex()
        self.embed_cards = set()
        self.files_stored = []  # names in media storage, to delete if the import rolls back
        self.uploads = MediaDir(self.media_dir) if self.media_dir else None
        try:
            for obj in wxr.read(source):
                if isinstance(obj, wxr.Item) and obj.post_type == "attachment":
                    self.on_attachment(obj)
        finally:
            if self.uploads is not None:
                self.uploads.close()

    def files_forget(self):
        """Delete the files this import stored: it was rolled back (a dry run, a bad file)."""
        for name in getattr(self, "files_stored", []):
            default_storage.delete(name)
        self.files_stored = []

    def on_attachment(self, item):
        path = attachment_path(item.meta.get("_wp_attached_file", ""), item.attachment_url)
        attachment = Attachment(path, item.parent_id, item.menu_order)
        if extension(path) in IMAGE_TYPES:
            attachment.image_id = self.attachment_image(item, path)
        elif extension(path) in FILE_TYPES:
            attachment.file_url = self.attachment_file(path)
        else:
            self.report.add("files", "skipped")
            self.report.problems.append(
                f"Attachment {path} (ID {item.wp_id}): this blog keeps images, audio, video "
                "and PDF files only; its links keep their old address"
            )
        self.attachments.add(item.wp_id, attachment, item.attachment_url, item.link)

    def attachment_image(self, item, path):
        """The library image's pk for an image attachment (made or updated), or None."""
        existing = self.linked(Image, "attachment", item.wp_id)
        if existing is not None:
            self.attachment_words(existing, item)
            existing.save()
            self.report.add("images", "updated")
            return existing.pk
        name = self.uploads.find(path) if self.uploads else None
        if name is None:
            self.file_missing(path, item.attachment_url, "images")
            return None
        with self.uploads.open(name) as handle:
            try:
                image = self.image_from(handle, path, item)
            except ValidationError as error:
                self.report.add("images", "skipped")
                self.report.problems.append(f"Image {path}: {' '.join(error.messages)}")
                return None
        self.files_stored.append(image.file.name)
        self.link("attachment", item.wp_id, image.pk, urlsplit(item.attachment_url).path)
        self.report.add("images", "created")
        return image.pk

    def image_from(self, handle, path, item):
        """A new library image from the file (checked and re-encoded); ValidationError."""
        words = self.attachment_words(Image(), item)
        return image_create(
            upload=File(handle, name=PurePosixPath(path).name),
            title=words.title or PurePosixPath(path).stem[:200], alt_text=words.alt_text,
            caption=words.caption, description=words.description,
        )  # fmt: skip

    def attachment_words(self, image, item):
        """The attachment's title, caption (its excerpt), description (its content) and alt
        text (`_wp_attachment_image_alt`) on the image; what the export leaves empty stays."""
        fit = self.report.fit
        image.title = fit(item.title, 200, "image title") or image.title
        image.caption = item.excerpt.strip() or image.caption
        image.description = item.content.strip() or image.description
        alt = item.meta.get("_wp_attachment_image_alt", "")
        image.alt_text = fit(alt, 300, "image alt text") or image.alt_text
        return image

    def attachment_file(self, path):
        """The media-storage address of an audio, video or PDF attachment's copy, or ""."""
        safe = "/".join(p for p in PurePosixPath(path).parts if p not in ("..", ".", "/"))
        stored = f"{FILES_FOLDER}/{safe}"
        if default_storage.exists(stored):  # imported before: the same file again
            self.report.add("files", "updated")
            return default_storage.url(stored)
        name = self.uploads.find(path) if self.uploads else None
        if name is None:
            self.file_missing(path, "", "files")
            return ""
        with self.uploads.open(name) as handle:
            stored = default_storage.save(stored, File(handle, name=safe))
        self.files_stored.append(stored)
        self.report.add("files", "created")
        return default_storage.url(stored)

    def file_missing(self, path, url, kind):
        """Count an attachment whose file was not found, with a line saying why."""
        self.report.add(kind, "skipped")
        several = self.uploads.ambiguous(path) if self.uploads else 0
        why = f": {several} files in the media folder bear its name" if several else ""
        kept = f"; kept its address {url}" if url else ""
        self.report.problems.append(f"File {path} not found{why}{kept}")

    # --- the second pass: a post's text and featured image -------------------------------

    def attach_media(self, post, item, kind="Post"):
        """post.body's shortcodes expanded, auto-embeds made cards and references to brought
        attachments pointed at the library; its featured image (`_thumbnail_id`); what is
        missing and the unknown shortcodes noted in the report under the post."""
        refs = References(self.attachments)
        context = shortcodes.Context(
            post_id=item.wp_id, images=self.gallery_images, children=self.attachments.children,
            file_url=self.attachment_file_url,
            missing=lambda wp_id: self.note_missing_id(refs, wp_id),
        )  # fmt: skip
        body = embeds.autoembed(post.body, context.cards)
        body = shortcodes.expand(body, context)
        refs.images = Image.objects.in_bulk(refs.wanted_images(body))
        post.body = refs.rewrite(body)
        thumbnail = self.attachments.by_id.get(_int(item.meta.get("_thumbnail_id", "")))
        if thumbnail is not None and thumbnail.image_id and hasattr(post, "featured_media_id"):
            post.featured_media_id = thumbnail.image_id
        elif thumbnail is not None:
            refs.note_missing(thumbnail.path)
        label = f"{kind} “{item.title}” (ID {item.wp_id})"
        for path in refs.missing():
            self.report.note(label, "missing media", path)
        for name in context.unknown:
            self.report.note(label, "unknown shortcodes", name)
        self.embed_cards.update(context.cards)

    def queue_link_titles(self):
        """The embedded pages' titles are fetched by a worker once the import commits."""
        embeds.titles_queue(urls=self.embed_cards)

    def gallery_images(self, wp_ids):
        """[(wp_id, Image or None)] for attachment IDs, in their order: one query."""
        pks = {i: self.attachments.by_id[i].image_id for i in wp_ids if i in self.attachments.by_id}
        images = Image.objects.in_bulk([pk for pk in pks.values() if pk])
        return [(i, images.get(pks.get(i))) for i in wp_ids]

    def attachment_file_url(self, what):
        """The stored copy's address of an attachment (by ID) or of an uploaded file's address."""
        if isinstance(what, int):
            attachment = self.attachments.by_id.get(what)
        else:
            path = uploads_path(what)
            attachment = self.attachments.by_id.get(self.attachments.for_path(path) if path else 0)
        return attachment.file_url if attachment else ""

    def note_missing_id(self, refs, wp_id):
        """Note for the report an attachment a shortcode names that the import did not bring."""
        attachment = self.attachments.by_id.get(wp_id)
        refs.note_missing(attachment.path if attachment else f"attachment {wp_id}")


def _int(value):
    try:
        return int(str(value).strip())
    except ValueError:
        return 0
