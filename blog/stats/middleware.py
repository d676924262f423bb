from django.conf import settings

from blog.stats import services as stats


def count_views_middleware(get_response):
    """Count reader page views (blog.stats.services); settings.COUNT_VIEWS = False turns it off.

    Any request, counted or not (a health check too), writes this process's waiting views when
    they are due, so they do not wait in a process that serves only other addresses."""

    def middleware(request):
        response = get_response(request)
        if settings.COUNT_VIEWS and stats.should_count(request, response):
            stats.view_record(request, post_id=getattr(request, "counted_post_id", None))
        stats.views_flush_due()
        return response

    return middleware
