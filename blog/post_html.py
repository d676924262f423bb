"""The post page's frame as HTML written in Python: its meta tags, header, footer, author box
and links to the posts before and after it.

The template engine spent more on these few lines (lookups, filters, includes, url tags) than
the ORM on the post; templates/blog/post_detail.html places them with template tags
(blog_tags). Everything from the post, its author and the site is escaped here.
"""

from functools import lru_cache
from html import escape  # the standard library's: Django's is lazy-aware and slower

from django.conf import settings
from django.template.defaultfilters import truncatechars, truncatewords
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from blog.links import safe_url


def author_name(user) -> str:
    """The name a page shows for a user: the profile's, else the full name, else the username."""
    profile = getattr(user, "profile", None)
    return profile.name if profile else (user.get_full_name() or user.get_username())


def initials(name) -> SafeString:
    """Up to two capitals from a name, escaped ("?" for none); kept per name, as a page shows
    a commenter's initials by each of their comments."""
    return _initials(str(name))


@lru_cache(maxsize=4096)
def _initials(name: str) -> SafeString:
    letters = "".join(word[0] for word in name.split()[:2] if word)
    return mark_safe(escape(letters.upper() or "?"))


def _e(value) -> str:
    """A value as the template engine prints it: escaped unless already safe HTML."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def link(name: str, **kwargs) -> str:
    """reverse(name, kwargs=kwargs), remembered: a post page links a tag or a category in each
    of a score of lines, and the same ones on every page. Kept per script prefix and URLconf,
    as reverse's answer depends on them."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _link(name, tuple(kwargs.items()), get_script_prefix(), urlconf)


def links(name: str, kwarg: str, values) -> list[str]:
    """[link(name, **{kwarg: value}) for value in values], the script prefix and URLconf read
    once (each is a thread-local lookup, dearer than the remembered address): a footer links
    a score of tags and categories."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    prefix = get_script_prefix()
    return [_link(name, ((kwarg, value),), prefix, urlconf) for value in values]


@lru_cache(maxsize=4096)
def _link(name, kwargs, prefix, urlconf) -> str:
    return reverse(name, kwargs=dict(kwargs), urlconf=urlconf)


def static_url(path: str) -> str:
    """static(path), remembered per STATIC_URL and static files storage: the manifest lookup
    and urljoin cost more than the rest of a likes box."""
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    return _static_url(path, settings.STATIC_URL, storage)


@lru_cache(maxsize=64)
def _static_url(path, static_url, storage) -> str:
    return static(path)


def description(post) -> str:
    """The post's summary cut to 30 words: the description and og/twitter descriptions."""
    return _first_words(post.summary(), 30)


@lru_cache(maxsize=256)
def _first_words(text: str, count: int) -> str:
    """truncatewords(text, count), kept for the texts last asked, as excerpt_from: the post
    page cuts the same summary for its description and its meta tags."""
    return truncatewords(text, count)


def post_meta(post, *, site_title, og=None, preview=False) -> SafeString:
    """The Open Graph, article and Twitter meta tags of a post (og: its link card from
    blog.media's post_og_image, or None), as the meta block printed them."""
    url = f"{settings.SITE_URL}{post.get_absolute_url()}"
    title, summary = _e(post.title_text), _e(description(post))
    html = [
        f'\n  <meta property="og:site_name" content="{_e(site_title)}">'
        '\n  <meta property="og:type" content="article">'
        f'\n  <meta property="og:title" content="{title}">'
        f'\n  <meta property="og:description" content="{summary}">'
        f'\n  <meta property="og:url" content="{_e(url)}">\n  '
    ]
    if og:
        html.append(
            f'<meta property="og:image" content="{_e(og["url"])}">'
            f'\n  <meta property="og:image:width" content="{_e(og["width"])}">'
            f'\n  <meta property="og:image:height" content="{_e(og["height"])}">\n  '
        )
    elif post.featured_image:
        image = f"{settings.SITE_URL}{post.featured_image.url}"
        html.append(f'<meta property="og:image" content="{_e(image)}">')
    html.append(
        f'\n  <meta property="article:published_time" content="{_iso(post.published_at)}">'
        f'\n  <meta property="article:modified_time" content="{_iso(post.updated_at)}">\n  '
    )
    for category in post.categories.all():
        html.append(f'<meta property="article:section" content="{_e(category.name)}">\n  ')
    for tag in post.tag_list():
        html.append(f'<meta property="article:tag" content="{_e(tag.name)}">\n  ')
    card = "summary_large_image" if og or post.featured_image else "summary"
    html.append(
        f'<meta name="twitter:card" content="{card}">'
        f'\n  <meta name="twitter:title" content="{title}">'
        f'\n  <meta name="twitter:description" content="{summary}">\n  '
    )
    profile = getattr(post.author, "profile", None)
    if profile and profile.twitter:
        handle = _e("@" + profile.twitter.replace("@", ""))
        html.append(f'<meta name="twitter:creator" content="{handle}">')
    html.append("\n  ")
    if preview:
        html.append('<meta name="robots" content="noindex">')
    return mark_safe("".join(html))


