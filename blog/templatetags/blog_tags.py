import json
from functools import lru_cache
from html import escape as html_escape  # the standard library's: Django's is slower

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from blog import (
    dynamic_blocks,
    links,
    page_frame,
    pagecache,
    post_html,
    selectors,
    signals,
    widgets,
)
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


def _script_safe(payload: str) -> str:
    """JSON with <, > and & as \\u escapes, safe inside a <script> element (three replace()
    calls: str.translate with a dict maps each character in Python, 30 times slower)."""
    return payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def shared_fragments(context) -> pagecache.Fragments:
    """The page menu's and the cached sidebar widgets' HTML for this request, read from the
    cache at the first use in one round trip (blog.pagecache.Fragments)."""
    request = context.get("request")
    fragments = getattr(request, "_shared_fragments", None)
    if fragments is None:
        site_settings = context.get("site_settings") or SiteSettings.load()
        shown = widgets.shown(site_settings.sidebar_widgets)
        cached = (w for w in shown if widgets.cached_for(w, request))
        names = ["page-menu", *(f"sidebar-widget:{w.key}" for w in cached)]
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


# The addresses base.html links on every page, by the names it reverses, and its static files.
FRAME_URLS = {
    "feed": "blog:feed", "feed_atom": "blog:feed-atom", "home": "blog:home", "login": "login",
    "logout": "logout", "signup": "comments:signup", "search": "blog:search",
    "sitemap": "sitemap",
}  # fmt: skip
FRAME_STATIC = {"favicon": "favicon.svg", "css": "css/site.css"}


