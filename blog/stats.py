"""Visitor statistics: count page views cheaply, fold them exactly once, read them back.

A counted page view is one INSERT into an append-only table (ViewEvent): no request updates a
shared row, so none waits on another. A periodic task folds the events into per-day counts with
one statement that deletes a batch (FOR UPDATE SKIP LOCKED) and adds it to the daily tables in
the same transaction, so each event is counted once even when folds overlap.
"""

import functools
import hashlib
import hmac
import logging
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import (
    DailyPostViews,
    DailyReferrer,
    DailySiteViews,
    DailyVisitor,
    Like,
    Post,
    ViewEvent,
)

logger = logging.getLogger(__name__)

# Reader pages that count as a view of the blog; feeds, the admin and assets do not.
COUNTED_PAGES = {
    "home", "post", "page", "category", "tag", "author", "search",
    "archive-year", "archive-month", "archive-day",
}  # fmt: skip
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiver|fetch|preview|monitor|checker|validator|scan|"
    r"headless|phantom|lighthouse|pingdom|uptime|curl|wget|python|java/|go-http|okhttp|axios|"
    r"node-fetch|http-?client|libwww|feed|rss|facebookexternalhit|embedly|whatsapp|telegram|"
    r"discord|skype|slack",
    re.IGNORECASE,
)
VISITOR_DAYS_KEPT = 2


