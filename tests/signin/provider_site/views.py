"""The provider's people, their claims and the profile endpoints in each provider's shape."""

import io
import os
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model, login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from oauth2_provider.decorators import protected_resource
from oauth2_provider.oauth2_validators import OAuth2Validator
from PIL import Image

# Who can sign in here; "una" has an address nobody confirmed.
PEOPLE = {
    "ada": {"name": "Ada Lovelace", "email": "ada@example.com", "verified": True, "colour": "#b04"},
    "una": {"name": "Una Known", "email": "una@example.com", "verified": False, "colour": "#06b"},
}


def person(user) -> dict:
    return PEOPLE[user.username]


def avatar_url(request, user) -> str:
    return request.build_absolute_uri(f"/avatars/{user.username}.png")


class Validator(OAuth2Validator):
    """OpenID Connect claims as Google gives them."""

    def get_additional_claims(self, request):
        user, about = request.user, person(request.user)
        return {
            "name": about["name"],
            "given_name": about["name"].split()[0],
            "family_name": about["name"].split()[-1],
            "email": about["email"],
            "email_verified": about["verified"],
            "picture": f"{os.environ['PROVIDER_BASE']}/avatars/{user.username}.png",
        }


def sign_in_page(request):
    """Who are you? A link per person (this provider has no passwords)."""
    next_url = request.GET.get("next", "/")
    return render(request, "provider_login.html", {"people": PEOPLE, "next": next_url})


def login_as(request, username):
    user = get_user_model().objects.get(username=username)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    next_url = request.GET.get("next", "/")
    return redirect(next_url if not urlsplit(next_url).netloc else "/")


def avatar(request, username):
    out = io.BytesIO()
    Image.new("RGB", (256, 256), PEOPLE[username]["colour"]).save(out, "PNG")
    return HttpResponse(out.getvalue(), content_type="image/png")


@protected_resource()
def facebook_me(request):
    user, about = request.resource_owner, person(request.resource_owner)
    first, last = about["name"].split()
    picture = {"data": {"url": avatar_url(request, user), "width": 192, "height": 192}}
    return JsonResponse({"id": str(1000 + user.pk), "name": about["name"], "first_name": first,
                         "last_name": last, "email": about["email"], "picture": picture})  # fmt: skip


@protected_resource()
def x_me(request):
    user, about = request.resource_owner, person(request.resource_owner)
    data = {"id": str(2000 + user.pk), "name": about["name"], "username": user.username,
            "profile_image_url": avatar_url(request, user)}  # fmt: skip
    if about["verified"]:
        data["confirmed_email"] = about["email"]
    return JsonResponse({"data": data})


@protected_resource()
def wordpress_me(request):
    user, about = request.resource_owner, person(request.resource_owner)
    return JsonResponse({"ID": 3000 + user.pk, "display_name": about["name"],
                         "username": user.username, "email": about["email"],
                         "email_verified": about["verified"],
                         "avatar_URL": avatar_url(request, user),
                         "profile_URL": f"https://{user.username}.example.com"})  # fmt: skip
