"""Renditions: the scaled copies of a library image in modern formats, and its link card."""

import logging
import math

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image as PILImage
from PIL import ImageOps

from blog.media.models import Image, Rendition
from blog.media.services import (
    EXTENSIONS,
    OG_SIZE,
    RENDITION_WIDTHS,
    decoded_frames,
    encode,
    save_frames,
)

logger = logging.getLogger(__name__)

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
    """Make the renditions an image lacks, again those whose file is gone; safe to run twice.
    Returns how many were made: 0 when the original's file is missing (logged)."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    if not image.file.storage.exists(image.file.name):
        logger.warning("Image %s: its file %s is missing: no renditions.", image.pk, image.file)
        return 0
    renditions_missing_drop(image)
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


def renditions_missing_drop(image: Image) -> int:
    """Forget the renditions whose file is no longer in the storage (so they are made again)."""
    gone = [r.pk for r in image.renditions.all() if not r.file.storage.exists(r.file.name)]
    if gone:
        Rendition.objects.filter(pk__in=gone).delete()
    return len(gone)


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