def _iso(value) -> str:
    """A datetime as the date filter's "c" format prints it, in the current time zone."""
    return escape(timezone.localtime(value).isoformat()) if value else ""


@lru_cache(maxsize=4096)
def day_label(day, language) -> str:
    """ "December 3, 2026", as the date filter with "F j, Y" prints it (kept per day and
    language: DateFormat is dear, and a list shows a dozen days)."""
    return dateformat.format(day, "F j, Y")


def post_header(post) -> SafeString:
    """The <article> opening and the post's header: title, date and author."""
    local = timezone.localtime(post.published_at)
    author = post.author
    href = link("blog:author", username=author.username)
    return mark_safe(
        f'<article class="post format-{_e(post.format)}">\n  <header class="post-header">'
        f'\n    <h1 class="entry-title">{_e(post.title_html)}</h1>'
        f'\n    <p class="meta"><time datetime="{escape(local.isoformat(timespec="seconds"))}">'
        f"{escape(day_label(local.date(), get_language()))}</time>"
        f'\n      by <a rel="author" href="{_e(href)}">{_e(author_name(author))}</a></p>'
        "\n  </header>"
    )


def post_footer(post) -> SafeString:
    """The post's footer: its tags and its categories, linked."""
    tags, categories = post.tag_list(), post.categories.all()
    tag_urls = links("blog:tag", "slug", [tag.slug for tag in tags])
    category_urls = links("blog:category", "path", [category.path for category in categories])
    tags = zip(tag_urls, [tag.name for tag in tags], strict=True)
    categories = zip(category_urls, [category.name for category in categories], strict=True)
    return mark_safe(
        '<footer class="post-footer">\n    '
        + _term_links("post-tags", "Tagged with:", "tag", tags)
        + "\n    "
        + _term_links("post-categories", "Posted in", "category", categories)
        + "\n  </footer>"
    )


def _term_links(css_class: str, label: str, rel: str, terms) -> str:
    """A footer line of (address, name) links (plain text both), or "" for none."""
    anchors = ", ".join(
        f'<a rel="{rel}" href="{escape(url)}">{escape(name)}</a>' for url, name in terms
    )
    if not anchors:
        return ""
    return f'<p class="{css_class}"><span class="label">{label}</span> {anchors}</p>'


def author_box(author) -> SafeString:
    """The box about the post's author: picture or initials, name, bio and links."""
    profile = getattr(author, "profile", None)
    name = author_name(author)
    if profile and profile.avatar:
        src = _e(profile.avatar.url)
        avatar = f'<img class="avatar" src="{src}" alt="" width="72" height="72">'
    else:
        avatar = f'<span class="avatar initials" aria-hidden="true">{initials(name)}</span>'
    href = link("blog:author", username=author.username)
    html = [
        '\n<section class="author-box" aria-label="About the author">\n  ',
        avatar,
        f'\n  <div>\n    <p class="author-name"><a href="{_e(href)}">{_e(name)}</a></p>\n    ',
    ]
    if profile and profile.bio:
        html.append(f'<p class="author-bio">{_e(profile.bio)}</p>')
    html.append("\n    ")
    website = safe_url(str(profile.website or "")) if profile else ""
    links = profile.link_list() if profile else []
    if website or links:
        html.append('<p class="author-links">')
        if website:
            html.append(f'<a href="{_e(website)}" rel="me noopener">Website</a>')
        for address in links:
            shown = truncatechars(address.replace("https://", "").replace("http://", ""), 40)
            html.append(f' · <a href="{_e(address)}" rel="me noopener">{_e(shown)}</a>')
        html.append("</p>")
    html.append("\n  </div>\n</section>\n\n")
    return mark_safe("".join(html))


def post_nav(previous_post, next_post) -> SafeString:
    """Links to the posts before and after, or "" when there is neither."""
    if not (previous_post or next_post):
        return mark_safe("")
    html = ['\n<nav class="post-nav" aria-label="More posts">\n  ']
    if previous_post:
        html.append(
            f'<a class="prev" rel="prev" href="{_e(previous_post.get_absolute_url())}">'
            f"<span>← Previous</span> {_e(previous_post.title_html)}</a>"
        )
    html.append("\n  ")
    if next_post:
        html.append(
            f'<a class="next" rel="next" href="{_e(next_post.get_absolute_url())}">'
            f"<span>Next →</span> {_e(next_post.title_html)}</a>"
        )
    html.append("\n</nav>\n")
    return mark_safe("".join(html))