@register.simple_tag
def frame_urls():
    """{key: address} of FRAME_URLS and FRAME_STATIC, worked out once per process (per script
    prefix, URLconf and static files storage): every page links them, and a {% url %} or
    {% static %} tag each cost more than the rest of the frame's lines together."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    return _frame_urls(get_script_prefix(), urlconf, settings.STATIC_URL, storage)


@lru_cache(maxsize=16)
def _frame_urls(prefix, urlconf, static_url, storage):
    urls = {key: reverse(name, urlconf=urlconf) for key, name in FRAME_URLS.items()}
    return urls | {key: static(path) for key, path in FRAME_STATIC.items()}


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
    payload = _script_safe(json.dumps(data, ensure_ascii=False))
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.filter
def author_name(user):
    return post_html.author_name(user)


@register.simple_tag
def post_description(post):
    """The post's summary cut to 30 words, as its meta tags' descriptions (blog.post_html)."""
    return post_html.description(post)


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


# A post's summary on list pages, written in Python: a template include per post, with its
# lookups, filters and url tags, cost about a third of the home page's time.


@register.simple_tag
def post_summary(post, lazy=True) -> SafeString:
    """The <article class="summary"> of a post from PostQuerySet.for_lists(): title, date,
    author, categories, featured picture (lazy: False for the page's first), excerpt or search
    snippet (raw_headline, blog.selectors.post_search) and a link to read on; as
    blog/_post_summary.html printed it, to the byte."""
    url, title = html_escape(post.get_absolute_url()), post.title_html
    classes = f"summary format-{html_escape(post.format)}" + (" sticky" if post.sticky else "")
    badge = '<p class="badge">Featured</p>' if post.sticky else ""
    local = timezone.localtime(post.published_at)
    day = html_escape(_day_label(local.date(), get_language()))
    author = post.author
    author_url = html_escape(_address("blog:author", "username", author.username))
    raw_headline = getattr(post, "raw_headline", None)
    text = selectors.highlight(raw_headline) if raw_headline else html_escape(post.summary())
    return mark_safe(
        f'<article class="{classes}">\n  <header>\n    {badge}\n'
        f'    <h2 class="entry-title"><a href="{url}">{title}</a></h2>\n'
        f'    <p class="meta"><time datetime="{local.isoformat(timespec="seconds")}">{day}</time>\n'
        f'      by <a href="{author_url}">{html_escape(author_name(author))}</a>\n'
        f"      {_category_links(post)}</p>\n  </header>\n  {_summary_picture(post, url, lazy)}\n"
        f"  <p>{text}</p>\n"
        f'  <p><a class="more" href="{url}">Continue reading<span class="visually-hidden"> '
        f"“{title}”</span> →</a></p>\n</article>\n"
    )


def _category_links(post) -> str:
    """ "in <a>World</a>, <a>Iran</a>" from the arrays PostQuerySet.for_lists() adds, or ""."""
    links = [
        f'<a href="{html_escape(_address("blog:category", "path", path))}">{html_escape(name)}</a>'
        for name, path in zip(post.category_names, post.category_paths, strict=True)
    ]
    return f"in {', '.join(links)}" if links else ""


def _summary_picture(post, url: str, lazy) -> str:
    """The featured picture linking to the post, from the image library's receiver, or ""."""
    if not (post.featured_media_id or post.featured_image):
        return ""
    answers = signals.summary_picture.send(sender=type(post), post=post, lazy=lazy)
    picture = "".join(html for _receiver, html in answers if html)
    return f'<a href="{url}" tabindex="-1" aria-hidden="true">{picture}</a>'


def _address(name: str, kwarg: str, value: str) -> str:
    """reverse(name, kwargs={kwarg: value}), remembered (blog.post_html.link): an author's or
    category's address is asked for on every list page."""
    return post_html.link(name, **{kwarg: value})


_day_label = post_html.day_label


# base.html's lines around its blocks (blog.page_frame): a tag each where a block splits them.


def _frame_settings(context):
    return context.get("site_settings") or SiteSettings.load()


def _page_urls(context) -> dict:
    """frame_urls(), looked up once per page (it reads two thread-locals)."""
    urls = context.render_context.get("frame_urls")
    if urls is None:
        urls = context.render_context["frame_urls"] = frame_urls()
    return urls


@register.simple_tag(takes_context=True)
def frame_top(context):
    """From <!doctype html> to the <title>'s own text (after "Error: " / "Page N — ")."""
    prefix = page_frame.title_prefix(context.get("form"), context.get("page_obj"))
    return mark_safe(_FRAME_TOP + html_escape(prefix))


_FRAME_TOP = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
    '  <meta name="viewport" content="width=device-width, initial-scale=1">\n  <title>'
)


@register.simple_tag(takes_context=True)
def frame_feeds(context):
    """The site's RSS and Atom <link> lines."""
    urls = _page_urls(context)
    return mark_safe(page_frame.feeds(_frame_settings(context).title, urls["feed"],
                                      urls["feed_atom"]))  # fmt: skip


@register.simple_tag(takes_context=True)
def frame_style(context):
    """The icon and style sheet <link> lines."""
    urls = _page_urls(context)
    return mark_safe(page_frame.style(urls["favicon"], urls["css"]))


@register.simple_tag(takes_context=True)
def frame_header(context):
    """From </head> to the page menu's links, inclusive."""
    site_settings = _frame_settings(context)
    top = page_frame.header(site_settings.title, site_settings.tagline, _page_urls(context)["home"])
    return mark_safe(top + page_menu(context))


@register.simple_tag(takes_context=True)
def frame_account(context):
    """The account links and search form, to the start of the layout."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    request = context.get("request")
    return mark_safe(page_frame.account(
        signed_in=signed_in,
        csrf_input=CsrfTokenNode().render(context) if signed_in else "",
        path=request.path if request is not None else "",
        query=context.get("query"),
        urls=_page_urls(context),
    ))  # fmt: skip


@register.simple_tag(takes_context=True)
def frame_footer(context):
    """The footer to </html>."""
    site_settings = _frame_settings(context)
    urls = _page_urls(context)
    return mark_safe(
        page_frame.footer(title=site_settings.title, about=site_settings.about, urls=urls)
    )
