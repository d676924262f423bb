import json

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from blog import dynamic_blocks, links, pagecache, post_html, selectors, widgets
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


def shared_fragments(context) -> pagecache.Fragments:
    """The page menu's and the cached sidebar widgets' HTML for this request, read from the
    cache at the first use in one round trip (blog.pagecache.Fragments)."""
    request = context.get("request")
    fragments = getattr(request, "_shared_fragments", None)
    if fragments is None:
        site_settings = context.get("site_settings") or SiteSettings.load()
        shown = widgets.shown(site_settings.sidebar_widgets)
        names = ["page-menu", *(f"sidebar-widget:{w.key}" for w in shown if w.cached)]
        fragments = pagecache.Fragments(names)
        if request is not None:
            request._shared_fragments = fragments
    return fragments


@register.simple_tag(takes_context=True)
def sidebar(context):
    """The widgets the editor chose, in order; those the same for every reader from the
    cache (shared_fragments), their data read only when they are rendered."""
    site_settings = context.get("site_settings") or SiteSettings.load()
    shown = widgets.shown(site_settings.sidebar_widgets)
    fragments = shared_fragments(context)
    values = {
        "request": context.get("request"),
        "site_settings": site_settings,
        **selectors.sidebar(keys={widget.key for widget in shown}),
    }
    if context.get("csrf_token") is not None:
        values["csrf_token"] = context["csrf_token"]
    own = context.new(values)  # only these, as an inclusion tag's template sees
    engine = context.template.engine
    html = [
        fragments.get(f"sidebar-widget:{widget.key}",
                      lambda w=widget: engine.get_template(w.template).render(own))
        for widget in shown
    ]  # fmt: skip
    return mark_safe("".join(html) + "\n")  # as the template this replaced, to the byte


@register.simple_tag(takes_context=True)
def page_menu(context):
    """The header's page links: one query, none while the cached fragment is current."""

    def render():
        links = context.template.engine.get_template("blog/_page_menu_links.html")
        return links.render(context.new({"menu_pages": list(Page.objects.in_menu())}))

    return mark_safe(shared_fragments(context).get("page-menu", render) + "\n")


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
    return post_html.author_name(user)


@register.simple_tag
def post_meta(post, *, site_title, og=None, preview=False):
    """The post's Open Graph, article and Twitter meta tags (blog.post_html)."""
    return post_html.post_meta(post, site_title=site_title, og=og, preview=preview)


@register.simple_tag
def post_header(post):
    """The <article> opening tag and the post's title, date and author (blog.post_html)."""
    return post_html.post_header(post)


@register.simple_tag
def post_footer(post):
    """The post's tags and categories (blog.post_html)."""
    return post_html.post_footer(post)


@register.simple_tag
def author_box(author):
    """The box about a post's author (blog.post_html)."""
    return post_html.author_box(author)


@register.simple_tag
def post_nav(previous_post, next_post):
    """Links to the posts before and after (blog.post_html)."""
    return post_html.post_nav(previous_post, next_post)


@register.filter
def html_datetime(value):
    """A valid <time datetime>: local time to the second (HTML allows at most three decimals)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.filter
def initials(name):
    return post_html.initials(name)
