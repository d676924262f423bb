from allauth.socialaccount.adapter import get_adapter
from django import template

from comments.signin.providers import authorize_origin

register = template.Library()


def allow_form_action(request, providers) -> None:
    """Let this page's sign-in forms be redirected to these providers (middleware.py)."""
    origins = getattr(request, "signin_origins", set())
    request.signin_origins = origins | {authorize_origin(provider) for provider in providers}


@register.simple_tag(takes_context=True)
def signin_offered(context) -> bool:
    """Whether signin_buttons shows any button here: the comment form offers "click an icon"
    only then."""
    return bool(get_adapter().list_providers(context["request"]))


@register.inclusion_tag("signin/_buttons.html", takes_context=True)
def signin_buttons(context, next_url="", lead="", after=""):
    """A button for each provider that has a client id (admin or environment), in the order
    of comments.signin.providers; each starts the sign-in by POST, without a CSRF token (the
    buttons are on cached pages; comments.signin.views checks where the post comes from).
    lead and after are lines shown before and after the buttons, when there are any."""
    request = context["request"]
    providers = get_adapter().list_providers(request)
    allow_form_action(request, providers)
    buttons = [
        {
            "id": provider.id,
            "name": provider.name,
            "url": provider.get_login_url(request),
            "icon": f"signin/{provider.id}.svg",
        }
        for provider in providers
    ]
    return {
        "providers": buttons,
        "next": next_url,
        "lead": lead,
        "after": after,
    }


@register.simple_tag(takes_context=True)
def signin_form_action(context, provider):
    """On allauth's "continue to the provider" page: its form goes on to that provider."""
    allow_form_action(context["request"], [provider])
    return ""


@register.simple_tag
def signin_provider_name(user):
    """The provider the reader last signed in with ("Google"), or "" for a password account."""
    account = user.socialaccount_set.order_by("-last_login").first()
    return account.get_provider().name if account else ""
