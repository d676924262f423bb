"""Fill the blog with the demo content: the reference post and about thirty others.

Deterministic: the same text, categories, tags and images on every run, dated relative to
today. Running it again updates what is there instead of adding duplicates.
"""

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image, ImageDraw

from blog import demo_content as demo
from blog.models import AuthorProfile, Category, Page, Post, SiteSettings, SocialProfile
from blog.signals import demo_seeded


def demo_image(name, width, height, hue):
    """A JPEG drawn by Pillow (no downloads): a sky gradient with hills, stored once."""
    path = f"demo/{name}.jpg"
    if default_storage.exists(path):
        return path
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(200 * y / height)
        draw.line([(0, y), (width, y)], fill=((hue + shade) % 256, 120 + shade // 4, 230 - shade))
    for i in range(3):
        top = height * (0.55 + 0.12 * i)
        draw.polygon(
            [(0, height), (width * 0.2 * (i + 1), top), (width, top + 40 * i), (width, height)],
            fill=(30 + 30 * i, 60 + 20 * i, 50 + 10 * i),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return default_storage.save(path, ContentFile(buffer.getvalue()))


class Command(BaseCommand):
    help = "Create (or refresh) the demo blog content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the blog has posts already (what ./run uses).",
        )  # fmt: skip

    @transaction.atomic
    def handle(self, *args, **options):
        if options["if_empty"] and Post.objects.exists():
            self.stdout.write("The blog has posts already: no demo content added.")
            return
        now = timezone.localtime()
        # The demo's days start at 9:00; before 9:00 that is yesterday's, so that no "past"
        # post lands in the future and the dates mean the same at any hour of the day.
        self.today = now.replace(hour=9, minute=0, second=0, microsecond=0)
        if self.today > now:
            self.today -= timedelta(days=1)
        self.site_settings()
        categories = self.categories()
        author = self.user(
            "newsdesk", "Iran News Desk", demo.AUTHOR_BIO, group="Editor", email="desk@localhost"
        )
        guest = self.user(
            "leila", "Leila Karimi", "Tehran correspondent; economy and human rights.",
            group="Author", email="leila@localhost",
        )  # fmt: skip
        self.reference_post(author, categories)
        self.other_posts([author, guest], categories)
        self.about_page(author)
        count = Post.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {count} posts."))
        verbosity = options.get("verbosity", 1)
        call_command("seed_images", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_followers", verbosity=verbosity, stdout=self.stdout)
        demo_seeded.send(sender=self.__class__, verbosity=verbosity, stdout=self.stdout)

    def site_settings(self):
        settings = SiteSettings.load()
        settings.title = "Iran News Watch"
        settings.tagline = "Politics, human rights and the nuclear file, followed closely"
        settings.about = "An independent news blog about Iran, its politics and its neighbours."
        settings.save()
        if not settings.social_profiles.exists():
            SocialProfile.objects.bulk_create(
                SocialProfile(site=settings, kind=kind, url=url, position=n, follow_box=kind == "x")
                for n, (kind, url) in enumerate(demo.SOCIAL_PROFILES)
            )

    def categories(self):
        made = {}
        for name, parent in demo.CATEGORY_TREE.items():
            category = Category.objects.filter(name=name).first() or Category(name=name)
            category.parent = made.get(parent)
            category.description = f"News and analysis: {name}."
            category.save()
            made[name] = category
        return made

    def user(self, username, display_name, bio, *, group, email):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=group))
        AuthorProfile.objects.update_or_create(
            user=user, defaults={"display_name": display_name, "bio": bio}
        )
        return user

    def upsert(self, slug, **fields):
        tags = fields.pop("tags", [])
        categories = fields.pop("categories", [])
        post = Post.objects.filter(slug=slug).first() or Post(slug=slug)
        for name, value in fields.items():
            setattr(post, name, value)
        if post.published_at <= timezone.now() and post.status == Post.Status.PUBLISHED:
            # Old demo posts are history, not news: no follower mail or pings for them.
            post.announced_at = post.announced_at or post.published_at
        post.save()
        post.categories.set(categories)
        post.tags.set(tags)
        return post

    def reference_post(self, author, categories):
        image = demo_image("kerry-cairo", 1200, 700, 20)
        paragraphs = [f"<p>{escape(p)}</p>" for p in demo.REFERENCE_PARAGRAPHS_BEFORE_IMAGE]
        paragraphs.append(
            f'<figure><img src="{default_storage.url(image)}" alt="{escape(demo.IMAGE_CAPTION)}" '
            f'width="1200" height="700"><figcaption>{escape(demo.IMAGE_CAPTION)}</figcaption>'
            "</figure>"
        )
        paragraphs += [f"<p>{escape(p)}</p>" for p in demo.REFERENCE_PARAGRAPHS_AFTER_IMAGE]
        return self.upsert(
            "why-iran-was-not-invited-to-the-anti-isis-club",
            title=demo.REFERENCE_TITLE,
            author=author,
            body="\n".join(paragraphs),
            status=Post.Status.PUBLISHED,
            published_at=self.today - timedelta(days=1),
            categories=[categories[name] for name in demo.REFERENCE_CATEGORIES],
            tags=demo.REFERENCE_TAGS,
        )

    def about_page(self, author):
        """The About page, so the header menu has a page in it."""
        page = Page.objects.filter(path="about").first() or Page(slug="about")
        page.title, page.author, page.status = demo.ABOUT_TITLE, author, Page.Status.PUBLISHED
        page.body = "\n".join(f"<p>{escape(p)}</p>" for p in demo.ABOUT_PARAGRAPHS)
        if page.pk is None:
            page.published_at = self.today - timedelta(days=730)
        page.save()
        return page

    def other_posts(self, authors, categories):
        rng = random.Random(2014)
        names = list(demo.CATEGORY_TREE)
        count = len(demo.OTHER_TITLES)
        for index, title in enumerate(demo.OTHER_TITLES):
            status = Post.Status.PUBLISHED
            when = self.today - timedelta(days=3 + index * 700 // count, hours=index % 5)
            if title.startswith("Draft:"):
                status = Post.Status.DRAFT
            elif title.startswith("Coming Up:"):
                status, when = Post.Status.SCHEDULED, self.today + timedelta(days=7)
            elif title.startswith("Opinion:"):
                status = Post.Status.PENDING
            body = "\n".join(f"<p>{escape(p)}</p>" for p in rng.sample(demo.PARAGRAPHS, 5))
            if index % 4 == 0:
                image = demo_image(f"post-{index}", 1200, 675, index * 37)
                body += (
                    f'\n<figure><img src="{default_storage.url(image)}" alt="Illustration for '
                    f'{escape(title)}" width="1200" height="675"><figcaption>Illustration: '
                    f"{escape(title)}</figcaption></figure>"
                )
            self.upsert(
                slugify(title),
                title=title,
                author=authors[index % 3 == 2],
                body=body,
                status=status,
                published_at=when,
                sticky=index == 5,
                categories=[categories[n] for n in rng.sample(names, rng.randint(1, 3))],
                tags=rng.sample(demo.REFERENCE_TAGS, rng.randint(2, 6)),
            )
