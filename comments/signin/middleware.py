from django.conf import settings


def signin_form_action_middleware(get_response):
    """A page that shows sign-in buttons lets its forms go on to those providers: starting a
    sign-in posts here and is redirected there, and Chromium holds the redirect to the CSP's
    form-action. The buttons' template tag names the origins (request.signin_origins)."""

    def middleware(request):
        response = get_response(request)
        origins = getattr(request, "signin_origins", None)
        if origins and not hasattr(response, "_csp_config"):
            policy = dict(settings.SECURE_CSP)
            policy["form-action"] = [*policy.get("form-action", []), *sorted(origins)]
            response._csp_config = policy  # read by Django's ContentSecurityPolicyMiddleware
        return response

    return middleware