def client_ip(request) -> str:
    """The reader's address: REMOTE_ADDR, or X-Forwarded-For as far as TRUSTED_PROXIES allow."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def is_bot(user_agent: str) -> bool:
    return not user_agent.startswith(("Mozilla/", "Opera/")) or bool(BOT_AGENT.search(user_agent))


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, previews) that a reader may never see."""
    headers = request.headers
    purposes = [headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")]
    return any(word in value.lower() for value in purposes for word in ("prefetch", "preview"))


def should_count(request, response) -> bool:
    match = request.resolver_match
    return (
        request.method == "GET"
        and response.status_code == 200
        and match is not None
        and match.namespace == "blog"
        and match.url_name in COUNTED_PAGES
        and not is_bot(request.headers.get("User-Agent", ""))
        and not is_prefetch(request)
        and not (request.user.is_authenticated and request.user.is_staff)
    )


@functools.lru_cache(maxsize=4)
def daily_salt(day: date) -> bytes:
    """A secret that changes every day, so hashes of different days cannot be linked."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|visitor-salt|{day.isoformat()}".encode()).digest()


def visitor_hash(request, day: date) -> str:
    identity = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}".encode()
    return hmac.new(daily_salt(day), identity, hashlib.sha256).hexdigest()[:32]


def referrer_host(request) -> str:
    """The host of an outside page that linked here, without www.; empty for our own pages."""
    try:
        host = (urlsplit(request.headers.get("Referer", "")).hostname or "").lower()
    except ValueError:
        return ""
    own = {request.get_host().split(":")[0].lower(), urlsplit(settings.SITE_URL).hostname}
    if not host or host in own:
        return ""
    return host.removeprefix("www.")[:253]


def view_record(request, *, post_id: int | None = None) -> None:
    """Buffer one page view; a failure to count never breaks the page."""
    day = timezone.localdate()
    event = ViewEvent(
        post_id=post_id,
        day=day,
        visitor=visitor_hash(request, day),
        referrer_host=referrer_host(request),
    )
    try:
        event.save(force_insert=True)
    except DatabaseError:
        logger.warning("A page view could not be counted", exc_info=True)


def _fold_sql():
    tables = {
        "event": ViewEvent._meta.db_table,
        "visitor": DailyVisitor._meta.db_table,
        "site": DailySiteViews._meta.db_table,
        "post_views": DailyPostViews._meta.db_table,
        "post": Post._meta.db_table,
        "referrer": DailyReferrer._meta.db_table,
    }
    # Rows are upserted in key order so that two overlapping folds cannot deadlock.
    return """
    WITH batch AS (
        DELETE FROM {event} WHERE id IN (
            SELECT id FROM {event} ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
        )
        RETURNING post_id, day, visitor, referrer_host
    ), new_visitors AS (
        INSERT INTO {visitor} (day, visitor)
        SELECT DISTINCT day, visitor FROM batch ORDER BY day, visitor
        ON CONFLICT (day, visitor) DO NOTHING
        RETURNING day
    ), site AS (
        INSERT INTO {site} (day, views, visitors)
        SELECT b.day, b.views, coalesce(v.visitors, 0)
        FROM (SELECT day, count(*) AS views FROM batch GROUP BY day) AS b
        LEFT JOIN (SELECT day, count(*) AS visitors FROM new_visitors GROUP BY day) AS v
        USING (day)
        ORDER BY b.day
        ON CONFLICT (day) DO UPDATE SET views = {site}.views + EXCLUDED.views,
            visitors = {site}.visitors + EXCLUDED.visitors
    ), posts AS (
        INSERT INTO {post_views} (post_id, day, views)
        SELECT b.post_id, b.day, count(*) FROM batch AS b JOIN {post} AS p ON p.id = b.post_id
        GROUP BY b.post_id, b.day ORDER BY b.post_id, b.day
        ON CONFLICT (post_id, day) DO UPDATE SET views = {post_views}.views + EXCLUDED.views
    ), referrers AS (
        INSERT INTO {referrer} (day, host, views)
        SELECT day, referrer_host, count(*) FROM batch WHERE referrer_host <> ''
        GROUP BY day, referrer_host ORDER BY day, referrer_host
        ON CONFLICT (day, host) DO UPDATE SET views = {referrer}.views + EXCLUDED.views
    )
    SELECT count(*) FROM batch
    """.format(**tables)


def views_fold(*, batch_size: int = 10_000, max_batches: int = 100) -> int:
    """Move buffered views into the daily counts, each exactly once; returns how many."""
    folded = 0
    for _batch in range(max_batches):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_fold_sql(), {"limit": batch_size})
            count = cursor.fetchone()[0]
        folded += count
        if count < batch_size:
            break
    visitors_prune()
    return folded


def visitors_prune() -> int:
    """Forget visitor hashes of past days once no buffered view can still need them."""
    keep_from = timezone.localdate() - timedelta(days=VISITOR_DAYS_KEPT)
    oldest = ViewEvent.objects.order_by("pk").values_list("day", flat=True).first()
    if oldest is not None:
        keep_from = min(keep_from, oldest)
    return DailyVisitor.objects.filter(day__lt=keep_from).delete()[0]


# Reads for the sidebar


def site_views_total() -> int:
    """All views counted here (folded ones); the widget adds the views from before the move."""
    return DailySiteViews.objects.aggregate(total=Sum("views"))["total"] or 0


def top_posts(*, days: int = 30, limit: int = 5):
    """The most read published posts of the last days, with their views as .period_views."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return list(
        Post.objects.published()
        .filter(daily_views__day__gte=since)
        .annotate(period_views=Sum("daily_views__views"))
        .only("title", "slug", "published_at")
        .order_by("-period_views", "-published_at")[:limit]
    )


# Reads for the dashboard


