"""The image library's work: checking uploads, stripping metadata, making renditions.

An upload is decoded by Pillow (never trusted by its name), turned upright, and stored
re-encoded without EXIF, XMP, IPTC or comments, so the file readers can reach has no location in
it. Renditions (a few widths in WebP and a format every browser and mail client shows, and a
1200x630 card for link previews) are made by a task after the upload commits. Files only go
through Django's storage API, so the library works on local disk and on an S3-compatible store.
"""

import io
import logging
import math
import re
import secrets
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.feedgenerator import Enclosure
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError, features

from blog.models import Image, ImageUse, Page, Post, Rendition

logger = logging.getLogger(__name__)

FORMATS = ["JPEG", "PNG", "GIF", "WEBP"] + (["AVIF"] if features.check("avif") else [])
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
MIME_TYPES = {f: f"image/{e.replace('jpg', 'jpeg')}" for f, e in EXTENSIONS.items()}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 24-megapixel camera photo fits twice over
MAX_FRAMES = 300
MAX_ANIMATION_PIXELS = 100_000_000  # width x height x frames
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
    transaction.on_commit(lambda: renditions_queue(image_id=image.pk), robust=True)
    return image


def image_create(*, upload, uploaded_by=None, **fields) -> Image:
    """Check an upload and add it to the library; ValidationError when it is refused."""
    clean = image_clean(upload)
    fields.setdefault("title", title_from_filename(upload.name))
    return image_store(image=Image(**fields), clean=clean, uploaded_by=uploaded_by)


def renditions_queue(*, image_id: int) -> None:
    from blog.tasks import make_image_renditions

    make_image_renditions.defer(image_id=image_id)


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


# Renditions


def rendition_widths(width: int) -> list[int]:
    """The widths to make: the standard ones narrower than the image, and the image's own."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths


def has_alpha(pil) -> bool:
    return pil.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in pil.info


def fallback_format(image: Image, alpha: bool) -> str:
    """The format of the non-WebP renditions: the original's when every browser shows it."""
    if image.format in ("JPEG", "PNG", "GIF"):
        return image.format
    return "GIF" if image.animated else "PNG" if alpha else "JPEG"


def rendition_specs(image: Image, *, alpha: bool) -> list[tuple[str, str, int]]:
    """(kind, format, width) of every rendition an image should have."""
    widths = rendition_widths(image.width)
    formats = dict.fromkeys(["WEBP", fallback_format(image, alpha)])
    specs = [(Rendition.Kind.WIDTH, fmt, width) for fmt in formats for width in widths]
    return [*specs, (Rendition.Kind.OPEN_GRAPH, "JPEG", OG_SIZE[0])]


def image_renditions_make(*, image_id: int) -> int:
    """Make the renditions an image lacks; safe to run twice. Returns how many were made."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    done = set(image.renditions.values_list("kind", "format", "width"))
    with image.file.open("rb") as fh, PILImage.open(fh) as pil:
        specs = rendition_specs(image, alpha=has_alpha(pil))
        todo = sorted((spec for spec in specs if spec not in done), key=lambda spec: spec[2])
        if todo:
            frames, durations = source_frames(pil, image, todo)
            scaled = {}  # each width is scaled once for all its formats
            for kind, fmt, width in todo:
                content, size = rendition_content(
                    image, kind, fmt, width, frames, durations, scaled
                )
                rendition_write(image, kind, fmt, size, content)
    return len(todo)


def source_frames(pil, image: Image, todo):
    """The decoded frames to scale from, decoded no larger than the biggest rendition needs."""
    if image.animated:
        return decoded_frames(pil)
    needed = [OG_SIZE[0] / image.width, OG_SIZE[1] / image.height]
    needed += [width / image.width for kind, _fmt, width in todo if kind == Rendition.Kind.WIDTH]
    factor = min(1.0, max(needed))
    if pil.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that is still enough
        pil.draft(None, (math.ceil(image.width * factor), math.ceil(image.height * factor)))
    pil.load()
    if pil.mode not in ("RGB", "RGBA", "L", "LA"):
        pil = pil.convert("RGBA" if has_alpha(pil) else "RGB")
    return [pil], None


def rendition_content(
    image, kind, fmt, width, frames, durations, scaled=None
) -> tuple[bytes, tuple]:
    """One rendition's file content and pixel size, from the decoded frames."""
    if kind == Rendition.Kind.OPEN_GRAPH:
        picture = ImageOps.fit(flatten(frames[0]), OG_SIZE, PILImage.Resampling.LANCZOS)
        return encode(picture, "JPEG"), OG_SIZE
    size = (width, max(1, round(image.height * width / image.width)))
    scaled = {} if scaled is None else scaled
    if size not in scaled:
        scaled.clear()  # keep one width in memory: callers go width by width
        scaled[size] = [scale(frame, size) for frame in frames]
    if durations:
        return save_frames(scaled[size], durations, fmt), size
    picture = flatten(scaled[size][0]) if fmt == "JPEG" else scaled[size][0]
    return encode(picture, fmt), size


