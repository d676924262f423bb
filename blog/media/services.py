"""The image library's work: checking uploads, stripping metadata, making renditions.

An upload is decoded by Pillow (never trusted by its name), turned upright, and stored
re-encoded without EXIF, XMP, IPTC or comments, so the file readers can reach has no location in
it. Renditions (a few widths in WebP and a format every browser and mail client shows, and a
1200x630 card for link previews) are made by a task after the upload commits. Files only go
through Django's storage API, so the library works on local disk and on an S3-compatible store.
"""

import io
import logging
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError, features

from blog import jobs
from blog.media.models import Image, ImageUse
from blog.models import Page, Post

logger = logging.getLogger(__name__)

FORMATS = ["JPEG", "PNG", "GIF", "WEBP"] + (["AVIF"] if features.check("avif") else [])
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
MIME_TYPES = {f: f"image/{e.replace('jpg', 'jpeg')}" for f, e in EXTENSIONS.items()}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 24-megapixel camera photo fits twice over
MAX_FRAMES = 300
# width x height x frames: re-encoding holds every frame decoded at once, as RGBA (4 bytes a
# pixel), plus a palette or scaled copy of each, so this bounds a worker's memory for one
# upload or its renditions to a few hundred MB (100 million pixels took 671 MB).
MAX_ANIMATION_PIXELS = 16_000_000
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
OG_SIZE = (1200, 630)
ABOVE_THE_FOLD = 300  # characters of text before an image in a post that has no featured image
# How wide images show (site.css): the main column is the screen less its padding below 56rem
# and sits beside the 19rem sidebar above; the text in it is at most 42rem wide.
SIZES = {
    "main": "(max-width: 56rem) calc(100vw - 2.5rem), (max-width: 72rem) calc(100vw - 24.5rem), "
    "47.5rem",
    "content": "(max-width: 56rem) calc(100vw - 2.5rem), (max-width: 66.5rem) calc(100vw - "
    "24.5rem), 42rem",
    "gallery": "(max-width: 56rem) calc((100vw - 2.5rem) / 3), 6rem",
}

# Pillow warns above this many pixels and refuses at twice as many, before decoding anything.
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z][\w:-]*)="([^"]*)"')
_DATA_FILE = re.compile(r'<img\b[^>]*\bdata-file="(\d+)"', re.IGNORECASE)


@dataclass
class CleanImage:
    """An upload that passed the checks, re-encoded upright and without metadata."""

    content: bytes
    format: str
    width: int
    height: int
    animated: bool


