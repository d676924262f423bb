"""Followers: subscribe with double opt-in, leave with one click, every new post by email.

When a post goes live, a planning task writes the delivery ledger (one row per post and active
follower, unique, so writing it twice adds nothing) and queues one send task per batch of
followers. A send task opens one SMTP connection and sends its rows one at a time: each row is
locked (FOR UPDATE SKIP LOCKED, so two workers never send the same row) and marked sent in the
same short transaction that commits right after the server accepted the message. A worker
killed mid-batch loses only that one open transaction: the row goes back to queued and is sent
again when Procrastinate retries the stalled job (blog.tasks.retry_stalled_jobs) — at worst one
duplicate per open connection, and nobody skipped. Several workers share a post's batches, and
would share even one batch without overlap.
"""

import contextlib
import csv
import html
import io
import logging
import re
import smtplib
import textwrap
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from blog import ratelimit
from blog.followers_mail import UNSUBSCRIBE_MARK, PostMailing, Sender, is_permanent
from blog.models import Delivery, Follower, Post, SiteSettings

logger = logging.getLogger(__name__)

BATCH_SIZE = 250  # followers per send task, and per SMTP connection
BOUNCE_LIMIT = 3  # permanent failures in a row before an address counts as bounced
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works this long
COUNT_CACHE_KEY = "followers:active-count"
COUNT_CACHE_SECONDS = 120
# Follow requests: per network address, and confirmation emails per email address.
IP_LIMIT = (10, 3600)
ADDRESS_LIMITS = [(1, 10 * 60), (3, 24 * 3600)]

_CONFIRM_SALT = "blog.followers.confirm"
_UNSUBSCRIBE_SALT = "blog.followers.unsubscribe"


class TransientSendError(Exception):
    """The mail server could not take messages just now; the batch is tried again later."""


# Addresses and tokens


