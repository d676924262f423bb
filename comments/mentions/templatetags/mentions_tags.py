from html import escape  # the standard library's: Django's is lazy-aware and slower

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from blog.post_html import link

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
    pingback = f"{settings.SITE_URL}{link('mentions:xmlrpc')}"
    webmention = f"{settings.SITE_URL}{link('mentions:webmention')}"
    request = context.get("request")
    if request is not None:
        request.mention_endpoints = {"pingback": pingback, "webmention": webmention}
    permalink = escape(f"{settings.SITE_URL}{post.get_absolute_url()}")
    return mark_safe(
        f'<link rel="pingback" href="{escape(pingback)}">'
        f'\n  <link rel="webmention" href="{escape(webmention)}">\n  <!--\n'
        '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">\n'
        f'  <rdf:Description rdf:about="{permalink}" dc:identifier="{permalink}"'
        f' dc:title="{escape(post.title_text)}"'
        f' trackback:ping="{permalink}trackback/" />\n  </rdf:RDF>\n  -->'
    )  # trackback/: comments.urls, the post's address + trackback/
