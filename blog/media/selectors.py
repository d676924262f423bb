"""What pages, feeds and mail need of the image library: pictures, cards, enclosures."""

import re
from functools import lru_cache
from html import escape, unescape

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models import OuterRef, Q, prefetch_related_objects
from django.utils.feedgenerator import Enclosure
from django.utils.functional import LazyObject, empty
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from blog.media.models import Image, ImageUse, Rendition
from blog.media.services import _ATTR, _IMG_TAG, ABOVE_THE_FOLD, MIME_TYPES, SIZES, image_ids_in
from blog.models import Post
from blog.prepared import PreparedQuery, stand_in
from blog.selectors import json_rows, set_prefetched

_LINK_OPENED = re.compile(r"<a\b[^>]*>\s*$", re.IGNORECASE)

# Reading: what pages need


def with_renditions(queryset):
    return queryset.prefetch_related("renditions")


RENDITION_FIELDS = ("id", "image_id", "kind", "format", "width", "height", "file", "size")


def post_images(post: Post) -> None:
    """Read the post's featured library image and those in its text, each with its renditions,
    in one query, for post_featured() and post_body_images() (a page has no featured image)."""
    body_ids = image_ids_in(post.body)
    featured_id = getattr(post, "featured_media_id", None)
    ids = sorted({*body_ids, featured_id} - {None})
    found = {}
    for image in _images_with_renditions(ids):  # in the library's order, as before
        set_prefetched(image, "renditions", Rendition, image.rendition_rows)
        found[image.pk] = image
    post._body_images = {pk: image for pk, image in found.items() if pk in body_ids}
    if featured_id in found:
        Post.featured_media.field.set_cached_value(post, found[featured_id])


def _images_with_renditions_query(*ids):
    renditions = Rendition.objects.filter(image=OuterRef("pk")).order_by("kind", "format", "width")
    return Image.objects.filter(pk__in=ids).annotate(
        rendition_rows=json_rows(renditions, *RENDITION_FIELDS)
    )


# One prepared query per number of images (the SQL says "IN (%s, %s, ...)"), for up to a dozen.
_PREPARED = {
    count: PreparedQuery(_images_with_renditions_query, *(stand_in(int, n) for n in range(count)))
    for count in range(1, 13)
}


def _images_with_renditions(ids: list[int]) -> list[Image]:
    """The library images with these ids, each with its renditions as JSON rows."""
    if not ids:
        return []
    if len(ids) in _PREPARED:
        return _PREPARED[len(ids)](*ids)
    return list(_images_with_renditions_query(*ids))


def post_body_images(post: Post) -> dict[int, Image]:
    """The library images in a post's text with their renditions: read once per post."""
    if not hasattr(post, "_body_images"):
        post_images(post)
    return post._body_images


def post_featured(post: Post) -> Image | None:
    """The post's featured library image with its renditions (read once); pages have none."""
    if not getattr(post, "featured_media_id", None):
        return None
    if not Post.featured_media.is_cached(post):  # a post's own page: read with its text's
        post_images(post)
    image = post.featured_media
    listed = "featured_rendition_rows" in post.__dict__  # a list page's (for_lists)
    if listed and "renditions" not in getattr(image, "_prefetched_objects_cache", ()):
        set_prefetched(image, "renditions", Rendition, post.featured_rendition_rows or [])
    _with_renditions(image)  # read with the list's or the text's already, usually
    return image


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


def on_feed_item(sender, post, **kwargs) -> list[Enclosure]:
    """blog.signals.feed_item_enclosures receiver: the post's featured image."""
    return post_enclosures(post)


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


def on_post_email(sender, post, **kwargs) -> dict | None:
    """blog.signals.post_email_image receiver."""
    return post_email_image(post)


def featured_picture(post: Post, **options) -> str:
    """The post's featured image as HTML: from the library (picture_context's options), else an
    older plain upload, else ""."""
    if post.featured_media_id:
        listed = listed_renditions(post)
        image = post.featured_media if listed is not None else post_featured(post)
        return picture_html(picture_context(image, renditions=listed, **options))
    if post.featured_image:
        loading = ' loading="lazy"' if options.get("lazy", True) else ""
        return format_html(
            '<img class="{}" src="{}" alt=""{} decoding="async">',
            options.get("css_class", ""), post.featured_image.url, mark_safe(loading),
        )  # fmt: skip
    return ""


def on_summary_picture(sender, post, lazy, **kwargs) -> str:
    """blog.signals.summary_picture receiver: the picture heading a post's summary in lists."""
    return featured_picture(post, sizes="main", lazy=lazy, css_class="thumb", alt="")


def srcset(renditions) -> str:
    return ", ".join(f"{file_url(r.file)} {r.width}w" for r in renditions)


def file_url(file) -> str:
    """file.url; for a file on this machine's disk (FileSystemStorage) kept per process, as
    its address follows from the storage's base URL and the name alone: urljoin was a third
    of the time a list page spent on its pictures."""
    storage = _unwrapped(file.storage)
    if type(storage).url is FileSystemStorage.url and file.name:
        return _local_url(storage, storage.base_url, file.name)
    return file.url


def _unwrapped(storage):
    """The storage behind default_storage (a LazyObject, whose every attribute costs two
    Python calls), or storage itself."""
    if isinstance(storage, LazyObject):
        if object.__getattribute__(storage, "_wrapped") is empty:
            storage._setup()
        return object.__getattribute__(storage, "_wrapped")
    return storage


@lru_cache(maxsize=8192)
def _local_url(storage, base_url, name) -> str:
    return storage.url(name)