def normalize_email(address: str) -> str:
    """The address as stored: trimmed, domain in lower case; raises ValidationError if bad."""
    address = (address or "").strip()
    validate_email(address)
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
    prefix, _, suffix = absolute(reverse("blog:unsubscribe", args=["-"])).rpartition("-")
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
    from blog.tasks import send_follower_confirmation

    pk = follower.pk
    transaction.on_commit(lambda: send_follower_confirmation.defer(follower_id=pk))


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
    """Active followers, from the cache: the widget's number may be two minutes old."""
    count = cache.get(COUNT_CACHE_KEY)
    if count is None:
        count = Follower.objects.active().count()
        cache.set(COUNT_CACHE_KEY, count, COUNT_CACHE_SECONDS)
    return count


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
    confirm_path = reverse("blog:follow-confirm", args=[confirmation_token(follower)])
    context = {
        "site_title": site.title,
        "site_url": settings.SITE_URL,
        "confirm_url": absolute(confirm_path),
        "days": CONFIRM_MAX_AGE // (24 * 3600),
    }
    message = EmailMultiAlternatives(
        f"Confirm that you want to follow {site.title}",
        render_to_string("blog/email/follow_confirm.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [follower.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    html_body = render_to_string("blog/email/follow_confirm.html", context)
    message.attach_alternative(html_body, "text/html")
    message.send()
    return True


# Import and export


@dataclass
class ImportResult:
    added: list = field(default_factory=list)
    existing: int = 0
    invalid: list = field(default_factory=list)


def addresses_from_csv(text: str) -> list[str]:
    """The addresses in a CSV: the "email" column when there is a header, else the first."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((i for i, name in enumerate(header) if name in ("email", "e-mail")), None)
    if column is None:
        cells = [row[0] for row in rows]
    else:
        cells = [row[column] for row in rows[1:] if len(row) > column]
    return [cell.strip().removeprefix("'") for cell in cells]  # "'" as our export adds it


def followers_import(*, addresses, must_confirm: bool) -> ImportResult:
    """Add the new addresses (existing ones stay as they are); confirm by email if asked to."""
    result, new = ImportResult(), {}
    for address in addresses:
        try:
            email = normalize_email(address)
        except ValidationError:
            result.invalid.append(address)
            continue
        new.setdefault(email.lower(), email)
    now = timezone.now()
    status = Follower.Status.PENDING if must_confirm else Follower.Status.ACTIVE
    lowered = Follower.objects.alias(email_lower=Lower("email"))
    keys = list(new)
    with transaction.atomic():
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            known = lowered.filter(email_lower__in=chunk).values_list(Lower("email"), flat=True)
            known = set(known)
            result.existing += len(known)
            fresh = [new[key] for key in chunk if key not in known]
            Follower.objects.bulk_create(
                [
                    Follower(email=email, status=status, source=Follower.Source.IMPORT,
                             subscribed_at=now, confirmed_at=None if must_confirm else now)
                    for email in fresh
                ],
                ignore_conflicts=True,
            )  # fmt: skip
            added = lowered.filter(email_lower__in=[email.lower() for email in fresh])
            result.added += added.filter(subscribed_at=now).values_list("pk", flat=True)
        if must_confirm:
            _defer_confirmations(result.added)
    return result


def _defer_confirmations(follower_ids) -> None:
    from blog.tasks import send_follower_confirmations

    task = send_follower_confirmations
    for start in range(0, len(follower_ids), BATCH_SIZE):
        chunk = list(follower_ids[start : start + BATCH_SIZE])
        transaction.on_commit(lambda chunk=chunk: task.defer(follower_ids=chunk))


EXPORT_FIELDS = ["email", "status", "source", "subscribed_at", "confirmed_at", "left_at"]


def followers_csv(followers):
    """The CSV lines of an export, one at a time, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield line(EXPORT_FIELDS)
    for row in followers.order_by("pk").values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
        yield line([_csv_cell(value) for value in row])


def _csv_cell(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # An address like =1+2@example.com is valid; a spreadsheet must not take it for a formula.
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA) else value


_FORMULA = ("=", "+", "-", "@")


# The new-post email


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figure|figcaption|pre|tr|ul|ol)>|<br\s*/?>")
_RELATIVE_LINK = re.compile(r'\b(src|href)="/(?!/)')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')


def html_to_text(body: str) -> str:
    """Readable plain text of a post body: paragraphs kept, lines wrapped at 72."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n\n", body)))
    paragraphs = [" ".join(part.split()) for part in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(part, 72) for part in paragraphs if part)


def absolute_links(body: str) -> str:
    """Mail clients have no page address to resolve /media/... against: make links absolute."""
    body = _RELATIVE_LINK.sub(rf'\1="{settings.SITE_URL}/', body)
    return _SRCSET.sub(lambda match: f'srcset="{_absolute_srcset(match.group(1))}"', body)


def _absolute_srcset(value: str) -> str:
    candidates = [candidate.strip() for candidate in value.split(",")]
    return ", ".join(
        f"{settings.SITE_URL}{c}" if c.startswith("/") and not c.startswith("//") else c
        for c in candidates
    )


def email_image(post: Post) -> dict | None:
    from blog import media

    image = media.post_email_image(post)
    legacy = getattr(post, "featured_image", None)  # the field from before the image library
    if image is None and legacy:
        image = {"url": media.absolute_url(legacy.url), "alt": ""}
    return image


def post_mailing(post: Post) -> PostMailing:
    """The post as its followers receive it, rendered once for the whole batch."""
    site = SiteSettings.load()
    post_url = absolute(post.get_absolute_url())
    context = {
        "post": post,
        "site_title": site.title,
        "site_url": settings.SITE_URL,
        "post_url": post_url,
        "comments_url": f"{post_url}#respond",
        "image": email_image(post),
        "full_post": site.follower_email_full_post,
        "body_html": absolute_links(post.body),
        "body_text": html_to_text(post.body),
        "excerpt": post.summary(55),
        "excerpt_text": textwrap.fill(post.summary(55), 72),
        "unsubscribe_url": UNSUBSCRIBE_MARK,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return PostMailing(
        subject=post.title,
        text=render_to_string("blog/email/new_post.txt", context),
        html=render_to_string("blog/email/new_post.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        list_id=f"{site.title} <followers.{domain}>",
        domain=domain,
    )


def post_send_test(*, post_id: int, email: str) -> None:
    """Send an editor the post as followers will get it (the unsubscribe link does nothing)."""
    post = Post.objects.get(pk=post_id)
    mailing = post_mailing(post)
    message = mailing.django_message(to=email, unsubscribe_url=f"{settings.SITE_URL}/")
    message.subject = f"[Test] {message.subject}"
    message.send()


# Fan-out


def on_post_published(sender, post, **kwargs):
    """post_published receiver: plan the emails once the announcement commits."""
    from blog.tasks import plan_post_deliveries

    post_id = post.pk
    transaction.on_commit(lambda: plan_post_deliveries.defer(post_id=post_id))


def deliveries_plan(*, post_id: int) -> int:
    """Write the ledger for every active follower and queue a send task per batch.

    Safe to run again: existing rows stay as they are, and a batch gets a task only while it
    has rows waiting (the queueing lock keeps a second one out while the first waits).
    """
    from procrastinate.exceptions import AlreadyEnqueued

    from blog.tasks import send_post_batch

    if not Post.objects.filter(pk=post_id).exists():
        return 0
    active = Follower.objects.filter(status=Follower.Status.ACTIVE).order_by("pk")
    last, batches = 0, 0
    while ids := list(active.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH_SIZE]):
        rows = [Delivery(post_id=post_id, follower_id=pk) for pk in ids]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        first, last = ids[0], ids[-1]
        waiting = waiting_in_batch(post_id, first, last)
        if waiting.exists():
            lock = f"followers:{post_id}:{first}"
            try:
                send_post_batch.configure(queueing_lock=lock).defer(
                    post_id=post_id, first_id=first, last_id=last
                )
            except AlreadyEnqueued:
                continue
            batches += 1
    return batches


def waiting_in_batch(post_id, first_id, last_id):
    """The post's ledger rows still waiting, of the followers with ids first_id..last_id."""
    return Delivery.objects.filter(
        post_id=post_id,
        follower__gte=first_id,
        follower__lte=last_id,
        status=Delivery.Status.QUEUED,
    )


_CLAIM = """
UPDATE {table} SET status = 'sent', sent_at = clock_timestamp(), attempts = attempts + 1
 WHERE id = (SELECT id FROM {table} WHERE id = %s AND status = 'queued' FOR UPDATE SKIP LOCKED)
RETURNING id
"""


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _waiting_rows(post_id, first_id, last_id):
    rows = waiting_in_batch(post_id, first_id, last_id).values_list(
        "pk", "follower_id", "follower__email", "follower__status", "follower__bounces"
    )
    rows = list(rows.order_by("follower_id"))
    gone = [row[0] for row in rows if row[3] != Follower.Status.ACTIVE]
    if gone:  # left since the post went out: nothing to send them
        Delivery.objects.filter(pk__in=gone, status=Delivery.Status.QUEUED).delete()
    return [row for row in rows if row[3] == Follower.Status.ACTIVE]


@contextlib.contextmanager
def _commits_without_waiting_for_disk():
    """This session's commits return before the WAL reaches the disk (about 4x faster here).

    Safe for the ledger: a worker that dies loses nothing the server committed; only a crash of
    PostgreSQL itself can forget the last fraction of a second of "sent" marks, and those rows
    go back to queued and are sent again: a few duplicates, never anyone skipped.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _claim_and_send(sender, pk, **message) -> bool:
    """Lock the row, send, mark it sent: committed right after the server took the message."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM.format(table=Delivery._meta.db_table), [pk])
            if cursor.fetchone() is None:
                return False  # sent already, or another worker is sending it now
        sender.send(**message)
    return True


def _record_permanent(pk, follower_id, error) -> None:
    Delivery.objects.filter(pk=pk, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.FAILED, attempts=F("attempts") + 1, last_error=str(error)[:500]
    )
    Follower.objects.filter(pk=follower_id).update(bounces=F("bounces") + 1)
    Follower.objects.filter(
        pk=follower_id, status=Follower.Status.ACTIVE, bounces__gte=BOUNCE_LIMIT
    ).update(status=Follower.Status.BOUNCED, left_at=timezone.now())


def _give_up(post_id, first_id, last_id, error) -> None:
    waiting_in_batch(post_id, first_id, last_id).update(
        status=Delivery.Status.FAILED, last_error=f"Gave up: {error}"[:500]
    )


def deliveries_send_batch(
    *, post_id: int, first_id: int, last_id: int, last_attempt: bool = False
) -> BatchResult:
    """Send the post to the batch's followers still waiting, over one SMTP connection.

    A 5xx reply fails that follower's row (and counts toward bouncing the address); anything
    else (4xx, lost connection) raises TransientSendError so the task is retried later, or, on
    its last attempt, fails the rows still waiting.
    """
    result = BatchResult()
    rows = _waiting_rows(post_id, first_id, last_id)
    if not rows:
        return result
    mailing = post_mailing(Post.objects.get(pk=post_id))
    link = unsubscribe_url_maker()
    try:
        with _commits_without_waiting_for_disk(), Sender(mailers.default, mailing) as sender:
            for pk, follower_id, address, _status, bounces in rows:
                try:
                    sent = _claim_and_send(
                        sender, pk, to=address, unsubscribe_url=link(follower_id),
                        message_key=f"post{post_id}.follower{follower_id}",
                    )  # fmt: skip
                except smtplib.SMTPException as error:
                    if not is_permanent(error):
                        raise
                    _record_permanent(pk, follower_id, error)
                    result.failed += 1
                    continue
                result.sent += sent
                result.skipped += not sent
                if sent and bounces:
                    Follower.objects.filter(pk=follower_id).update(bounces=0)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Post %s, followers %s-%s: %s", post_id, first_id, last_id, error)
        if last_attempt:
            _give_up(post_id, first_id, last_id, error)
            return result
        waiting_in_batch(post_id, first_id, last_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
        raise TransientSendError(str(error)) from error
    return result


def delivery_progress(post: Post) -> dict:
    """Sent, waiting and failed emails of a post, in one query."""
    counts = Delivery.objects.filter(post=post).aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        queued=Count("pk", filter=Q(status=Delivery.Status.QUEUED)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
    )
    total = sum(counts.values())
    done = counts["sent"] + counts["failed"]
    return {**counts, "total": total, "percent": round(100 * done / total) if total else 0}
