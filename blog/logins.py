"""Every log-in, sign-up and password-reset form refuses a flood (per network address and per
account name tried), and failed log-ins are recorded for editors (admin: *Failed log-ins*).

The counters are blog.ratelimit's, in Postgres, so the limits hold across every web process.
A name is counted as well as an address because a botnet tries one account from many
addresses; the cost is that a flood against one name also holds its owner back for the window.
"""

from functools import wraps
from ipaddress import ip_address

from django.shortcuts import render

from blog import ratelimit
from blog.models import FailedLogin

# (attempts, seconds) per address and per account name, for each kind of form.
LIMITS = {"login": (10, 600), "signup": (5, 3600), "password-reset": (5, 3600)}
# The posted field that names the account each kind of form is about.
ACCOUNT_FIELD = {"login": "username", "signup": "username", "password-reset": "email"}


def attempt_refused(request, scope: str) -> bool:
    """Count one POST of a scope form ("login", "signup", "password-reset"); True when its
    address or the account it names made more than LIMITS[scope] in the window."""
    limit, window = LIMITS[scope]
    by_address = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=window)
    name = request.POST.get(ACCOUNT_FIELD[scope], "").strip().casefold()[:254]
    by_name = bool(name) and ratelimit.hit(f"{scope}-name", name, limit=limit, window=window)
    if (by_address or by_name) and scope == "login":
        record_failure(request, name, FailedLogin.Outcome.THROTTLED)
    return by_address or by_name


def throttled(scope: str):
    """View decorator: a POST past attempt_refused's limit gets 429 and a page that says to
    wait, before the view (and the password check) runs."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and attempt_refused(request, scope):
                return render(request, "registration/rate_limited.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def record_failure(request, username: str, outcome: str) -> None:
    """Keep one FailedLogin row (name tried, address, page) for the editors' list."""
    address = ratelimit.client_ip(request) if request is not None else ""
    try:
        address = str(ip_address(address))
    except ValueError:
        address = None
    path = request.path[:200] if request is not None else ""
    FailedLogin.objects.create(
        username=username[:150], ip_address=address, path=path, outcome=outcome
    )


def login_failed(sender, credentials, request=None, **kwargs):
    """user_login_failed receiver: record the wrong name or password."""
    record_failure(request, str(credentials.get("username", "")), FailedLogin.Outcome.WRONG)