class ListedRendition:
    """A rendition as a list page reads it (featured_rendition_rows of
    PostQuerySet.for_lists): what a picture shows of one, its kind, format, width and file,
    without a model instance (a list reads a dozen per post)."""

    __slots__ = ("kind", "format", "width", "file")

    def __init__(self, row: dict, field):
        self.kind, self.format, self.width = row["kind"], row["format"], row["width"]
        self.file = field.attr_class(None, field, row["file"])


def listed_renditions(post: Post) -> list[ListedRendition] | None:
    """The renditions of a listed post's featured image (PostQuerySet.for_lists read them in
    the post's row), or None for a post read otherwise."""
    if "featured_rendition_rows" not in post.__dict__:
        return None
    field = Rendition._meta.get_field("file")
    return [ListedRendition(row, field) for row in post.featured_rendition_rows or ()]


def _with_renditions(image) -> None:
    """Read the image's renditions unless the page prefetched them already."""
    if "renditions" not in getattr(image, "_prefetched_objects_cache", ()):
        prefetch_related_objects([image], "renditions")


def picture_context(
    image,
    sizes="main",
    lazy=True,
    priority=False,
    css_class="",
    alt=None,
    link=False,
    renditions=None,
) -> dict:
    """What picture_html() needs to show an image responsively; its renditions read with it
    (renditions, listed_renditions()) or else from the prefetch cache or the database."""
    if renditions is None:
        _with_renditions(image)
    widths = image.widths(renditions)
    fallback = Image.fallback_of(widths)
    middle = Image.near(fallback, 960)
    return {
        "image": image,
        "webp_srcset": srcset(widths.get("WEBP", [])),
        "srcset": srcset(fallback),
        "src": file_url(middle.file if middle else image.file),
        "sizes": SIZES.get(sizes, sizes),
        "lazy": lazy,
        "priority": priority,
        "css_class": css_class,
        "alt": image.alt_text if alt is None else alt,
        "link": link,
    }


def _e(value) -> str:
    """conditional_escape(value) as a str, without its lazy-aware wrapper (a list page calls
    this a hundred times)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def picture_html(context: dict) -> str:
    """The <picture> of picture_context(): WebP and fallback srcsets, the image's size,
    lazy or high priority, wrapped in a link to the image's page when asked.

    Written in Python, not a template: a list page shows one per post and a post one per
    image in its text."""
    image, e = context["image"], _e
    sizes = e(context["sizes"])
    html = ["<picture>"]
    if context["webp_srcset"]:
        html.append(f'<source type="image/webp" srcset="{e(context["webp_srcset"])}" '
                    f'sizes="{sizes}">')  # fmt: skip
    html.append(f'<img src="{e(context["src"])}"')
    if context["srcset"]:
        html.append(f' srcset="{e(context["srcset"])}" sizes="{sizes}"')
    html.append(f' width="{e(image.width)}" height="{e(image.height)}" alt="{e(context["alt"])}"')
    if context["lazy"]:
        html.append(' loading="lazy"')
    elif context["priority"]:
        html.append(' fetchpriority="high"')
    html.append(f' decoding="async" data-file="{e(image.pk)}"')
    if context["css_class"]:
        html.append(f' class="{e(context["css_class"])}"')
    html.append("></picture>")
    if context["link"]:
        return f'<a class="image-link" href="{e(image.get_absolute_url())}">{"".join(html)}</a>'
    return "".join(html)


# Functions (html -> html) that features above this one add from their AppConfig.ready() to
# change a text as it is shown, after its images (blog.wordpress: embedded players opted in to).
body_filters = []


def render_body(post: Post, *, eager_first: bool = False) -> str:
    """The post's text with each library image as a responsive <picture> (sizes, srcset),
    then through body_filters."""
    html = render_body_images(post, eager_first=eager_first)
    for body_filter in body_filters:
        html = body_filter(html)
    return html


def render_body_images(post: Post, *, eager_first: bool = False) -> str:
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
        # An image the text already links (to its file, say) gets no second, nested link.
        linked = _LINK_OPENED.search(post.body, max(match.start() - 1000, 0), match.start())
        sizes = attrs.get("sizes") or "content"  # a gallery's columns are narrower
        context = picture_context(
            image, sizes=sizes, lazy=lazy, alt=alt, link=not linked,
            css_class=attrs.get("class", ""),  # alignment the sanitiser let through
        )  # fmt: skip
        return picture_html(context)

    return _IMG_TAG.sub(replace, post.body)


def image_search(query: str):
    """Library images whose title, alt text, caption or file name hold every word of query,
    newest first (WordPress's media search looks in the same places); all of them for ""."""
    images = with_renditions(Image.objects.all())
    for word in query.split()[:10]:
        images = images.filter(
            Q(title__icontains=word)
            | Q(alt_text__icontains=word)
            | Q(caption__icontains=word)
            | Q(file__iregex=rf"{re.escape(word)}[^/]*$")  # the name, not its folders
        )
    return images


def image_json(image: Image) -> dict:
    """What the admin's scripts need of a library image: id, a thumbnail about 320 px wide,
    the address a post shows (about 960 px), its words and size in pixels."""
    small, shown = image.rendition_near(320), image.rendition_near(960, fallback=True)
    return {
        "id": image.pk,
        "thumb": (small or shown).file.url if small or shown else image.file.url,
        "url": shown.file.url if shown else image.file.url,
        "alt": image.alt_text,
        "caption": image.caption,
        "title": image.title,
        "width": image.width,
        "height": image.height,
    }


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
