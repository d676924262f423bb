import json

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog import dynamic_blocks, links, pagecache, selectors, widgets
from blog.models import Page, SiteSettings

register = template.Library()


@register.filter
def safe_url(value):
    """An address to print as a link: http(s) only, else "" (blog.links, checked again here)."""
    return links.safe_url(str(value or ""))


@register.filter
def safe_link_url(value):
    """Like safe_url, also admitting mailto: addresses."""
    return links.safe_url(str(value or ""), mailto=True)


@register.filter(is_safe=True)
def with_dynamic_blocks(body):
    """A post's or page's HTML with its dynamic blocks (latest posts, archives, ...) drawn now."""
    return mark_safe(dynamic_blocks.expand(str(body)))


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("blog/_sidebar.html", takes_context=True)
def sidebar(context):
    site_settings = context.get("site_settings") or SiteSettings.load()
    shown = widgets.shown(site_settings.sidebar_widgets)
    return {
        "request": context.get("request"),
        "site_settings": site_settings,
        "widgets": shown,
        "cache_seconds": settings.PAGE_CACHE_SECONDS,
        "generation": pagecache.generation(),
        **selectors.sidebar(keys={widget.key for widget in shown}),
    }


@register.inclusion_tag("blog/_page_menu.html")
def page_menu():
    """The header's page links: one query, none while the cached fragment is current."""
    return {
        "menu_pages": selectors.Once(lambda: list(Page.objects.in_menu())),
        "cache_seconds": settings.PAGE_CACHE_SECONDS,
        "generation": pagecache.generation(),
    }


@register.simple_tag
def social_profiles(site_settings):
    return widgets.social_profiles(site_settings)


@register.simple_tag
def absolute(path):
    """The public address of a path on this site, from SITE_URL, never the Host header."""
    return f"{settings.SITE_URL}{path}"


@register.filter
def highlight(raw_headline):
    return selectors.highlight(raw_headline)


@register.simple_tag
def post_jsonld(post, image=None):
    """JSON-LD BlogPosting for a post, safe inside a <script> element.

    image: the absolute URL of its link card (media_tags' post_og_image), if it has one."""
    url = f"{settings.SITE_URL}{post.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title_text,
        "description": post.summary(30),
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "author": {"@type": "Person", "name": author_name(post.author)},
        "keywords": [tag.name for tag in post.tags.all()],
        "articleSection": [category.name for category in post.categories.all()],
    }
    if image:
        data["image"] = image
    elif post.featured_image:
        data["image"] = f"{settings.SITE_URL}{post.featured_image.url}"
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.filter
def author_name(user):
    profile = getattr(user, "profile", None)
    return profile.name if profile else (user.get_full_name() or user.get_username())


@register.filter
def html_datetime(value):
    """A valid <time datetime>: local time to the second (HTML allows at most three decimals)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.filter
def initials(name):
    letters = "".join(word[0] for word in str(name).split()[:2] if word)
    return escape(letters.upper() or "?")