def scale(frame, size):
    if frame.size == size:
        return frame
    return frame.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def flatten(picture):
    """RGB on white for formats without transparency."""
    if picture.mode in ("RGB", "L"):
        return picture
    rgba = picture.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def rendition_write(image, kind, fmt, size, content) -> None:
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    label = "og" if kind == Rendition.Kind.OPEN_GRAPH else str(size[0])
    rendition = Rendition(image=image, kind=kind, format=fmt, width=size[0], height=size[1])
    rendition.size = len(content)
    name = f"{stem}-{label}.{EXTENSIONS[fmt]}"
    rendition.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:  # another worker made it first
        rendition.file.storage.delete(rendition.file.name)


# Reading: what pages need


def with_renditions(queryset):
    return queryset.prefetch_related("renditions")


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


def post_body_images(post: Post) -> dict[int, Image]:
    """The library images in a post's text with their renditions: two queries, once per post."""
    if not hasattr(post, "_body_images"):
        ids = image_ids_in(post.body)
        images = with_renditions(Image.objects.filter(pk__in=ids)) if ids else []
        post._body_images = {image.pk: image for image in images}
    return post._body_images


def post_featured(post: Post) -> Image | None:
    """The post's featured library image with its renditions (prefetched once); pages have none."""
    if not getattr(post, "featured_media_id", None):
        return None
    prefetch_related_objects([post.featured_media], "renditions")
    return post.featured_media


def post_og_image(post: Post) -> Rendition | None:
    """The 1200x630 card for link previews: of the featured image, else the first in the text.

    A page (no featured image) passes through the same code: its text's images only.
    """
    for image in filter(None, [post_featured(post), *post_body_images(post).values()]):
        card = image.rendition_og()
        if card:
            return card
    return None


def absolute_url(url) -> str:
    """A media URL usable anywhere: storages like S3 give absolute ones already."""
    url = str(url)
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def post_enclosures(post: Post) -> list[Enclosure]:
    """The featured image for feeds: one JPEG/PNG/GIF rendition (RSS allows one enclosure)."""
    image = post_featured(post)
    rendition = image.rendition_near(1280, fallback=True) if image else None
    if rendition is None:
        return []
    url = absolute_url(rendition.file.url)
    return [Enclosure(url, str(rendition.size), MIME_TYPES[rendition.format])]


def post_email_image(post: Post, width: int = 640) -> dict | None:
    """The featured image for mail: a JPEG/PNG/GIF (mail clients rarely show WebP) near width.

    Returns {"url", "width", "height", "alt"} with an absolute url, or None when the post has
    no library image.
    """
    image = post_featured(post) or next(iter(post_body_images(post).values()), None)
    if image is None:
        return None
    rendition = image.rendition_near(width, fallback=True)
    if rendition is None:
        rendition = image  # renditions not made yet: the (metadata-free) original
    return {
        "url": absolute_url(rendition.file.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.alt_text,
    }


def srcset(renditions) -> str:
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


def picture_context(
    image, sizes="main", lazy=True, priority=False, css_class="", alt=None, link=False
) -> dict:
    """What templates/blog/_picture.html needs to show an image responsively."""
    prefetch_related_objects([image], "renditions")  # a no-op when the page prefetched them
    middle = image.rendition_near(960, fallback=True)
    return {
        "image": image,
        "webp_srcset": srcset(image.scaled("WEBP")),
        "srcset": srcset(image.fallback_renditions()),
        "src": middle.file.url if middle else image.file.url,
        "sizes": SIZES.get(sizes, sizes),
        "lazy": lazy,
        "priority": priority,
        "css_class": css_class,
        "alt": image.alt_text if alt is None else alt,
        "link": link,
    }


def render_body(post: Post, *, eager_first: bool = False) -> str:
    """The post's text with each library image as a responsive <picture> (sizes, srcset)."""
    images = post_body_images(post)
    if not images:
        return post.body

    def replace(match):
        attrs = {k.lower(): unescape(v) for k, v in _ATTR.findall(match.group(0))}
        image = images.get(int(attrs.get("data-file", "0") or 0))
        if image is None:
            return match.group(0)
        # Only an image that opens the text is in the first screen; the rest load lazily.
        lazy = not (eager_first and len(strip_tags(post.body[: match.start()])) < ABOVE_THE_FOLD)
        alt = attrs.get("alt") or image.alt_text
        context = picture_context(image, sizes="content", lazy=lazy, alt=alt, link=True)
        return render_to_string("blog/_picture.html", context).strip()

    return _IMG_TAG.sub(replace, post.body)


def image_posts(image: Image):
    """The published posts that show an image, newest first."""
    return list(
        Post.objects.published().filter(image_uses__image=image).distinct()
        .only("title", "slug", "published_at").order_by("-published_at")
    )  # fmt: skip


def visuals_to_share(limit: int = 9) -> list[dict]:
    """Images of published posts, pinned ones first, then newest: each with the post it opens."""
    live = Post.objects.published()
    uses = (
        ImageUse.objects.filter(post__in=live)
        .select_related("image", "post")
        .order_by("-image__pinned", "-post__published_at", "position")[: limit * 4]
    )
    picked = {}
    for use in uses:
        picked.setdefault(use.image_id, use)
        if len(picked) == limit:
            break
    images = [use.image for use in picked.values()]
    prefetch_related_objects(images, "renditions")
    return [{"image": use.image, "post": use.post} for use in picked.values()]
