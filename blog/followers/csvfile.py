"""Followers in CSV files: reading addresses to import, writing the list to export."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from blog import jobs
from blog.followers.models import Follower
from blog.followers.services import normalize_email


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


CONFIRMATIONS_PER_TASK = 250


def _defer_confirmations(follower_ids) -> None:
    task = jobs.task("blog.followers.tasks.send_follower_confirmations")
    for start in range(0, len(follower_ids), CONFIRMATIONS_PER_TASK):
        chunk = list(follower_ids[start : start + CONFIRMATIONS_PER_TASK])
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
