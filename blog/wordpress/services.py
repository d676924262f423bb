"""Running a WordPress import: from the command line or the admin, in one transaction."""

from html import escape

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from blog.history import history_import
from blog.models import Page, Post
from blog.wordpress import embeds, wxr
from blog.wordpress.importer import Importer, Report


def wordpress_import(*, source, media_dir=None, dry_run=False, progress=None) -> Report:
    """Import a WXR file; all or nothing. With dry_run, report what would happen, keep nothing.

    Nothing is pinged, announced or mailed for what comes in, however often it is run
    (blog.history).
    """
    importer = Importer(media_dir=media_dir, progress=progress)
    try:
        with history_import(), transaction.atomic():
            report = importer.run(source)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        importer.files_forget()  # nothing was imported: the copied files go too
        raise
    if dry_run:
        importer.files_forget()
    return report


class ProgressWriter:
    """Writes an ImportRun's progress on its own connection, outside the import's transaction,
    so the admin page sees it move while the import is still uncommitted."""

    def __init__(self, run, size):
        self.run_id, self.size, self.last = run.pk, max(size, 1), 0.0
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)

    def __call__(self, items, position):
        progress = min(position / self.size, 0.99)
        if progress - self.last >= 0.01 or items % 500 == 0:
            self.last = progress
            self.conn.execute(
                "UPDATE blog_importrun SET progress = %s, items = %s WHERE id = %s",
                [progress, items, self.run_id],
            )

    def close(self):
        self.conn.close()


def import_run_execute(*, run_id):
    """Run an admin-started import once; the report and status end up on the ImportRun."""
    from blog.wordpress.models import ImportRun

    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        return
    run = ImportRun.objects.get(pk=run_id)
    with run.file.open("rb") as source:
        writer = ProgressWriter(run, run.file.size)
        try:
            report = wordpress_import(
                source=source, dry_run=run.dry_run,
                progress=lambda items: writer(items, source.tell()),
            )  # fmt: skip
            run.status, run.progress = ImportRun.Status.DONE, 1.0
            run.report = report.table() + "".join(f"\n! {p}" for p in report.problems)
        except wxr.WxrError as error:
            run.status, run.report = ImportRun.Status.FAILED, str(error)
        finally:
            writer.close()
    run.finished_at = timezone.now()
    run.save()


def link_cards_title(*, url: str, title: str, site: str) -> int:
    """Give the link cards for url in posts and pages their fetched title (and site name);
    nothing when the page gave no title. Safe to run twice. Returns how many were changed."""
    if not title:
        return 0
    marker = f'<figure class="link-card"><a href="{escape(url)}"'
    changed = 0
    for model in (Post, Page):
        for obj in model.objects.filter(body__contains=marker):
            body = embeds.card_titled(obj.body, url, title, site)
            if body != obj.body:
                obj.body = body
                obj.save(update_fields=["body", *(["body_text"] if model is Post else [])])
                changed += 1
    return changed
