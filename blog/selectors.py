"""Reads that are more than one QuerySet method: search, neighbours, sidebar widgets."""

import html
import re
from datetime import datetime
from urllib.parse import quote

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import JSONObject, Replace, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from blog import widgets
from blog.models import SEARCH_CONFIG, SEARCH_ONLY, Category, LegacyLink, Page, Post, SocialProfile
from blog.prepared import PreparedCount, PreparedQuery, stand_in

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Control characters cannot occur in body_text, so they mark hits safely before escaping.
_HIT_START, _HIT_STOP = "\x02", "\x03"


def tags():
    return Tag.objects.filter(blog_taggedpost_items__isnull=False).distinct()


def tag_suggestions(text, *, limit=10):
    """Tag names containing text for the admin's tags field: those starting with it first."""
    text = text.strip()[:100]
    if not text:
        return []
    starts = Case(When(name__istartswith=text, then=Value(1)), default=Value(0))
    return list(
        Tag.objects.filter(name__icontains=text)
        .annotate(starts=starts, uses=Count("blog_taggedpost_items"))
        .order_by("-starts", "-uses", "name")
        .values_list("name", flat=True)[:limit]
    )


def json_rows(queryset, *fields):
    """An annotation: the fields of each row of queryset as JSON objects, in its order, so a
    list of related rows comes in the same query as the row they belong to (set_prefetched).

    One JSON array (to_jsonb of the array of rows), so it is decoded with one json.loads()
    rather than one per row."""
    rows = ArraySubquery(queryset.values(row=JSONObject(**{field: field for field in fields})))
    return Func(rows, function="to_jsonb", output_field=JSONField())


def set_prefetched(instance, name, model, rows, queryset=None) -> None:
    """Keep model instances made from json_rows() rows where instance.<name>.all() finds them
    without a query, as prefetch_related(name) would have (queryset: keep_prefetched's)."""
    fields = [f.attname for f in model._meta.concrete_fields if rows and f.attname in rows[0]]
    objects = [model.from_db(DEFAULT_DB_ALIAS, fields, [row[f] for f in fields]) for row in rows]
    keep_prefetched(instance, name, objects, queryset)


def keep_prefetched(instance, name, objects, queryset=None) -> None:
    """Put objects where instance.<name>.all() finds them without a query, as
    prefetch_related(name) does. queryset: what instance.<name>.all() gives (a later
    .filter() builds on it), when its manager is dear to make; by default the manager's."""
    if queryset is None:
        queryset = getattr(instance, name).all()  # lazy: no query
    queryset._result_cache, queryset._prefetch_done = objects, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# Columns features add to the post page's query from their AppConfig.ready(), so what the
# page shows of them comes without a query of its own: {name: build(post) -> expression}, post
# being OuterRef("pk") (blog.stats: the likes' counts). The query is prepared at the first page.
post_page_columns = {}


def _post_with_terms(slug):
    categories = Category.objects.filter(posts=OuterRef("pk")).order_by("path")
    tags = Tag.objects.filter(blog_taggedpost_items__content_object=OuterRef("pk")).order_by("pk")
    features = {name: build(OuterRef("pk")) for name, build in post_page_columns.items()}
    return (
        Post.objects.select_related("author__profile")
        .defer(*SEARCH_ONLY)
        .annotate(
            category_rows=json_rows(categories, *CATEGORY_FIELDS),
            tag_rows=json_rows(tags, "id", "name", "slug"),
            **features,
        )
        .filter(slug=slug)
    )


def post_for_page(slug) -> Post | None:
    """The post with this slug and all its page shows of it in one query: author and profile
    joined, its categories (in tree order) and tags (in the order prefetch_related gave them)
    in the prefetch caches, the features' post_page_columns as attributes; None when there is
    none."""
    post = next(iter(_POST_WITH_TERMS(slug)), None)  # the slug is unique
    if post is not None:
        set_prefetched(post, "categories", Category, post.category_rows)
        set_prefetched(post, "tags", Tag, post.tag_rows, _tags_of(post))
    return post


