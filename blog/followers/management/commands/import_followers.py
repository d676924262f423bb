from django.core.management.base import BaseCommand, CommandError

from blog.followers import wpcom


class Command(BaseCommand):
    help = "Import followers from a WordPress.com or Jetpack CSV export."

    def add_arguments(self, parser):
        parser.add_argument("csv", help="the CSV file (an email column, optionally a date)")
        parser.add_argument(
            "--must-confirm",
            action="store_true",
            help="ask every imported address to confirm by email (default: keep them following)",
        )

    def handle(self, *args, **options):
        try:
            with open(options["csv"], encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['csv']}: {error}") from error
        result = wpcom.followers_import_csv(text=text, confirmed=not options["must_confirm"])
        self.stdout.write(
            f"{len(result.added)} added, {result.existing} already following, "
            f"{len(result.invalid)} not valid addresses (malformed, or over 254 characters)"
        )
        for address in result.invalid[:20]:
            self.stdout.write(self.style.WARNING(f"  ! not an address: {address}"))
