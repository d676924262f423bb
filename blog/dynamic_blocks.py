"""WordPress's dynamic blocks that the blog draws from its own data when a page is shown.

A post or page body keeps a dynamic block as an empty placeholder element,
`<div data-dynamic-block="core/latest-posts" data-block-attrs="{...}"></div>` (sanitising keeps
it: blog.sanitize), and the post and page templates expand it (expand()), so a list of the
latest posts stays current. Anywhere else (feeds, mail, search) the empty element shows nothing.
Comments are plain text, so readers cannot place one. The settings are WordPress's block
attributes (wp-includes/blocks/*/block.json); unknown or malformed ones fall back to defaults.
"""

import html
import json
import re
from itertools import count

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string

from blog.models import LegacyLink, Page, Post
from blog.selectors import category_list
from blog.selectors import tag_cloud as weighted_tags

PLACEHOLDER = re.compile(
    r'<div data-dynamic-block="(?P<name>[a-z0-9/_-]+)"(?: data-block-attrs="(?P<attrs>[^"]*)")?>'
    r"\s*</div>"
)


def placeholder(name: str, attrs: dict) -> str:
    """The element that stands for a dynamic block in a stored body."""
    value = html.escape(attrs_json(attrs))
    return f'<div data-dynamic-block="{name}" data-block-attrs="{value}"></div>'


def attrs_json(attrs: dict) -> str:
    """Block settings as compact JSON; "{}" for settings too deeply nested to write."""
    try:
        return json.dumps(attrs, separators=(",", ":"), ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return "{}"


def expand(body: str) -> str:
    """body (sanitised HTML) with every placeholder replaced by its block drawn now; a block
    this blog does not draw (core/calendar, ...) shows nothing."""
    numbers = count(1)

    def render(match):
        renderer = RENDERERS.get(match.group("name"))
        if renderer is None:
            return ""
        attrs = placeholder_attrs(match.group("attrs"))
        template, context = renderer(attrs)
        context.update(attrs=attrs, number=next(numbers))
        return render_to_string(f"blog/blocks/{template}", context).strip()

    return PLACEHOLDER.sub(render, body or "")


def placeholder_attrs(text: str | None) -> dict:
    """The settings of a placeholder's data-block-attrs value (as stored: escaped), {} when
    malformed."""
    try:
        attrs = json.loads(html.unescape(text or "")) if text else {}
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return {}
    return attrs if isinstance(attrs, dict) else {}


def _int(attrs: dict, key: str, default: int, *, low: int = 1, high: int = 100) -> int:
    value = attrs.get(key, default)
    return min(max(value, low), high) if isinstance(value, int) else default


def latest_posts(attrs: dict):
    """core/latest-posts: postsToShow (5), displayPostDate, displayPostContent (the excerpt),
    order ("desc"/"asc"), orderBy ("date"/"title"), and the categories ([{"id": ...}]) and
    selectedAuthor chosen on WordPress, by their WordPress IDs (LegacyLink)."""
    field = "title" if attrs.get("orderBy") == "title" else "published_at"
    order = field if attrs.get("order") == "asc" else f"-{field}"
    posts = Post.objects.published()
    chosen = attrs.get("categories")
    if isinstance(chosen, list) and chosen:
        wp_ids = [c.get("id") for c in chosen if isinstance(c, dict)]
        posts = posts.filter(categories__in=_local_ids("category", wp_ids)).distinct()
    if attrs.get("selectedAuthor"):
        posts = posts.filter(author__in=_local_ids("author", [attrs["selectedAuthor"]]))
    return "_latest_posts.html", {
        "posts": list(posts.order_by(order)[: _int(attrs, "postsToShow", 5)])
    }


def _local_ids(kind: str, wp_ids: list) -> list[int]:
    """This blog's ids of the objects WordPress knew by wp_ids (integers only are looked up)."""
    wp_ids = [n for n in wp_ids if isinstance(n, int) and 0 < n < 2**63]
    links = LegacyLink.objects.filter(kind=kind, wp_id__in=wp_ids)
    return list(links.values_list("object_id", flat=True))


def archives(attrs: dict):
    """core/archives: every month with a public post, newest first; showPostCounts."""
    months = (
        Post.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(num_posts=Count("pk"))
        .order_by("-month")
    )
    return "_archives.html", {"months": list(months)}


def categories(attrs: dict):
    """core/categories: the categories with public posts, in tree order; showPostCounts,
    showHierarchy."""
    return "_categories.html", {"categories": category_list(Post.objects.published())}


def tag_cloud(attrs: dict):
    """core/tag-cloud: numberOfTags (45) most used tags, weighted; showTagCounts."""
    limit = _int(attrs, "numberOfTags", 45, high=100)
    return "_tag_cloud.html", {"tags": weighted_tags(Post.objects.published(), limit=limit)}


def search(attrs: dict):
    """core/search: label ("Search"), showLabel, placeholder, buttonText ("Search")."""
    texts = {key: attrs.get(key) for key in ("label", "placeholder", "buttonText")}
    texts = {key: value for key, value in texts.items() if isinstance(value, str)}
    return "_search.html", {"texts": texts, "show_label": attrs.get("showLabel") is not False}


def page_list(attrs: dict):
    """core/page-list: every published page, nested under its parent, in menu order."""
    pages = Page.objects.published().only("title", "path", "parent_id", "menu_order")
    children = {}
    for page in pages.order_by("menu_order", "title", "pk"):
        children.setdefault(page.parent_id, []).append(page)

    def walk(parent_id, depth):
        for page in children.get(parent_id, []):
            yield page, depth
            yield from walk(page.pk, depth + 1)

    return "_page_list.html", {"pages": list(walk(None, 0))}


RENDERERS = {
    "core/latest-posts": latest_posts,
    "core/archives": archives,
    "core/categories": categories,
    "core/tag-cloud": tag_cloud,
    "core/search": search,
    "core/page-list": page_list,
}
