"""Fill the image library for the demo: pictures drawn by Pillow (no downloads).

Run after seed_demo. The reference post's inline image becomes a library image with the caption
"John kerry in Cairo- Zee Media Bureau"; other posts get featured images and their inline
illustrations come from the library too. Running it again reuses what is there.
"""

import io
import math
import random
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from blog import demo_content as demo
from blog.media import renditions
from blog.media import services as media
from blog.media.models import Image
from blog.models import Post, SiteSettings

REFERENCE_SLUG = "why-iran-was-not-invited-to-the-anti-isis-club"
REFERENCE_TITLE = "John Kerry in Cairo"
CREDIT = "Zee Media Bureau"
FIRST_FIGURE = re.compile(r"<figure\b.*?</figure>", re.DOTALL)
# (title, alt text, caption, palette seed, scene)
LIBRARY = [
    ("Tehran skyline at dusk", "The Tehran skyline under an orange evening sky",
     "Tehran at dusk.", 20, "city"),
    ("Alborz mountains", "Snow on the Alborz mountains above the city",
     "The Alborz range in winter.", 200, "hills"),
    ("Persian Gulf coast", "Boats on a calm sea at sunrise",
     "Fishing boats off Bandar Abbas.", 140, "sea"),
    ("Vienna talks venue", "A palace facade lit at night",
     "The venue of the Vienna round.", 60, "city"),
    ("Desert road", "A straight road across a desert plain", "The road to Natanz.", 30, "hills"),
    ("Caspian shore", "Waves on a grey Caspian beach", "The Caspian at Anzali.", 170, "sea"),
    ("Bazaar rooftops", "Domes of a bazaar seen from above",
     "The Grand Bazaar's roofs.", 90, "city"),
    ("Zagros valley", "A green valley between rocky ridges",
     "A valley in the Zagros.", 110, "hills"),
]  # fmt: skip