def format_names() -> str:
    return ", ".join(Image.Format(fmt).label for fmt in FORMATS)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def image_clean(upload) -> CleanImage:
    """Check an uploaded file is an image we accept and return it re-encoded; ValidationError."""
    if not upload.size:
        raise ValidationError(_("The file is empty (0 bytes)."), code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": megabytes(upload.size), "limit": megabytes(MAX_UPLOAD_BYTES)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    try:
        with PILImage.open(upload, formats=FORMATS) as image:
            check_dimensions(image)
            return reencode(image)
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise too_many_pixels() from error
    except UnidentifiedImageError as error:
        raise not_an_image(head) from error
    except Exception as error:  # Pillow reports damaged data with many exception types
        logger.info("Refused a damaged image upload: %r", error)
        raise ValidationError(
            _("The image could not be read: the file is damaged or incomplete."), code="damaged"
        ) from error


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image is too large: at most %(limit)s megapixels."),
        params={"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def not_an_image(head: bytes) -> ValidationError:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text:
        return ValidationError(
            _("SVG images are not accepted (they can carry scripts); upload a PNG instead."),
            code="svg",
        )
    return ValidationError(
        _("This file is not an image we accept (%(formats)s), whatever its name says."),
        params={"formats": format_names()},
        code="not_an_image",
    )


def check_dimensions(image) -> None:
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise too_many_pixels()
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES or width * height * frames > MAX_ANIMATION_PIXELS:
        raise ValidationError(
            _("The animation is too long: at most %(frames)d frames of this size."),
            params={"frames": min(MAX_FRAMES, MAX_ANIMATION_PIXELS // (width * height))},
            code="too_many_frames",
        )


def reencode(image) -> CleanImage:
    """The picture alone: upright, in its own format, without any metadata it came with."""
    fmt = image.format
    if getattr(image, "n_frames", 1) > 1:
        frames, durations = decoded_frames(image)
        content = save_frames(frames, durations, fmt, loop=image.info.get("loop", 0))
        return CleanImage(content, fmt, *frames[0].size, animated=True)
    image.load()  # decodes everything: truncated or corrupt data fails here
    icc, transparency = image.info.get("icc_profile"), image.info.get("transparency")
    turned = image.getexif().get(0x0112, 1) not in (None, 1)
    picture = ImageOps.exif_transpose(image) if turned else image
    picture.info = {}
    if picture.mode == "CMYK" or (fmt == "JPEG" and picture.mode not in ("RGB", "L")):
        picture, icc = picture.convert("RGB"), None
    options = {**ORIGINAL_OPTIONS[fmt], **({"icc_profile": icc} if icc else {})}
    if fmt == "JPEG" and picture is image:
        options.update(quality="keep", subsampling="keep")  # no second round of JPEG loss
    if transparency is not None and picture.mode in ("P", "L", "RGB"):
        options["transparency"] = transparency
    return CleanImage(encode(picture, fmt, **options), fmt, *picture.size, animated=False)


def decoded_frames(image):
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        frames.append(frame.convert("RGBA"))
    return frames, durations


# The stored original: close to what was uploaded; memory-light for 24-megapixel photos.
ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92, "progressive": False, "optimize": False},
    "PNG": {},
    "GIF": {},
    "WEBP": {"quality": 90},
    "AVIF": {"quality": 80},
}
# Renditions: small files.
ENCODER_OPTIONS = {
    "JPEG": {"quality": 86, "progressive": True, "optimize": True},
    "PNG": {"compress_level": 6},
    "GIF": {"optimize": True},
    "WEBP": {"quality": 82, "method": 4},
    "AVIF": {"quality": 70, "speed": 8},
}


def encode(image, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **{**ENCODER_OPTIONS[fmt], **options})
    return buffer.getvalue()


def save_frames(frames, durations, fmt, loop=0) -> bytes:
    if fmt == "GIF":
        frames = [
            frame.convert("RGBA").quantize(255, dither=PILImage.Dither.NONE) for frame in frames
        ]
    options = {"save_all": True, "append_images": frames[1:], "duration": durations, "loop": loop}
    if fmt == "GIF":
        options["disposal"] = 2
    return encode(frames[0], fmt, **options)


# Storing and deleting


def upload_name(title: str, fmt: str) -> str:
    """A file name readers cannot guess from the title alone."""
    stem = slugify(title)[:50].strip("-") or "image"
    return f"{stem}-{secrets.token_hex(4)}.{EXTENSIONS[fmt]}"


def title_from_filename(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:200] or "Image"


def image_store(*, image: Image, clean: CleanImage, uploaded_by=None) -> Image:
    """Save a checked upload as a library image; renditions are made after the commit."""
    image.title = image.title or "Image"
    image.format, image.width, image.height = clean.format, clean.width, clean.height
    image.animated = clean.animated
    image.uploaded_by = uploaded_by
    image.file.save(upload_name(image.title, clean.format), ContentFile(clean.content), save=False)
    try:
        image.save()
    except Exception:
        image.file.storage.delete(image.file.name)
        raise
    # robust: if the queue is unreachable the upload still stands; pages show the original.
    # The callback keeps the id, not the image: an import holds thousands until it commits.
    image_id = image.pk
    transaction.on_commit(lambda: renditions_queue(image_id=image_id), robust=True)
    return image


def image_create(*, upload, uploaded_by=None, **fields) -> Image:
    """Check an upload and add it to the library; ValidationError when it is refused."""
    clean = image_clean(upload)
    fields.setdefault("title", title_from_filename(upload.name))
    return image_store(image=Image(**fields), clean=clean, uploaded_by=uploaded_by)


def image_file_replace(*, image: Image, upload) -> Image:
    """Give a library image a new file (its words, its uses and its id stay); the old file and
    renditions go after the commit, new renditions are made. ValidationError when refused."""
    clean = image_clean(upload)
    storage = image.file.storage
    old = [image.file.name, *image.renditions.values_list("file", flat=True)]
    image.renditions.all().delete()
    image_store(image=image, clean=clean, uploaded_by=image.uploaded_by)
    transaction.on_commit(lambda: [storage.delete(name) for name in old if name], robust=True)
    return image


def renditions_queue(*, image_id: int) -> None:
    jobs.task("blog.media.tasks.make_image_renditions").defer(image_id=image_id)


def image_blocking_posts(image: Image):
    """The published (or scheduled) posts that show this image: it cannot be deleted then."""
    live = [Post.Status.PUBLISHED, Post.Status.SCHEDULED]
    return Post.objects.filter(image_uses__image=image, status__in=live).distinct()


def image_blocking_pages(image: Image):
    """The published pages whose text shows this image (pages are few: their text is searched)."""
    return Page.objects.filter(
        status=Page.Status.PUBLISHED, body__contains=f'data-file="{image.pk}"'
    )


def image_delete(*, image: Image) -> None:
    """Delete an image, its renditions and their files; refused while a live post or page
    shows it."""
    blocking = [
        *image_blocking_posts(image).values_list("title", flat=True),
        *image_blocking_pages(image).values_list("title", flat=True),
    ]
    if blocking:
        raise ValidationError(
            _("“%(image)s” is shown by published posts or pages: %(posts)s. Take it out first."),
            params={"image": image.title, "posts": ", ".join(blocking)},
            code="in_use",
        )
    storage = image.file.storage
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    image.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def image_ids_in(html: str) -> list[int]:
    """Library images a post's text shows, in order of appearance, each once."""
    return list(dict.fromkeys(int(pk) for pk in _DATA_FILE.findall(html or "")))


def post_images_sync(*, post: Post) -> None:
    """Record which library images a post shows (featured first), for pages and deletion."""
    order = [post.featured_media_id, *image_ids_in(post.body)]
    order = list(dict.fromkeys(pk for pk in order if pk))
    known = set(Image.objects.filter(pk__in=order).values_list("pk", flat=True)) if order else set()
    ImageUse.objects.filter(post=post).exclude(image_id__in=known).delete()
    rows = [
        ImageUse(post=post, image_id=pk, position=position)
        for position, pk in enumerate(order, start=0 if post.featured_media_id else 1)
        if pk in known
    ]
    ImageUse.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["post", "image"], update_fields=["position"]
    )


def on_post_saved(sender, instance, raw=False, **kwargs):
    """post_save receiver for blog.Post: keep its ImageUse rows in step with its text."""
    if not raw:
        post_images_sync(post=instance)
