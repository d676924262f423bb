"""The latest public posts of the Mastodon accounts in the blog's Follow box (issue 18).

A task (tasks.fetch_mastodon_statuses) reads them through the safe fetcher (fetch.py: public
addresses only, 5 s, 1 MB) from Mastodon's public API, `GET /api/v1/accounts/lookup?acct=` then
`GET /api/v1/accounts/:id/statuses`, and keeps the newest few in MastodonStatus with their
HTML sanitised (nh3). Whatever goes wrong (the server down, bad JSON, a missing account) keeps
what was stored before; the box shows its follow link in any case.
"""

import html
import json
import logging
from datetime import datetime
from urllib.parse import quote, urlsplit

import nh3
from django.db import transaction
from django.utils.html import escape

from blog import jobs, selectors
from blog.models import SocialProfile
from comments.mentions import fetch
from comments.mentions.models import MastodonStatus

logger = logging.getLogger(__name__)

SHOWN = 3  # posts kept and shown per account
MAX_CONTENT = 20_000  # characters of a post's HTML read at most; a toot is 500 by default
MAX_TEXT = 600  # characters of a post's text shown at most
_cleaner = nh3.Cleaner(
    tags={"p", "br", "a", "span"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https"},
    link_rel="noopener nofollow ugc",
    strip_comments=True,
)


class Unavailable(Exception):
    """The account's posts could not be read this time; str() says why, for the log."""


def api_base(profile: SocialProfile) -> tuple[str, str] | None:
    """(server address, user name) of a Mastodon profile, or None when it names no account."""
    handle = profile.handle  # "@user@host", read from the checked address
    if profile.kind != SocialProfile.Kind.MASTODON or not handle:
        return None
    parts = urlsplit(profile.link)
    return f"{parts.scheme}://{parts.netloc}", handle[1:].split("@")[0]


def _json(url: str):
    try:
        response = fetch.fetch(url, headers={"Accept": "application/json"})
    except fetch.FetchError as error:
        raise Unavailable(f"{url}: {error}") from None
    if response.status != 200:
        raise Unavailable(f"{url}: HTTP {response.status}")
    try:
        return json.loads(response.body)
    except ValueError:  # bad JSON, bad UTF-8, absurd nesting
        raise Unavailable(f"{url}: not JSON") from None
    except RecursionError:
        raise Unavailable(f"{url}: JSON nested too deep") from None


def content_html(raw) -> str:
    """A post's HTML with only paragraphs, breaks and safe links left; a post whose text is
    longer than MAX_TEXT becomes its first MAX_TEXT characters of plain text and "…"."""
    cleaned = _cleaner.clean(str(raw)[:MAX_CONTENT])
    text = " ".join(html.unescape(nh3.clean(cleaned, tags=set())).split())
    if len(text) <= MAX_TEXT:
        return cleaned
    return f"<p>{escape(text[:MAX_TEXT].rsplit(' ', 1)[0])} …</p>"


def _status(item) -> MastodonStatus | None:
    """One status of the API's answer, or None when it is not a public post as expected."""
    if not isinstance(item, dict) or item.get("visibility", "public") != "public":
        return None
    status_id, url, created = item.get("id"), item.get("url"), item.get("created_at")
    if not (isinstance(status_id, str) and status_id.isdigit() and len(status_id) <= 64):
        return None
    if not isinstance(url, str) or not url.startswith("https://") or len(url) > 500:
        return None
    try:
        when = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    content = content_html(item.get("content", ""))
    return MastodonStatus(status_id=status_id, url=url, created_at=when, content_html=content)


def statuses_fetch(*, profile_id: int) -> int:
    """Read the account's latest public posts and keep the newest SHOWN; how many are kept.

    Raises Unavailable when nothing could be read (what was stored stays)."""
    profile = SocialProfile.objects.filter(pk=profile_id, follow_box=True).first()
    base = api_base(profile) if profile else None
    if base is None:
        return 0
    server, user = base
    account = _json(f"{server}/api/v1/accounts/lookup?acct={quote(user)}")
    account_id = account.get("id") if isinstance(account, dict) else None
    if not (isinstance(account_id, str) and account_id.isdigit()):
        raise Unavailable(f"{server}: no account id for {user}")
    items = _json(
        f"{server}/api/v1/accounts/{account_id}/statuses"
        f"?limit={SHOWN * 2}&exclude_replies=true&exclude_reblogs=true"
    )
    if not isinstance(items, list):
        raise Unavailable(f"{server}: statuses are not a list")
    statuses = [status for status in map(_status, items[: SHOWN * 4]) if status][:SHOWN]
    with transaction.atomic():
        profile.mastodon_statuses.all().delete()
        for status in statuses:
            status.profile = profile
        MastodonStatus.objects.bulk_create(statuses, ignore_conflicts=True)
    return len(statuses)


def follow_accounts() -> list:
    """blog.selectors.follow_accounts, each Mastodon account with the posts stored for it:
    two queries however many accounts and posts."""
    accounts = selectors.follow_accounts()
    statuses = MastodonStatus.objects.filter(profile__in=[account.pk for account in accounts])
    for status in statuses:
        for account in accounts:
            if account.pk == status.profile_id and len(account.statuses) < SHOWN:
                account.statuses.append(status)
    return accounts


def mastodon_profile_ids() -> list[int]:
    """The Mastodon profiles in the Follow box, whose posts the periodic task refreshes."""
    marked = SocialProfile.objects.filter(follow_box=True, kind=SocialProfile.Kind.MASTODON)
    return list(marked.values_list("pk", flat=True))


def on_profile_saved(sender, instance: SocialProfile, **kwargs) -> None:
    """A Mastodon account put in the Follow box (or changed there) gets its posts fetched."""
    if instance.follow_box and instance.kind == SocialProfile.Kind.MASTODON:
        task = jobs.task("comments.mentions.tasks.fetch_mastodon_statuses")
        transaction.on_commit(lambda: task.defer(profile_id=instance.pk))