def _tags_of(post):
    """post.tags.all() as taggit's manager makes it (in its order), with its filter added when
    first used rather than now, as Django's own related managers do (taggit's manager builds
    the filter's joins at once: a tenth of a millisecond, for a queryset the page never runs)."""
    tags = Tag.objects.order_by(*post.tags.ordering)
    tags._defer_next_filter = True
    return tags.filter(blog_taggedpost_items__content_object=post.pk)


CATEGORY_FIELDS = ("id", "name", "slug", "description", "parent_id", "path")
_POST_WITH_TERMS = PreparedQuery(_post_with_terms, stand_in(str))


def page_family(page):
    """The page's ancestors (root first) and its published children, for links on the page."""
    parts = page.path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts))]
    ancestors = Page.objects.published().filter(path__in=prefixes).only("title", "path")
    children = page.children.published().only("title", "path").order_by("menu_order", "title")
    ancestors = sorted(ancestors, key=lambda a: a.depth) if prefixes else []
    return {"ancestors": ancestors, "child_pages": list(children)}


def _neighbours(now, published_at, pk):
    public = Post.objects.published(now=now).only("title", "slug", "published_at")
    older = public.filter(
        Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
    ).order_by("-published_at", "-pk")
    newer = public.filter(
        Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)
    ).order_by("published_at", "pk")
    return older.annotate(newer=Value(False))[:1].union(
        newer.annotate(newer=Value(True))[:1], all=True
    )


_NEIGHBOURS = PreparedQuery(
    _neighbours, stand_in(datetime, 0), stand_in(datetime, 1), stand_in(int)
)


def post_neighbours(post):
    """The published posts just before and after post (by date, then id), or None: one query."""
    both = _NEIGHBOURS(timezone.now(), post.published_at, post.pk)
    found = {neighbour.newer: neighbour for neighbour in both}
    return {"previous_post": found.get(False), "next_post": found.get(True)}


# websearch_to_tsquery reads "-word" as NOT word; a dash before no word is a NOT of nothing, and
# a run of them ("- - - ...", "(-(-(-...", pasted rules) overflows Postgres's tsquery stack
# ("tsquery stack too small", a 500). Such dashes mean nothing to the search: they are dropped.
_LONE_DASH = re.compile(r"-(?![\w\"])")


def search_query(text):
    """A SearchQuery in websearch syntax (quotes, or, -word) that Postgres can always parse."""
    return SearchQuery(_LONE_DASH.sub(" ", text), search_type="websearch", config=SEARCH_CONFIG)


def post_search(text):
    """Published posts matching websearch syntax, best first, with highlighted snippets."""
    if not text:
        return Post.objects.none()
    query = search_query(text)
    headline = SearchHeadline(
        _escaped("body_text"),
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


def page_search(text, *, limit=5):
    """Published pages matching the same query as post_search, best first: a handful at most.

    Pages are few (About, Contact, ...), so their words are read on the fly, tags stripped,
    instead of being kept in an indexed column like the posts'.
    """
    if not text:
        return []
    query = search_query(text)
    body_text = Func(
        F("body"), Value("<[^>]*>"), Value(" "), Value("g"),
        function="regexp_replace", output_field=TextField(),
    )  # fmt: skip
    vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        body_text, weight="B", config=SEARCH_CONFIG
    )
    return list(
        Page.objects.published()
        .annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank", "menu_order", "path")
        .only("title", "path", "excerpt")[:limit]
    )


def _escaped(field):
    """The field with &, < and > as entities: Postgres' headline drops what looks like a tag."""
    expression = F(field)
    for char, entity in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")]:
        expression = Replace(expression, Value(char), Value(entity))
    return expression


def highlight(raw_headline):
    """Escape a SearchHeadline result and turn its hit markers into <mark> elements."""
    text = escape(html.unescape(raw_headline or ""))
    return mark_safe(text.replace(_HIT_START, "<mark>").replace(_HIT_STOP, "</mark>"))


