from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def mention_endpoints(context, post):
    """<link rel="pingback"> and <link rel="webmention"> when the post takes pings, and the
    TrackBack address in the RDF comment that TrackBack clients (WordPress among them) look for.

    Also leaves the two addresses on the request, for comments.middleware to send the
    X-Pingback and Link headers without a second look at the post.
    """
    if not (post.is_public and post.pings_open):
        return ""
    pingback = f"{settings.SITE_URL}{reverse('mentions:xmlrpc')}"
    webmention = f"{settings.SITE_URL}{reverse('mentions:webmention')}"
    request = context.get("request")
    if request is not None:
        request.mention_endpoints = {"pingback": pingback, "webmention": webmention}
    permalink = f"{settings.SITE_URL}{post.get_absolute_url()}"
    return format_html(
        '<link rel="pingback" href="{}">\n  <link rel="webmention" href="{}">\n  <!--\n'
        '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">\n'
        '  <rdf:Description rdf:about="{}" dc:identifier="{}" dc:title="{}"'
        ' trackback:ping="{}" />\n  </rdf:RDF>\n  -->',
        pingback,
        webmention,
        permalink,
        permalink,
        post.title_text,
        permalink + "trackback/",  # comments.urls: the post's address + trackback/
    )
