"""Template tags for library images: responsive <picture> markup, post bodies, the gallery."""

from django import template
from django.utils.safestring import mark_safe

from blog.media import selectors as media_selectors

register = template.Library()


@register.simple_tag
def picture(image, **options):
    """An image with WebP and fallback srcsets, its size (no layout shift) and lazy loading.

    Options: sizes ("main", "content", "gallery" or a sizes value), lazy, priority (for the
    first screen's main image), css_class, alt (else the image's alt text), link (to its page).
    """
    context = media_selectors.picture_context(image, **options)
    return mark_safe(media_selectors.picture_html(context) + "\n")


@register.simple_tag
def featured_picture(post, **options):
    """The post's featured image: from the library, else an older plain upload, else nothing."""
    return mark_safe(media_selectors.featured_picture(post, **options))


@register.simple_tag
def post_body(post):
    """The post's text with its library images made responsive (the first eager when no lead)."""
    has_lead = bool(post.featured_media_id or post.featured_image)
    return mark_safe(media_selectors.render_body(post, eager_first=not has_lead))


@register.simple_tag
def page_body(page):
    """A page's text with its library images made responsive, the first one eager."""
    return mark_safe(media_selectors.render_body(page, eager_first=True))


@register.simple_tag
def post_og_image(post):
    """{"url", "width", "height"} of the post's (or page's) 1200x630 link preview card, or None."""
    card = media_selectors.post_og_image(post)
    if card is None:
        return None
    url = media_selectors.absolute_url(card.file.url)
    return {"url": url, "width": card.width, "height": card.height}


@register.simple_tag
def visuals_to_share(limit=9):
    return media_selectors.visuals_to_share(limit)


@register.filter
def absolute_url(url):
    """A media URL readers can use from anywhere: storages like S3 give absolute ones already."""
    return media_selectors.absolute_url(url)


@register.simple_tag
def image_posts(image):
    """The published posts that show an image, newest first."""
    return media_selectors.image_posts(image)