def days_between(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def fill_days(counts: dict, since: date, until: date) -> list[tuple[date, int]]:
    return [(day, counts.get(day, 0)) for day in days_between(since, until)]


def site_views_per_day(since: date, until: date) -> dict:
    rows = DailySiteViews.objects.filter(day__range=(since, until))
    return {
        "views": fill_days({row.day: row.views for row in rows}, since, until),
        "visitors": fill_days({row.day: row.visitors for row in rows}, since, until),
    }


def top_posts_since(since: date, limit: int = 10):
    return list(
        Post.objects.filter(daily_views__day__gte=since)
        .annotate(period_views=Sum("daily_views__views"))
        .only("title", "slug", "published_at", "status")
        .order_by("-period_views", "-published_at")[:limit]
    )


def top_referrers_since(since: date, limit: int = 10):
    return list(
        DailyReferrer.objects.filter(day__gte=since)
        .values("host")
        .annotate(views=Sum("views"))
        .order_by("-views", "host")[:limit]
    )


def per_day(queryset, field: str, since: date, until: date):
    """How many rows of queryset fall on each day (local time) of field, zeros included."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(day=TruncDate(field))
        .order_by()  # a manager's own ordering would split the groups
        .values("day")
        .annotate(n=Count("pk"))
    )
    return fill_days({row["day"]: row["n"] for row in rows}, since, until)


def likes_per_day(since: date, until: date):
    return per_day(Like.objects.all(), "created_at", since, until)


# Other features' models, found by name so that blog never imports them; None when absent.
FOLLOWER_MODELS = ["blog.Follower", "blog.Subscriber", "followers.Follower"]
FOLLOWER_DATE_FIELDS = ["confirmed_at", "subscribed_at", "created_at"]


def find_model(labels):
    for label in labels:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            continue
    return None


def field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


def followers_per_day(since: date, until: date):
    """New confirmed followers per day, if the followers feature is installed."""
    model = find_model(FOLLOWER_MODELS)
    if model is None:
        return None
    field = next((name for name in FOLLOWER_DATE_FIELDS if name in field_names(model)), None)
    if field is None:
        return None
    return per_day(model._default_manager.all(), field, since, until)


def comments_per_day(since: date, until: date):
    """Published comments per day, if a comments app is installed."""
    # COMMENTS_XTD_MODEL is a dotted path ("comments.models.Comment"); get_model wants "app.Model".
    path = getattr(settings, "COMMENTS_XTD_MODEL", "").split(".")
    labels = [f"{path[0]}.{path[-1]}"] if len(path) >= 2 else []
    model = find_model([*labels, "django_comments_xtd.XtdComment", "django_comments.Comment"])
    if model is None or "submit_date" not in field_names(model):
        return None
    names = field_names(model)
    visible = Q(is_public=True) if "is_public" in names else Q()
    if "is_removed" in names:
        visible &= Q(is_removed=False)
    return per_day(model._default_manager.filter(visible), "submit_date", since, until)


def bar_chart(series, *, width: int = 720, height: int = 200) -> dict:
    """Geometry of an SVG bar chart of (day, value) pairs: bars, grid lines, date labels."""
    top = nice_ceiling(max((value for _day, value in series), default=0))
    step = width / max(len(series), 1)
    bars = [
        {
            "x": round(n * step, 2),
            "w": round(max(step * 0.78, 0.8), 2),
            "y": round(height - height * value / top, 2),
            "h": round(height * value / top, 2),
            "day": day,
            "value": value,
        }
        for n, (day, value) in enumerate(series)
    ]
    grid = [{"value": top * k // 4, "y": round(height - height * k / 4, 2)} for k in range(5)]
    # Label each week of a month, each month of a quarter, every third month of a year.
    if len(series) <= 31:
        labels = bars[::7]
    else:
        labels = [bar for bar in bars if bar["day"].day == 1]
        labels = labels[::3] if len(labels) > 6 else labels
    return {
        "viewbox": f"-52 -8 {width + 60} {height + 30}",
        "width": width,
        "height": height,
        "label_y": height + 18,
        "bars": bars,
        "grid": grid,
        "labels": labels,
        "total": sum(value for _day, value in series),
    }


def nice_ceiling(value: int) -> int:
    """A round number at least value (and at least 4), for the chart's top line."""
    steps = sorted(f * 10**k for k in range(10) for f in (4, 8, 12, 20, 40, 60))
    return next(step for step in steps if step >= value)


DASHBOARD_PERIODS = (30, 90, 365)


def dashboard(days: int) -> dict:
    """Everything the editors' stats page shows for the last days, in a fixed number of queries."""
    until = timezone.localdate()
    since = until - timedelta(days=days - 1)
    site = site_views_per_day(since, until)
    others = [
        (_("New followers per day"), followers_per_day(since, until)),
        (_("Comments per day"), comments_per_day(since, until)),
        (_("Likes per day"), likes_per_day(since, until)),
    ]
    return {
        "days": days,
        "periods": DASHBOARD_PERIODS,
        "since": since,
        "until": until,
        "views_chart": bar_chart(site["views"]),
        "visitors_total": sum(value for _day, value in site["visitors"]),
        "all_time_views": site_views_total(),
        "top_posts": top_posts_since(since),
        "top_referrers": top_referrers_since(since),
        "small_charts": [
            {"title": title, "chart": bar_chart(series, width=380, height=110)}
            for title, series in others
            if series is not None
        ],
        "pending_views": ViewEvent.objects.count(),
    }
