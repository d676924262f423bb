from django.core.management.base import BaseCommand, CommandError

from blog.wordpress import services as wordpress_services
from blog.wordpress import wxr
from blog.wordpress.uploads import MediaDirError


class Command(BaseCommand):
    help = "Import a WordPress export (WXR file): all of it, or nothing if the file is bad."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WXR file WordPress's Tools → Export made")
        parser.add_argument(
            "--media-dir",
            help="the uploads/ folder (or media-library export, a folder or .zip) of the old blog",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read everything, report, keep nothing"
        )

    def handle(self, *args, **options):
        def progress(items):
            if items % 1000 == 0:
                self.stderr.write(f"  {items} items read…")

        try:
            with open(options["export"], "rb") as source:
                report = wordpress_services.wordpress_import(
                    source=source, media_dir=options["media_dir"],
                    dry_run=options["dry_run"], progress=progress,
                )  # fmt: skip
        except OSError as error:
            raise CommandError(f"Cannot read {options['export']}: {error.strerror}") from error
        except (wxr.WxrError, MediaDirError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.table())
        for problem in report.problems:
            self.stdout.write(self.style.WARNING(f"  ! {problem}"))
        done = "Dry run: nothing was kept." if options["dry_run"] else "Import finished."
        self.stdout.write(self.style.SUCCESS(done))