def follow_accounts() -> list:
    """The X and Mastodon profiles the editor put in the Follow box, in their order, each with
    its latest posts (statuses, empty here: a feature that fetches them adds them)."""
    accounts = SocialProfile.objects.filter(
        follow_box=True, kind__in=[SocialProfile.Kind.X, SocialProfile.Kind.MASTODON]
    )
    accounts = [account for account in accounts if account.link]
    for account in accounts:
        account.statuses = []
    return accounts


def sidebar(keys=None):
    """What the shown sidebar widgets need (all when keys is None): one query each at most,
    none while their widgets come from the cache (not even the building of a queryset)."""
    public = Post.objects.published
    readers = {
        "categories": ("categories", lambda: category_list(public())),
        "tags": ("tag_cloud", lambda: tag_cloud(public())),
        "recent": ("recent_posts", lambda: list(
            public().only("title", "slug", "published_at")[:5]
        )),
        "archives": ("months", lambda: list(
            public().annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(num_posts=Count("pk"))
            .order_by("-month")[:24]
        )),
        "follow-account": ("accounts", follow_accounts),
    }  # fmt: skip
    readers.update(
        (widget.key, widget.context) for widget in widgets.WIDGETS.values() if widget.context
    )
    return {
        name: Once(read) for key, (name, read) in readers.items() if keys is None or key in keys
    }


class Once:
    """A value read on first use, then kept: templates call it, and a cached widget never does."""

    def __init__(self, read):
        self.read, self.done, self.value = read, False, None

    def __call__(self):
        if not self.done:
            self.value, self.done = self.read(), True
        return self.value


def category_list(public):
    """Categories with their count of public posts, in tree order; only those with a public
    post in them or below them (as WordPress's hide_empty), so a draft's category is not named."""
    rows = list(
        Category.objects.annotate(num_posts=Count("posts", filter=Q(posts__in=public.values("pk"))))
        .only("name", "path")
        .order_by("path")
    )
    shown = set()  # the used categories and all their ancestors
    for row in rows:
        if row.num_posts:
            parts = row.path.split("/")
            shown.update("/".join(parts[: end + 1]) for end in range(len(parts)))
    return [row for row in rows if row.path in shown]


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


def _path_spellings(path):
    """How an old address (request.path: decoded text) may be stored: as text, or with its
    non-ASCII characters percent-encoded in UTF-8 in lowercase hex (WordPress's permalinks,
    utf8_uri_encode) or uppercase (RFC 3986 section 6.2.2.1); each with and without its
    trailing slash."""
    lower = _NON_ASCII.sub(lambda match: quote(match[0]).lower(), path)
    upper = _NON_ASCII.sub(lambda match: quote(match[0]), path)
    bases = {spelling.rstrip("/") for spelling in (path, lower, upper)}
    return {path, *bases, *(base + "/" for base in bases)}


def legacy_target(*, kinds=(), wp_id=None, old_path=None, user=None):
    """Where an old WordPress address (by ID of one of kinds, or by path) leads now, as
    (address, permanent), or None. A post or page readers cannot see (a draft, private,
    scheduled) leads only a user who may preview it there, and not for good."""
    links = LegacyLink.objects.all()
    if old_path is not None:
        link = links.filter(old_path__in=_path_spellings(old_path)).exclude(old_path="").first()
    else:  # WordPress numbers posts, pages and attachments from one sequence: one row at most
        link = links.filter(kind__in=kinds, wp_id=wp_id).first()
    models = {
        "post": Post, "page": Page, "category": Category, "author": get_user_model(),
    }  # fmt: skip
    if apps.is_installed("blog.media"):  # attachments are the image library's (blog.media)
        models["attachment"] = apps.get_model("media", "Image")
    if link is None or link.kind not in models:
        return None
    obj = models[link.kind]._default_manager.filter(pk=link.object_id).first()
    if obj is None:
        return None
    if link.kind == "author":
        return reverse("blog:author", kwargs={"username": obj.get_username()}), True
    if link.kind in ("post", "page") and not obj.is_public:
        may_preview = user is not None and (
            obj.editable_by(user) if link.kind == "post" else obj.visible_to(user)
        )
        return (obj.get_absolute_url(), False) if may_preview else None
    return obj.get_absolute_url(), True


