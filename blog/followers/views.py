"""The reader's side of following: the form, the confirmation link, leaving with one click."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blog.crossorigin import origin_protected
from blog.followers import services as followers
from blog.ratelimit import client_ip

TEMPLATE = "followers/follow.html"


class FollowForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)

    def clean_email(self):
        try:
            return followers.normalize_email(self.cleaned_data["email"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def _back(request):
    """Where a one-click follow returns: the page the reader was on, if it is ours."""
    url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if safe else "/"


def _page(request, state, status=200, **context):
    return render(request, TEMPLATE, {"state": state, **context}, status=status)


@origin_protected  # no CSRF token: the sidebar's form is on pages cached for every reader
def follow(request):
    """GET: the form on a page of its own. POST: follow (signed in) or ask to confirm by email.

    Whatever the address, the answer is the same page, so nobody learns who follows.
    """
    if request.method != "POST":
        return _page(request, "form", form=FollowForm())
    if followers.ip_rate_limited(client_ip(request)):
        return _page(request, "limited", status=429)
    one_click = request.user.is_authenticated and not request.POST.get("email")
    if one_click and followers.follower_follow_user(user=request.user):
        return redirect(_back(request))
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _page(request, "form", status=400, form=form)
    followers.follower_subscribe(email=form.cleaned_data["email"])
    return redirect("followers:follow-sent")


def follow_sent(request):
    return _page(request, "sent")


def follow_confirm(request, token):
    """The link in the confirmation email: a page with a button (mail scanners only GET)."""
    follower = followers.follower_from_confirmation(token)
    if follower is None:
        return _page(request, "bad-confirm", status=400)
    if request.method == "POST":
        followers.follower_confirm(follower=follower)
        return _page(request, "confirmed", follower=follower)
    state = "confirmed" if follower.status == follower.Status.ACTIVE else "confirm"
    return _page(request, state, follower=follower)


@csrf_exempt  # the signed token is the proof; mail clients POST here with no cookie (RFC 8058)
def unsubscribe(request, token):
    """GET: a page with a button. POST: leave at once (the button, or a mail client's one-click).

    Only bad tokens count toward the rate limit: a mail provider sends many readers' one-click
    requests from the same few addresses.
    """
    follower = followers.follower_from_unsubscribe(token)
    if follower is None:
        limited = followers.ip_rate_limited(client_ip(request))
        return _page(request, "bad-unsubscribe", status=429 if limited else 404)
    if request.method == "POST":
        followers.follower_unsubscribe(follower=follower)
    state = "unsubscribe" if follower.status in follower.FOLLOWING else "unsubscribed"
    return _page(request, state, follower=follower)


@origin_protected
@require_POST
@login_required
def unfollow(request):
    followers.follower_leave_user(user=request.user)
    return redirect(_back(request))
