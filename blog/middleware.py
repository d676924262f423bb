import re

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from blog import generations, pagecache
from blog.models import SiteSettings


def nul_byte_middleware(get_response):
    """Answer 404 to an address and 400 to a query parameter holding a NUL character.

    PostgreSQL text cannot hold NUL (psycopg raises DataError: a 500), and no address or search
    of the blog has one, so such a request is refused before any view or middleware queries
    the database with it. Form fields need no check here: Django's CharField refuses NUL with a
    field error (ProhibitNullCharactersValidator).
    """

    def middleware(request):
        if "\x00" in request.path_info:
            raise Http404("No address of this blog holds a NUL character.")
        if any("\x00" in key or any("\x00" in v for v in values)
               for key, values in request.GET.lists()):  # fmt: skip
            return render(request, "400.html", status=400)
        return get_response(request)

    return middleware


def site_settings_middleware(get_response):
    """Give every request its site settings, read at most once and only when used."""

    def middleware(request):
        request.site_settings = SimpleLazyObject(SiteSettings.load)
        return get_response(request)

    return middleware


# WordPress's query-string addresses: /?p=123, /?page_id=, /?attachment_id=, /?cat=, /?author=.
# Posts and pages share one ID space there, and WordPress answers /?p= for a page too.
LEGACY_QUERY_KINDS = {
    "p": ("post", "page"),
    "page_id": ("page",),
    "attachment_id": ("attachment",),
    "cat": ("category",),
    "author": ("author",),
}
_WP_PAGED = re.compile(r"^(?P<base>.*/)page/(?P<page>\d+)/?$")
_WP_ID = re.compile(r"[1-9][0-9]{0,17}")  # WordPress IDs: positive, and fit a bigint


def _redirect(address, permanent):
    return (HttpResponsePermanentRedirect if permanent else HttpResponseRedirect)(address)


def legacy_redirect_middleware(get_response):
    """Send old WordPress addresses to where the same thing lives now, with a 301."""
    from blog import selectors

    def middleware(request):
        if request.path == "/" and request.method == "GET":
            for param, kinds in LEGACY_QUERY_KINDS.items():
                value = request.GET.get(param, "")
                if not _WP_ID.fullmatch(value):
                    continue
                # As on WordPress, an ID readers may not see (or that no one has) is not found.
                found = selectors.legacy_target(kinds=kinds, wp_id=int(value), user=request.user)
                if found is None:
                    raise Http404("No such post")
                return _redirect(*found)
        response = get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        paged = _WP_PAGED.match(request.path)
        if paged:
            return HttpResponsePermanentRedirect(f"{paged['base']}?page={paged['page']}")
        found = selectors.legacy_target(old_path=request.path, user=request.user)
        return _redirect(*found) if found else response

    return middleware


def page_cache_middleware(get_response):
    """Serve anonymous readers the pages in settings.PAGE_CACHE_VIEWS from the cache
    (blog.pagecache); inside the visitor count, so a page from the cache still counts. Any
    reader's GET of such a page runs knowing the cache's generation, so that what every reader
    sees alike (settings, sidebar, menu) is made once per generation (blog.generations.kept)."""

    def middleware(request):
        if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
            return pagecache.private(request, get_response(request))
        match = pagecache.cached_view(request.path_info)
        if match is None:  # /healthz, robots.txt, a form's endpoint: no round trip to the cache
            return get_response(request)
        if not pagecache.request_cacheable(request):
            with generations.generation_known(pagecache.reader_generation()):
                return pagecache.private(request, get_response(request))
        entry, generation = pagecache.lookup(request)
        if entry is not None:
            request.resolver_match = match
            request.counted_post_id = entry["counted_post_id"]
            pagecache.restore_attributes(request, entry)
            return pagecache.answer(request, pagecache.response_from(entry), entry)
        with generations.generation_known(generation):
            response = get_response(request)
        if not pagecache.storable(request, response):
            return pagecache.private(request, response)
        if generation is None:
            return response
        return pagecache.answer(request, response, pagecache.store(request, response, generation))

    return middleware