def category_by_short_path(path):
    """The category whose address ends with path ("child" for "parent/child"), the shallowest
    when several do, or None: WordPress finds a nested category by its own slug too
    (get_category_by_path() without full_match, wp-includes/category.php) and redirects."""
    found = Category.objects.filter(path__endswith=f"/{path}").only("path")
    return min(found[:50], key=lambda category: (category.depth, category.path), default=None)


class PreparedPosts:
    """A list page's posts, build(now, *values) -> their queryset in order, whose SQL is
    written once per process (blog.prepared): the count's, and a page's (a slice) for each of
    the first pages, prepared per offset and size as Django writes them into the SQL. Calling
    it with the values gives the posts of one list for a Paginator (ListedPosts)."""

    FIRST_PAGES = 64  # slices prepared at most; later pages' are compiled each time

    def __init__(self, build, *stand_ins):
        self.build, self.stand_ins = build, (stand_in(datetime), *stand_ins)
        self.count = PreparedCount(build, *self.stand_ins)
        self._slices = {}  # (start, stop) -> PreparedQuery

    def __call__(self, *values, now=None) -> "ListedPosts":
        return ListedPosts(self, (now or timezone.now(), *values))

    def page(self, window: slice, values: tuple) -> list:
        """The posts in window (a slice with a stop) of the list with these values."""
        key = (window.start, window.stop)
        prepared = self._slices.get(key)
        if prepared is None and len(self._slices) < self.FIRST_PAGES:
            prepared = PreparedQuery(lambda *v: self.build(*v)[window], *self.stand_ins)
            prepared = self._slices.setdefault(key, prepared)
        if prepared is None:
            return list(self.build(*values)[window])
        return prepared(*values)


class ListedPosts:
    """The posts of one list for a Paginator, all read as of one moment: count() as the
    queryset's, and a page (a slice), each in one query (PreparedPosts)."""

    def __init__(self, prepared: PreparedPosts, values: tuple):
        self.prepared, self.values = prepared, values
        self._count = None

    def count(self) -> int:
        """How many posts the list has: read once (a view asks before the paginator does)."""
        if self._count is None:
            self._count = self.prepared.count(*self.values)
        return self._count

    def __getitem__(self, window: slice) -> list:
        if window.stop <= (window.start or 0):  # an empty first page: no query, as Django
            return []
        return self.prepared.page(window, self.values)


def _home_posts(now):
    return Post.objects.published(now=now).for_lists().order_by("-sticky", "-published_at", "-pk")


def _category_posts(now, path):
    return Post.objects.published(now=now).for_lists().in_category(Category(path=path))


def _tag_posts(now, tag_id):
    return Post.objects.published(now=now).for_lists().filter(tags=tag_id)


def _author_posts(now, author_id):
    return Post.objects.published(now=now).for_lists().filter(author_id=author_id)


def _period_posts(now, since, until):
    posts = Post.objects.published(now=now).for_lists()
    return posts.filter(published_at__gte=since, published_at__lt=until)


home_posts = PreparedPosts(_home_posts)
_PERIOD_POSTS = PreparedPosts(_period_posts, stand_in(datetime, 1), stand_in(datetime, 2))
_CATEGORY_POSTS = PreparedPosts(_category_posts, stand_in(str))
_TAG_POSTS = PreparedPosts(_tag_posts, stand_in(int))
_AUTHOR_POSTS = PreparedPosts(_author_posts, stand_in(int))


def category_posts(category) -> ListedPosts:
    """The public posts filed in the category or below it, newest first, for a Paginator."""
    return _CATEGORY_POSTS(category.path)


def period_posts(since, until) -> ListedPosts:
    """The public posts published from since until before until, newest first, for a
    Paginator (a date archive)."""
    return _PERIOD_POSTS(since, until)


def tag_posts(tag) -> ListedPosts:
    """The public posts with the tag, newest first, for a Paginator."""
    return _TAG_POSTS(tag.pk)


def author_posts(author) -> ListedPosts:
    """The public posts by the author, newest first, for a Paginator."""
    return _AUTHOR_POSTS(author.pk)
