from django.utils.functional import SimpleLazyObject

from blog.models import SiteSettings


def site_settings_middleware(get_response):
    """Give every request its site settings, read at most once and only when used."""

    def middleware(request):
        request.site_settings = SimpleLazyObject(SiteSettings.load)
        return get_response(request)

    return middleware
