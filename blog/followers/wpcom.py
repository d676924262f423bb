"""Followers from WordPress.com's subscribers CSV export."""

import csv
import io
from datetime import datetime

from django.utils import timezone

# --- followers ------------------------------------------------------------------------------


def followers_import_csv(*, text, confirmed=True):
    """Followers from a WordPress.com / Jetpack CSV (email and, if present, the date they joined).

    confirmed: keep them as active followers; otherwise each is asked to confirm again by email.
    Addresses already following are left as they are.
    """
    from blog.followers import csvfile
    from blog.followers.models import Follower

    text = text.lstrip("\ufeff")
    result = csvfile.followers_import(
        addresses=csvfile.addresses_from_csv(text), must_confirm=not confirmed
    )
    dates = csv_dates(text)
    added = list(Follower.objects.filter(pk__in=result.added))
    for follower in added:
        when = dates.get(follower.email.lower())
        if when:
            follower.subscribed_at = when
            follower.confirmed_at = when if confirmed else None
    Follower.objects.bulk_update(added, ["subscribed_at", "confirmed_at"], batch_size=1000)
    return result


def csv_dates(text):
    """email (lower-cased) -> when it subscribed, from a date column if the CSV has one."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    email_col = next((i for i, h in enumerate(header) if "mail" in h), None)
    date_col = next((i for i, h in enumerate(header) if "date" in h or "subscri" in h), None)
    if email_col is None or date_col is None:
        return {}
    return {
        row[email_col].strip().lower(): parse_csv_date(row[date_col])
        for row in rows[1:]
        if len(row) > max(email_col, date_col)
    }


def parse_csv_date(text):
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            value = datetime.strptime(text.strip(), fmt)
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        except ValueError:
            continue
    return None
