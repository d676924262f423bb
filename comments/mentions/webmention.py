"""The Webmention endpoint (W3C Recommendation): cheap checks now, 202, verification by a task."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt

from blog.ratelimit import client_ip
from comments.mentions import services as mentions
from comments.mentions import sources
from comments.mentions.models import MentionRequest


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
def endpoint(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], "Send a webmention with POST: source and target.")
    ip = client_ip(request)
    source, target = request.POST.get("source", ""), request.POST.get("target", "")
    if sources.ip_rate_limited(ip) or (source and sources.source_rate_limited(source)):
        return _text("Too many webmentions; try again later.", 429)
    try:
        wm = mentions.webmention_accept(source=source, target=target, ip=ip)
    except sources.MentionError as error:
        return _text(str(error), 400)
    status_url = f"{settings.SITE_URL}{wm.get_absolute_url()}"
    response = _text(f"Accepted: the source will be verified. Status: {status_url}", 202)
    response["Location"] = status_url
    return response


def status(request, token):
    """What became of a webmention, for its sender (the address is only known to them)."""
    wm = get_object_or_404(MentionRequest.objects.select_related("comment"), token=token)
    context = {"wm": wm, "source_host": urlsplit(wm.source).hostname}
    return render(request, "mentions/webmention_status.html", context)
