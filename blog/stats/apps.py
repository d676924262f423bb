from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Visitor counts, likes, and the editors' stats dashboard."""

    name = "blog.stats"
    label = "stats"
    verbose_name = _("Visits and likes")

    def ready(self):
        from blog import desk, pagecache, widgets
        from blog import selectors as blog_selectors
        from blog.stats import likes, selectors

        blog_selectors.post_page_columns.update(likes.PAGE_COLUMNS)

        top = ("top_posts", selectors.top_posts)
        widgets.register(
            "top-posts", _("Top posts (most read in 30 days)"), "stats/_widget_top_posts.html",
            context=top,
        )  # fmt: skip
        # Views are logged in batches per process; pages change when the worker folds the log
        # into the daily counts (top posts, visitor count), and that write ends the cached pages.
        # Unique-visitor hashes and referrers are for the editors' dashboard only.
        pagecache.ignore_tables("blog_viewevent", "blog_dailyvisitor", "blog_dailyreferrer")
        total = ("visitor_count", selectors.site_views_total)
        widgets.register(
            "visitor-count", _("Visitor count"), "stats/_widget_visitor_count.html", context=total
        )
        desk.register("views", _("Views"), "admin/stats/_desk.html", selectors.desk_views, order=30)