def draw_scene(width, height, seed, scene):
    """A landscape-like picture: sky gradient, sun, and hills, sea or a skyline."""
    rng = random.Random(seed)
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    hue = seed % 256
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(min(255, int(235 - 120 * t + hue / 12)), int(150 + 60 * t), int(90 + 140 * t)),
        )
    sun = (int(width * rng.uniform(0.2, 0.8)), int(height * rng.uniform(0.2, 0.4)))
    radius = height // 10
    draw.ellipse([sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius],
                 fill=(255, 236, 170))  # fmt: skip
    horizon = int(height * 0.62)
    if scene == "sea":
        for y in range(horizon, height):
            shade = int(80 * (y - horizon) / (height - horizon))
            draw.line([(0, y), (width, y)], fill=(20 + shade // 3, 70 + shade // 2, 120 + shade))
        for _ in range(6):
            x, y = rng.randrange(width), rng.randrange(horizon + 20, height - 40)
            draw.polygon(
                [(x, y), (x + 90, y), (x + 70, y + 22), (x + 15, y + 22)], fill=(60, 40, 30)
            )
            draw.line([(x + 45, y), (x + 45, y - 70)], fill=(60, 40, 30), width=4)
    elif scene == "city":
        x = 0
        while x < width:
            w, h = rng.randint(40, 140), rng.randint(height // 8, height // 2)
            draw.rectangle([x, horizon - h, x + w, height], fill=(35, 30, 45))
            if rng.random() < 0.3:
                draw.pieslice([x, horizon - h - w // 2, x + w, horizon - h + w // 2], 180, 360,
                              fill=(35, 30, 45))  # fmt: skip
            for wy in range(horizon - h + 12, height - 10, 22):
                for wx in range(x + 8, x + w - 8, 18):
                    if rng.random() < 0.35:
                        draw.rectangle([wx, wy, wx + 7, wy + 10], fill=(250, 210, 120))
            x += w + rng.randint(0, 12)
    else:
        for i in range(4):
            top = horizon - height * (0.25 - 0.06 * i)
            points = [(0, height)]
            for step in range(13):
                x = width * step / 12
                points.append(
                    (x, top + 40 * math.sin(step * 0.9 + i + seed) + rng.randint(-20, 20))
                )
            points.append((width, height))
            draw.polygon(points, fill=(40 + 25 * i, 70 + 22 * i, 60 + 12 * i))
    return image.filter(ImageFilter.SMOOTH)


def draw_kerry_cairo(width, height):
    """The reference image: a podium before flags, Cairo's pyramids on a backdrop."""
    image = draw_scene(width, height, 35, "hills")
    draw = ImageDraw.Draw(image)
    base = int(height * 0.7)
    for i, x in enumerate((0.12, 0.3, 0.5)):
        size = width * (0.16 - 0.03 * i)
        cx = width * x
        draw.polygon([(cx - size, base), (cx, base - size * 0.9), (cx + size, base)],
                     fill=(205 - 12 * i, 165 - 10 * i, 100))  # fmt: skip
    for i, colour in enumerate([(200, 16, 46), (255, 255, 255), (0, 0, 0)]):
        draw.rectangle([width * 0.62, height * (0.2 + 0.07 * i), width * 0.74,
                        height * (0.27 + 0.07 * i)], fill=colour)  # fmt: skip
    draw.rectangle([width * 0.78, height * 0.2, width * 0.9, height * 0.41], fill=(60, 59, 110))
    draw.rectangle([width * 0.6, height * 0.62, width * 0.84, height], fill=(90, 60, 40))
    draw.ellipse([width * 0.68, height * 0.36, width * 0.76, height * 0.5], fill=(225, 190, 160))
    draw.rectangle([width * 0.66, height * 0.49, width * 0.78, height * 0.64], fill=(30, 35, 55))
    return image


def jpeg_upload(picture, name):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def library_figure(image, alt, caption):
    return (
        f'<figure><img src="{escape(image.file.url)}" alt="{escape(alt)}" '
        f'width="{image.width}" height="{image.height}" data-file="{image.pk}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


class Command(BaseCommand):
    help = "Add demo images (drawn by Pillow) to the library and to the demo posts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--defer", action="store_true", help="Leave the renditions to the task worker."
        )

    @transaction.atomic
    def handle(self, *args, defer=False, **options):
        self.defer = defer
        kerry = self.image(
            REFERENCE_TITLE, lambda: draw_kerry_cairo(2400, 1400), alt_text=demo.IMAGE_CAPTION,
            caption=demo.IMAGE_CAPTION, credit=CREDIT, pinned=True,
        )  # fmt: skip
        self.reference_post(kerry)
        library = [
            self.image(title, lambda s=seed, k=kind: draw_scene(1800, 1013, s, k), alt_text=alt,
                       caption=caption, credit="Newsroom illustration")
            for title, alt, caption, seed, kind in LIBRARY
        ]  # fmt: skip
        self.other_posts(library)
        self.sidebar()
        count = Image.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Image library ready: {count} images."))

    def image(self, title, draw, **fields):
        image = Image.objects.filter(title=title).first()
        if image is None:
            upload = jpeg_upload(draw(), f"{slugify(title)}.jpg")
            image = media.image_create(upload=upload, title=title, **fields)
        elif not image.file.storage.exists(image.file.name):  # a database kept, media emptied
            self.stdout.write(f"“{title}”: its file {image.file.name} was missing; drawn again.")
            upload = jpeg_upload(draw(), f"{slugify(title)}.jpg")
            image = media.image_file_replace(image=image, upload=upload)
        if not self.defer:
            renditions.image_renditions_make(image_id=image.pk)
        return image

    def reference_post(self, image):
        post = Post.objects.filter(slug=REFERENCE_SLUG).first()
        if post is None:
            self.stderr.write("No reference post: run seed_demo first.")
            return
        figure = library_figure(image, demo.IMAGE_CAPTION, demo.IMAGE_CAPTION)
        if FIRST_FIGURE.search(post.body):
            post.body = FIRST_FIGURE.sub(lambda m: figure, post.body, count=1)
        else:
            post.body += figure
        post.save()

    def other_posts(self, library):
        posts = Post.objects.exclude(slug=REFERENCE_SLUG).order_by("-published_at", "pk")
        for index, post in enumerate(posts):
            image = library[index % len(library)]
            if FIRST_FIGURE.search(post.body):
                figure = library_figure(image, image.alt_text, f"Illustration: {post.title}")
                post.body = FIRST_FIGURE.sub(lambda m, f=figure: f, post.body, count=1)
            if index % 3 != 2:
                post.featured_media = image
            post.save()

    def sidebar(self):
        """Show "Visuals to Share" before the visitor count, as on the reference page."""
        settings = SiteSettings.load()
        keys = [key.strip() for key in settings.sidebar_widgets.replace(",", " ").split()]
        if "visuals" in keys:
            return
        at = keys.index("visitor-count") if "visitor-count" in keys else len(keys)
        keys.insert(at, "visuals")
        settings.sidebar_widgets = ", ".join(keys)
        settings.save()
