"""The site's addresses plus three that fail on purpose, to show the 400, 403 and 500 pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fail(request, status):
    if status == 400:
        raise SuspiciousOperation("a malformed request")
    if status == 403:
        raise PermissionDenied
    raise RuntimeError("a bug")


urlpatterns = [path("test-errors/<int:status>/", fail), *urlpatterns]
