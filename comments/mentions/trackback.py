"""Receiving TrackBacks (the TrackBack 1.2 spec, as WordPress's wp-trackback.php answers them).

Another blog POSTs `url` (and optionally `title`, `excerpt`, `blog_name`) to a post's address
plus `trackback/`. The answer is the spec's small XML document, `<error>0</error>` once the ping
is accepted, `<error>1</error>` with a message otherwise. Nothing the sender says about its page
is believed: a task fetches `url` with the same limits as a webmention's source, checks that it
links to the post, and stores it as a comment of kind trackback with the page's own title and the
text around the link, through the comment moderation rules.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from blog.ratelimit import client_ip
from comments.mentions import services as mentions
from comments.mentions import sources
from comments.mentions.models import MentionRequest

SUFFIX = "trackback/"


def _answer(message: str = "") -> HttpResponse:
    """The spec's response: error 0 alone, or error 1 and a message (status 200 either way)."""
    body = (
        f"<error>1</error>\n<message>{escape(message)}</message>" if message else "<error>0</error>"
    )
    return HttpResponse(
        f'<?xml version="1.0" encoding="utf-8"?>\n<response>\n{body}\n</response>\n',
        content_type="text/xml; charset=utf-8",
    )


@csrf_exempt
def endpoint(request, year, month, day, slug):
    if request.method != "POST":
        response = _answer("Send a TrackBack ping with POST.")
        response.status_code = 405
        response["Allow"] = "POST"
        return response
    ip, source = client_ip(request), request.POST.get("url", "").strip()
    if not source:
        return _answer("A TrackBack ping needs the url of the page that links here.")
    if any("\x00" in value for value in request.POST.values()):
        return _answer("A TrackBack field contains a NUL character.")
    if sources.ip_rate_limited(ip) or sources.source_rate_limited(source):
        return _answer("Too many pings; try again later.")
    target = settings.SITE_URL + request.path.removesuffix(SUFFIX)
    try:
        mentions.webmention_accept(
            source=source, target=target, ip=ip, protocol=MentionRequest.Protocol.TRACKBACK
        )
    except sources.MentionError as error:
        return _answer(str(error))
    return _answer()
