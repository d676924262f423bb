from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    """Moving in from WordPress: the WXR reader, the importer, the exporter, the admin upload."""

    name = "blog.wordpress"
    label = "wordpress"
    verbose_name = _("WordPress")

    def ready(self):
        from blog import pagecache
        from blog.media import selectors as media_selectors
        from blog.wordpress import embeds

        media_selectors.body_filters.append(embeds.frames)
        pagecache.ignore_tables("blog_importrun")  # an import's progress; its rows end pages
