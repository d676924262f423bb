import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from blog.models import SiteSettings
from blog.wordpress.exporter import wordpress_export


class Command(BaseCommand):
    help = "Write the whole blog as a WordPress export (WXR 1.2) that WordPress can import."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        title = SiteSettings.load().title
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                wordpress_export(out=out, site_url=settings.SITE_URL, title=title)
            self.stderr.write(self.style.SUCCESS(f"Wrote {options['output']}"))
        else:
            wordpress_export(out=sys.stdout, site_url=settings.SITE_URL, title=title)
