"""Reads that are more than one QuerySet method: search, neighbours, sidebar widgets."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from blog.models import SEARCH_CONFIG, Category, Post

# Control characters cannot occur in body_text, so they mark hits safely before escaping.
_HIT_START, _HIT_STOP = "\x02", "\x03"


def tags():
    return Tag.objects.filter(blog_taggedpost_items__isnull=False).distinct()


def post_for_page():
    return Post.objects.select_related("author__profile").prefetch_related("categories", "tags")


def post_neighbours(post):
    public = Post.objects.published().only("title", "slug", "published_at")
    older = public.filter(
        Q(published_at__lt=post.published_at) | Q(published_at=post.published_at, pk__lt=post.pk)
    ).order_by("-published_at", "-pk")
    newer = public.filter(
        Q(published_at__gt=post.published_at) | Q(published_at=post.published_at, pk__gt=post.pk)
    ).order_by("published_at", "pk")
    return {"previous_post": older.first(), "next_post": newer.first()}


def post_search(text):
    """Published posts matching websearch syntax, best first, with highlighted snippets."""
    if not text:
        return Post.objects.none()
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    headline = SearchHeadline(
        "body_text",
        query,
        config=SEARCH_CONFIG,
        start_sel=_HIT_START,
        stop_sel=_HIT_STOP,
        max_words=40,
        min_words=20,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return (
        Post.objects.published()
        .for_lists()
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query), raw_headline=headline)
        .order_by("-rank", "-published_at")
    )


def highlight(raw_headline):
    """Escape a SearchHeadline result and turn its hit markers into <mark> elements."""
    text = escape(raw_headline or "")
    return mark_safe(text.replace(_HIT_START, "<mark>").replace(_HIT_STOP, "</mark>"))


def sidebar():
    """The widgets every page shows: one query each, however much content there is."""
    public = Post.objects.published()
    return {
        "categories": list(
            Category.objects.annotate(
                num_posts=Count("posts", filter=Q(posts__in=public.values("pk")))
            )
            .only("name", "path")
            .order_by("path")
        ),
        "tag_cloud": tag_cloud(public),
        "recent_posts": list(public.only("title", "slug", "published_at")[:5]),
        "months": list(
            public.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(num_posts=Count("pk"))
            .order_by("-month")[:24]
        ),
    }


def tag_cloud(public, limit=40):
    rows = list(
        Tag.objects.filter(blog_taggedpost_items__content_object__in=public.values("pk"))
        .annotate(num_posts=Count("blog_taggedpost_items"))
        .order_by("-num_posts", "name")[:limit]
    )
    if not rows:
        return []
    top = rows[0].num_posts
    for tag in rows:
        tag.weight = 1 + round(4 * tag.num_posts / top)
    return sorted(rows, key=lambda tag: tag.name.lower())
