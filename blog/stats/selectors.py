"""Reading the visitor statistics: totals, top posts, the editors' dashboard."""

from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from blog.stats.models import (
    DailyReferrer,
    DailySiteViews,
    Like,
    ViewEvent,
)


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


def desk_views(request) -> dict | None:
    """The desk's panel: views today and in the last seven days, and that week's top posts
    (counted views; those not folded into the daily tables yet come with the next fold)."""
    if not request.user.has_perm("stats.view_stats"):
        return None
    today = timezone.localdate()
    week = DailySiteViews.objects.filter(day__gt=today - timedelta(days=7))
    totals = week.aggregate(week=Sum("views"), today=Sum("views", filter=Q(day=today)))
    return {
        "today": totals["today"] or 0,
        "week": totals["week"] or 0,
        "top_posts": top_posts(days=7, limit=5),
    }
