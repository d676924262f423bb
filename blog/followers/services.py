"""Followers: subscribe with double opt-in, confirm, leave with one click, and the counts.

Every new post by email is blog.followers.deliveries; the CSV import and export are
blog.followers.csvfile and blog.followers.wpcom.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from blog import jobs, pagecache, ratelimit
from blog.followers.models import Follower
from blog.mail import blog_sender, header_text
from blog.models import SiteSettings

logger = logging.getLogger(__name__)

BOUNCE_LIMIT = 3  # permanent failures in a row before an address counts as bounced
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works this long
COUNT_CACHE_KEY = "followers:active-count"
# Follow requests: per network address, and confirmation emails per email address.
IP_LIMIT = (10, 3600)
ADDRESS_LIMITS = [(1, 10 * 60), (3, 24 * 3600)]
EMAIL_MAX_LENGTH = Follower._meta.get_field("email").max_length  # 254

_CONFIRM_SALT = "blog.followers.confirm"
_UNSUBSCRIBE_SALT = "blog.followers.unsubscribe"


class TransientSendError(Exception):
    """The mail server could not take messages just now; the batch is tried again later."""


# Addresses and tokens


def normalize_email(address: str) -> str:
    """The address as stored: trimmed, domain in lower case; raises ValidationError if bad,
    or longer than the 254 characters mail can be delivered to (RFC 5321) and stored in."""
    address = (address or "").strip()
    validate_email(address)
    if len(address) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            f"An address can have at most {EMAIL_MAX_LENGTH} characters (this one has "
            f"{len(address)})."
        )
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ValidationError("Use an address with only plain letters before the @.")
    return f"{local}@{domain.lower()}"


def confirmation_token(follower: Follower) -> str:
    return signing.dumps([follower.pk, follower.email.lower()], salt=_CONFIRM_SALT)


def follower_from_confirmation(token: str) -> Follower | None:
    """The follower a confirmation link is for; None when forged, expired or out of date."""
    try:
        pk, address = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    follower = Follower.objects.filter(pk=pk).first()
    return follower if follower and follower.email.lower() == address else None


def unsubscribe_token(follower_id: int) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(follower_id))


def follower_from_unsubscribe(token: str) -> Follower | None:
    try:
        pk = int(signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Follower.objects.filter(pk=pk).first()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url_maker():
    """A function of follower ids giving their unsubscribe addresses, reversed only once."""
    prefix, _, suffix = absolute(reverse("followers:unsubscribe", args=["-"])).rpartition("-")
    return lambda follower_id: f"{prefix}{unsubscribe_token(follower_id)}{suffix}"


def unsubscribe_url(follower_id: int) -> str:
    return unsubscribe_url_maker()(follower_id)


# Rate limits (blog.ratelimit: counted in Postgres, clients kept only as hashes)


def ip_rate_limited(ip: str) -> bool:
    limit, window = IP_LIMIT
    return ratelimit.hit("follow-ip", ip, limit=limit, window=window)


def address_rate_limited(address: str) -> bool:
    """True when this address had its share of confirmation emails lately."""
    results = [
        ratelimit.hit("follow-email", address.lower(), limit=limit, window=window)
        for limit, window in ADDRESS_LIMITS
    ]
    return any(results)


# Following and leaving


def _defer_confirmation(follower: Follower) -> None:
    pk = follower.pk
    task = jobs.task("blog.followers.tasks.send_follower_confirmation")
    transaction.on_commit(lambda: task.defer(follower_id=pk))


def follower_subscribe(*, email: str, source: str = Follower.Source.WIDGET) -> Follower:
    """Ask the address to confirm it wants to follow; already following changes nothing.

    Callers answer the same whatever happened here, so a stranger learns nothing about who
    follows; the per-address limit keeps the form from mail-bombing anyone.
    """
    email = normalize_email(email)
    with transaction.atomic():
        Follower.objects.bulk_create(
            [Follower(email=email, source=source, status=Follower.Status.PENDING)],
            ignore_conflicts=True,
        )
        follower = Follower.objects.with_email(email).get()
        if follower.status != Follower.Status.ACTIVE and not address_rate_limited(email):
            _defer_confirmation(follower)
    return follower


def follower_resend_confirmation(*, followers) -> int:
    """Send the confirmation again to those still waiting (the admin's action)."""
    waiting = list(followers.filter(status=Follower.Status.PENDING))
    for follower in waiting:
        _defer_confirmation(follower)
    return len(waiting)


def follower_confirm(*, follower: Follower) -> Follower:
    if follower.status != Follower.Status.ACTIVE:
        follower.status = Follower.Status.ACTIVE
        follower.confirmed_at = timezone.now()
        follower.left_at = None
        follower.bounces = 0
        follower.save(update_fields=["status", "confirmed_at", "left_at", "bounces"])
    return follower


def follower_unsubscribe(*, follower: Follower) -> Follower:
    if follower.status in Follower.FOLLOWING:
        follower.status = Follower.Status.UNSUBSCRIBED
        follower.left_at = timezone.now()
        follower.save(update_fields=["status", "left_at"])
    return follower


def follower_for_user(user) -> Follower | None:
    """The signed-in reader's follower row: linked to the account, else with its address."""
    if not user.is_authenticated:
        return None
    follower = Follower.objects.filter(user=user).first()
    if follower is None and user.email:
        follower = Follower.objects.with_email(user.email).first()
    return follower


def follower_follow_user(*, user) -> Follower | None:
    """Signed-in readers follow with one click: their account's address needs no confirming."""
    if not user.email:
        return None
    email = normalize_email(user.email)
    with transaction.atomic():
        follower = follower_for_user(user) or Follower(email=email, source=Follower.Source.WIDGET)
        follower.user = user
        follower.save()
        return follower_confirm(follower=follower)


def follower_leave_user(*, user) -> Follower | None:
    follower = follower_for_user(user)
    return follower_unsubscribe(follower=follower) if follower else None


def is_following(user) -> bool:
    follower = follower_for_user(user)
    return follower is not None and follower.status == Follower.Status.ACTIVE


def active_count() -> int:
    """Active followers, kept in the cache until anything readers see changes (blog.pagecache):
    a new or departed follower changes it at once."""
    return pagecache.shared_value(COUNT_CACHE_KEY, lambda: Follower.objects.active().count())


def counts_by_status() -> dict:
    rows = Follower.objects.values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Follower.Status.values, 0) | dict(rows)
    return {"total": sum(counts.values()), **counts}


def confirmation_send(*, follower_id: int) -> bool:
    """Email the confirmation link to a follower who has not confirmed; True if sent."""
    follower = Follower.objects.filter(pk=follower_id).exclude(status=Follower.Status.ACTIVE)
    follower = follower.first()
    if follower is None:
        return False
    site = SiteSettings.load()
    confirm_path = reverse("followers:follow-confirm", args=[confirmation_token(follower)])
    context = {
        "site_title": site.title,
        "site_url": settings.SITE_URL,
        "confirm_url": absolute(confirm_path),
        "days": CONFIRM_MAX_AGE // (24 * 3600),
    }
    message = EmailMultiAlternatives(
        header_text(f"Confirm that you want to follow {site.title}"),
        render_to_string("followers/email/follow_confirm.txt", context),
        blog_sender(),
        [follower.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    html_body = render_to_string("followers/email/follow_confirm.html", context)
    message.attach_alternative(html_body, "text/html")
    message.send()
    return True


# Import and export
