from urllib.parse import urlsplit

from django.conf import settings
from django.dispatch import Signal

# Sent exactly once per post, when it first becomes visible to readers.
# Receivers get ``post`` (a blog.models.Post).
post_published = Signal()

# Sent after a person saves a post outside the post form (the desk's quick draft), so the
# revisions keep it as they keep the form's saves. Receivers get ``post`` and ``user``.
post_edited = Signal()

# Sent for each post a feed lists; receivers return a list of
# django.utils.feedgenerator.Enclosure (the image library adds the featured image).
feed_item_enclosures = Signal()

# Sent when a mail about a post is written; a receiver returns the picture to show as
# {"url" (absolute), "width", "height", "alt"}, or None (the image library answers).
post_email_image = Signal()

# Sent for each post a list page summarises that has a featured image (blog_tags.post_summary),
# with ``post`` and ``lazy`` (False for the page's first summary); a receiver returns the HTML
# of the picture (the image library answers).
summary_picture = Signal()

# Sent by seed_demo once the blog's own demo content exists, so other apps add theirs.
demo_seeded = Signal()


def sync_site_domain(**kwargs):
    """Keep django.contrib.sites' row in step with SITE_URL, which feeds and mail use."""
    from django.contrib.sites.models import Site

    from blog.models import SiteSettings

    domain = urlsplit(settings.SITE_URL).netloc or "localhost:8000"
    name = SiteSettings.load().title
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": name})


def sync_roles(**kwargs):
    """After every migrate (and every test flush), the groups exist with current permissions."""
    from django.apps import apps

    from blog.roles import roles_ensure

    roles_ensure(apps)


def fit_tag_slug(sender, instance, **kwargs):
    """pre_save of taggit's Tag: a slug that would pass its 100-character column is cut to fit
    and kept unique (taggit makes it from the whole name, and NFKC can make it longer than the
    name: "㎒" is "mhz"; its "_1" suffix for a clash can push it over too)."""
    from blog.models import unique_slug

    limit = sender._meta.get_field("slug").max_length
    if len(instance.slug) > limit:
        instance.slug = unique_slug(
            sender, instance.name, instance_pk=instance.pk, max_length=limit
        )
