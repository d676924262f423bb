def mention_headers_middleware(get_response):
    """X-Pingback and Link: rel=webmention on post pages that take pings.

    The post page's template (comments.templatetags.mentions_tags) says whether the post takes
    pings and where; blog's views know nothing of comments.
    """

    def middleware(request):
        response = get_response(request)
        endpoints = getattr(request, "mention_endpoints", None)
        if endpoints and response.status_code == 200:
            response["X-Pingback"] = endpoints["pingback"]
            link = f'<{endpoints["webmention"]}>; rel="webmention"'
            if response.has_header("Link"):
                link = f"{response['Link']}, {link}"
            response["Link"] = link
        return response

    return middleware
