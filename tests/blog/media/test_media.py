import io
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, features
from PIL import Image as PILImage

from blog.media import renditions
from blog.media import selectors as media_selectors
from blog.media import services as media
from blog.media.models import Image, ImageUse, Rendition
from blog.models import Post, SiteSettings
from blog.sanitize import sanitize_html
from tests.factories import make_page, make_post, make_user

pytestmark = pytest.mark.django_db
# The task worker runs jobs on its own connection: tests that run them commit for real.
committed = pytest.mark.django_db(transaction=True)

FORMATS = ["JPEG", "PNG", "GIF", "WEBP"] + (["AVIF"] if features.check("avif") else [])


def picture_bytes(fmt="JPEG", size=(1600, 900), colour=(30, 120, 200), **options):
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    picture = PILImage.new(mode, size, colour)
    for x in range(0, size[0], 50):  # some detail, so encoders have something to keep
        picture.paste((250, 200, 40), (x, 0, x + 10, size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload_file(name="photo.jpg", content=None, fmt="JPEG", **kwargs):
    return SimpleUploadedFile(name, content or picture_bytes(fmt, **kwargs))


def add_image(django_capture_on_commit_callbacks, name="photo.jpg", **kwargs):
    """An image added through the service, its rendition job deferred on commit."""
    fields = {k: kwargs.pop(k) for k in ("title", "alt_text", "caption", "credit") if k in kwargs}
    with django_capture_on_commit_callbacks(execute=True):
        return media.image_create(upload=upload_file(name, **kwargs), **fields)


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def opened(field_file):
    with field_file.open("rb") as fh:
        data = fh.read()
    return data, PILImage.open(io.BytesIO(data))


def gps_jpeg(size=(400, 300), orientation=6):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (51.0, 25.0, 0.0)})
    picture = PILImage.new("RGB", size, (200, 30, 30))
    picture.paste((20, 20, 220), (0, 0, size[0] // 4, size[1]))  # a blue band on the left
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png_of(width, height, mode="1"):
    """A valid PNG of any size whose pixels are all zero: tiny on disk, huge in memory."""

    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    bit_depth, colour_type, row = {"1": (1, 0, (width + 7) // 8), "L": (8, 0, width)}[mode]
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    header += bytes([bit_depth, colour_type, 0, 0, 0])
    compressor = zlib.compressobj(9)
    line = b"\0" * (row + 1)
    data = b"".join(compressor.compress(line) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture
def editor_client(client):
    editor = make_user("picture-editor", group="Editor")
    client.force_login(editor)
    return client


def admin_upload(client, upload, **fields):
    data = {"file": upload, "title": "", "alt_text": "", "caption": "", "credit": "", **fields}
    return client.post("/admin/media/image/add/", data)


# Uploads: what is accepted, what is refused and why


@pytest.mark.parametrize("fmt", FORMATS)
def test_upload_accepts_each_allowed_format(editor_client, fmt):
    ext = media.EXTENSIONS[fmt]
    response = admin_upload(editor_client, upload_file(f"picture.{ext}", fmt=fmt), alt_text="A")
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.format, image.width, image.height) == (fmt, 1600, 900)
    assert image.file.name.endswith(f".{ext}")
    assert opened(image.file)[1].format == fmt
    assert image.title == "picture"


def test_upload_refuses_an_animation_too_big_to_decode_and_stores_nothing(editor_client):
    """300 frames of 300 x 300 (27 million pixels) would be held decoded at once: refused."""
    frames = [PILImage.new("RGB", (300, 300), (255 * (i % 2), 0, 0)) for i in range(300)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=50)
    response = admin_upload(editor_client, upload_file("anim.gif", content=buffer.getvalue()))
    assert response.status_code == 200
    assert (
        "The animation is too long: at most 177 frames of this size." in response.content.decode()
    )
    assert not Image.objects.exists()
    assert stored_files() == []


def test_upload_refuses_a_corrupt_file_and_stores_nothing(editor_client):
    junk = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    response = admin_upload(editor_client, junk)
    assert response.status_code == 200
    assert "not an image we accept" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


def test_upload_refuses_a_truncated_jpeg_and_stores_nothing(editor_client):
    whole = picture_bytes("JPEG", size=(1200, 800), quality=95)
    response = admin_upload(editor_client, SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2]))
    assert "damaged or incomplete" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


def test_upload_of_a_png_named_jpg_is_stored_as_the_png_it_is(editor_client):
    admin_upload(editor_client, upload_file("holiday.jpg", fmt="PNG"))
    image = Image.objects.get()
    assert image.format == "PNG"
    assert image.file.name.endswith(".png")
    assert opened(image.file)[1].format == "PNG"


def test_upload_refuses_a_web_page_named_jpg(editor_client):
    page = SimpleUploadedFile("cat.jpg", b"<html><script>alert(document.cookie)</script></html>")
    response = admin_upload(editor_client, page)
    assert "not an image we accept" in response.content.decode()
    assert not Image.objects.exists()


def test_upload_refuses_an_svg_with_a_script(editor_client):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )
    response = admin_upload(editor_client, SimpleUploadedFile("logo.svg", svg))
    assert "SVG images are not accepted" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


def test_upload_refuses_a_decompression_bomb_before_decoding_it(editor_client):
    bomb = png_of(20_000, 20_000)  # 400 megapixels of zeros in about 60 KB
    assert len(bomb) < 100_000
    response = admin_upload(editor_client, SimpleUploadedFile("bomb.png", bomb))
    assert "too large: at most 50 megapixels" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == []


def test_upload_refuses_an_image_over_the_pixel_limit_below_pillows_own():
    big = png_of(8_000, 7_000)  # 56 megapixels: Pillow only warns, our limit refuses
    with (
        pytest.warns(PILImage.DecompressionBombWarning),
        pytest.raises(ValidationError, match="large"),
    ):
        media.image_clean(SimpleUploadedFile("big.png", big))


def test_upload_refuses_a_file_over_the_size_limit(editor_client, monkeypatch):
    monkeypatch.setattr(media, "MAX_UPLOAD_BYTES", 100_000)
    noise = PILImage.effect_noise((600, 600), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert len(buffer.getvalue()) > 100_000
    response = admin_upload(editor_client, SimpleUploadedFile("big.jpg", buffer.getvalue()))
    assert "; the limit is 0.1 MB." in response.content.decode()
    assert not Image.objects.exists()


def test_upload_drops_anything_appended_after_the_picture():
    polyglot = picture_bytes("JPEG", size=(300, 200)) + b"<script>alert(1)</script>"
    image = media.image_create(upload=SimpleUploadedFile("p.jpg", polyglot))
    assert b"<script>" not in opened(image.file)[0]


def test_multiple_upload_stores_good_files_and_names_the_refused_ones(editor_client):
    files = [
        upload_file("one.jpg"),
        upload_file("two.png", fmt="PNG"),
        SimpleUploadedFile("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ]
    response = editor_client.post(
        "/admin/media/image/upload/", {"files": files, "credit": "Staff photographer"}
    )
    body = response.content.decode()
    assert "evil.svg: SVG images are not accepted" in body
    assert "2 images uploaded." in body
    assert sorted(Image.objects.values_list("title", "credit")) == [
        ("one", "Staff photographer"),
        ("two", "Staff photographer"),
    ]


def test_multiple_upload_lists_the_new_images_for_captioning(editor_client):
    response = editor_client.post(
        "/admin/media/image/upload/", {"files": [upload_file("a.jpg"), upload_file("b.jpg")]}
    )
    ids = ",".join(str(pk) for pk in Image.objects.order_by("pk").values_list("pk", flat=True))
    assert response.status_code == 302
    assert response.url.endswith(f"/admin/media/image/?id__in={ids}")
    listing = editor_client.get(response.url).content.decode()
    assert listing.count('name="form-0-alt_text"') == 1 and 'name="form-1-caption"' in listing


# Metadata and orientation


def test_jpeg_with_gps_exif_is_stored_upright_and_without_metadata(
    django_capture_on_commit_callbacks,
):
    upload = SimpleUploadedFile("phone.jpg", gps_jpeg(size=(400, 300), orientation=6))
    with django_capture_on_commit_callbacks(execute=True):
        image = media.image_create(upload=upload)
    data, stored = opened(image.file)
    assert (image.width, image.height) == stored.size == (300, 400)  # turned upright
    assert stored.getpixel((150, 20))[2] > 150  # the blue band is now at the top
    assert not stored.getexif() and b"Exif" not in data and b"PhoneMaker" not in data


@committed
def test_renditions_of_a_jpeg_with_gps_exif_have_none(django_capture_on_commit_callbacks, run_jobs):
    upload = SimpleUploadedFile("phone.jpg", gps_jpeg(size=(2000, 1500), orientation=1))
    with django_capture_on_commit_callbacks(execute=True):
        image = media.image_create(upload=upload)
    run_jobs()
    renditions = list(image.renditions.all())
    assert len(renditions) == 11
    for rendition in renditions:
        data, picture = opened(rendition.file)
        assert picture.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert b"Exif" not in data and b"PhoneMaker" not in data


# Renditions


@committed
def test_rendition_task_makes_each_width_in_webp_and_the_original_format(
    django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, size=(2400, 1200))
    jobs = [job for job in run_jobs().values() if "image" in job["task_name"]]
    assert [(job["task_name"], job["status"]) for job in jobs] == [
        ("blog.media.tasks.make_image_renditions", "succeeded")
    ]
    made = {(r.kind, r.format, r.width): r for r in image.renditions.all()}
    widths = [320, 640, 960, 1280, 1920]
    expected = {("width", f, w) for f in ("WEBP", "JPEG") for w in widths} | {("og", "JPEG", 1200)}
    assert set(made) == expected
    for (kind, fmt, width), rendition in made.items():
        data, picture = opened(rendition.file)
        assert picture.format == fmt and rendition.size == len(data)
        if kind == "width":
            assert picture.size == (width, width // 2) == (rendition.width, rendition.height)
        else:
            assert picture.size == (1200, 630)


@committed
def test_renditions_are_never_wider_than_the_original(django_capture_on_commit_callbacks, run_jobs):
    image = add_image(django_capture_on_commit_callbacks, "small.png", fmt="PNG", size=(700, 350))
    run_jobs()
    widths = sorted(image.renditions.filter(kind="width").values_list("format", "width"))
    assert widths == [("PNG", 320), ("PNG", 640), ("PNG", 700)] + [
        ("WEBP", 320), ("WEBP", 640), ("WEBP", 700),
    ]  # fmt: skip


@committed
def test_rendition_task_is_safe_to_run_twice(django_capture_on_commit_callbacks, run_jobs):
    image = add_image(django_capture_on_commit_callbacks)
    run_jobs()
    files = stored_files()
    assert renditions.image_renditions_make(image_id=image.pk) == 0
    assert stored_files() == files


@committed
def test_animated_gif_stays_animated_in_its_renditions(
    django_capture_on_commit_callbacks, run_jobs
):
    frames = [PILImage.new("RGB", (800, 400), (40 * i, 80, 200 - 40 * i)) for i in range(4)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    image = add_image(django_capture_on_commit_callbacks, "anim.gif", content=buffer.getvalue())
    run_jobs()
    assert image.animated
    for rendition in image.renditions.filter(kind="width"):
        assert getattr(opened(rendition.file)[1], "n_frames", 1) == 4


# Pages


def post_with_figures(image_list, *, lead_text="<p>" + "Words. " * 80 + "</p>", **fields):
    figures = "".join(
        f'<figure><img src="{img.file.url}" alt="" data-file="{img.pk}">'
        f"<figcaption>Caption {img.pk}</figcaption></figure>"
        for img in image_list
    )
    return make_post(body=lead_text + figures, **fields)


@committed
def test_post_page_shows_library_image_with_srcset_sizes_and_lazy_loading(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, alt_text="Kerry at the podium")
    run_jobs()
    post = post_with_figures([image])
    body = client.get(post.get_absolute_url()).content.decode()
    webp = image.scaled("WEBP")
    assert f'<source type="image/webp" srcset="{webp[0].file.url} 320w, ' in body
    assert f"{webp[-1].file.url} 1600w" in body
    assert 'sizes="(max-width: 56rem) calc(100vw - 2.5rem)' in body
    assert 'width="1600" height="900" alt="Kerry at the podium" loading="lazy"' in body
    assert 'decoding="async"' in body
    assert f"<figcaption>Caption {image.pk}</figcaption>" in body
    assert f'href="/image/{image.pk}/"' in body


@committed
def test_post_page_loads_an_image_that_opens_the_text_eagerly(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks)
    run_jobs()
    post = post_with_figures([image], lead_text="<p>Short.</p>")
    body = client.get(post.get_absolute_url()).content.decode()
    assert 'loading="lazy"' not in body.split('class="entry-content"')[1].split("</figure>")[0]


def test_post_page_before_renditions_exist_shows_the_original(
    client, django_capture_on_commit_callbacks
):
    image = add_image(django_capture_on_commit_callbacks)  # the job has not run yet
    body = client.get(post_with_figures([image]).get_absolute_url()).content.decode()
    assert f'<img src="{image.file.url}" width="1600" height="900"' in body
    assert "srcset" not in body.split('class="entry-content"')[1]


@committed
def test_post_page_has_a_1200x630_open_graph_image(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks)
    run_jobs()
    post = make_post(featured_media=image)
    body = client.get(post.get_absolute_url()).content.decode()
    card = image.rendition_og()
    assert f'<meta property="og:image" content="{settings.SITE_URL}{card.file.url}">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert f'"image": "{settings.SITE_URL}{card.file.url}"' in body  # JSON-LD


@committed
def test_page_with_a_library_image_has_it_as_open_graph_image(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks)
    run_jobs()
    figure = f'<figure><img src="{image.file.url}" alt="" data-file="{image.pk}"></figure>'
    page = make_page("About us", body="<p>Who we are.</p>" + figure)
    body = client.get(page.get_absolute_url()).content.decode()
    card = image.rendition_og()
    assert f'<meta property="og:image" content="{settings.SITE_URL}{card.file.url}">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body


@committed
def test_featured_image_shows_on_lists_post_page_and_feed(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, alt_text="The venue")
    run_jobs()
    post = make_post("With a lead image", featured_media=image)
    home = client.get("/").content.decode()
    assert f'data-file="{image.pk}" class="thumb">' in home
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="The venue" fetchpriority="high" decoding="async"' in page
    feed = client.get("/feed/").content.decode()
    enclosure = image.rendition_near(1280, fallback=True)
    assert (
        f'<enclosure length="{enclosure.size}" type="image/jpeg" '
        f'url="{settings.SITE_URL}{enclosure.file.url}"/>' in feed
    )


@committed
def test_post_email_image_is_an_absolute_jpeg_near_the_asked_width(
    django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, alt_text="Lead")
    run_jobs()
    found = media_selectors.post_email_image(make_post(featured_media=image), width=600)
    assert found["url"].startswith(settings.SITE_URL) and found["url"].endswith("-640.jpg")
    assert (found["width"], found["height"], found["alt"]) == (640, 360, "Lead")


def test_sanitizer_keeps_figures_captions_and_the_image_attributes_the_site_makes():
    html = (
        '<figure class="figure"><img src="/media/a.jpg" srcset="/media/a-320.jpg 320w" '
        'sizes="100vw" width="10" height="5" alt="A" loading="lazy" decoding="async" '
        'data-file="7" onerror="alert(1)"><figcaption>Cap</figcaption></figure>'
    )
    assert sanitize_html(html) == (
        '<figure class="figure"><img src="/media/a.jpg" srcset="/media/a-320.jpg 320w" '
        'sizes="100vw" width="10" height="5" alt="A" loading="lazy" decoding="async" '
        'data-file="7"><figcaption>Cap</figcaption></figure>'
    )


def test_saving_a_post_records_the_images_it_shows(django_capture_on_commit_callbacks):
    lead = add_image(django_capture_on_commit_callbacks)
    inline = add_image(django_capture_on_commit_callbacks)
    post = post_with_figures([inline], featured_media=lead)
    uses = list(ImageUse.objects.filter(post=post).values_list("image_id", "position"))
    assert uses == [(lead.pk, 0), (inline.pk, 1)]
    post.body = "<p>No pictures now.</p>"
    post.save()
    assert list(ImageUse.objects.filter(post=post).values_list("image_id", flat=True)) == [lead.pk]


@committed
def test_image_page_shows_caption_credit_and_the_posts_using_it(
    client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(
        django_capture_on_commit_callbacks, title="Kerry in Cairo",
        caption="John kerry in Cairo- Zee Media Bureau", credit="Zee Media Bureau",
    )  # fmt: skip
    run_jobs()
    post = post_with_figures([image], title="Why Iran Was Not Invited")
    make_post("A draft using it", status=Post.Status.DRAFT, featured_media=image)
    body = client.get(image.get_absolute_url()).content.decode()
    assert '<h1 class="entry-title">Kerry in Cairo</h1>' in body
    assert "John kerry in Cairo- Zee Media Bureau" in body and "Credit: Zee Media Bureau" in body
    assert f'<a href="{post.get_absolute_url()}">Why Iran Was Not Invited</a>' in body
    assert "A draft using it" not in body
    assert f'href="{image.file.url}">Full size</a> (1600 × 900 pixels, JPEG)' in body


def test_image_page_of_an_image_no_published_post_shows_is_not_found(
    client, django_capture_on_commit_callbacks
):
    image = add_image(django_capture_on_commit_callbacks)
    make_post("Embargoed", status=Post.Status.DRAFT, featured_media=image)
    assert client.get(image.get_absolute_url()).status_code == 404


@committed
def test_visuals_to_share_opens_each_images_post_pinned_first(
    client, django_capture_on_commit_callbacks, run_jobs
):
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": "visuals"})
    old = add_image(django_capture_on_commit_callbacks, title="Old", alt_text="Old picture")
    new = add_image(django_capture_on_commit_callbacks, title="New", alt_text="New picture")
    hidden = add_image(django_capture_on_commit_callbacks, title="Hidden", alt_text="Draft pic")
    run_jobs()
    old_post = make_post("Old story", featured_media=old, days_ago=9)
    new_post = post_with_figures([new], title="New story", days_ago=1)
    make_post("Draft story", featured_media=hidden, status=Post.Status.DRAFT)
    body = client.get("/").content.decode()
    gallery = body[body.index("Visuals to Share") :]
    assert gallery.index(new_post.get_absolute_url()) < gallery.index(old_post.get_absolute_url())
    assert "Draft pic" not in gallery
    Image.objects.filter(pk=old.pk).update(pinned=True)
    gallery = client.get("/").content.decode().split("Visuals to Share")[1]
    assert gallery.index('alt="Old picture"') < gallery.index('alt="New picture"')


# Deleting


def test_deleting_an_image_a_published_post_shows_is_refused_with_the_reason(
    editor_client, django_capture_on_commit_callbacks
):
    image = add_image(django_capture_on_commit_callbacks, title="Podium")
    post = post_with_figures([image], title="Live story")
    response = editor_client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
    body = response.content.decode()
    assert "cannot be deleted while published or scheduled posts or published pages show" in body
    assert f'/admin/blog/post/{post.pk}/change/">Live story</a>' in body
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ValidationError, match="Live story"):
        media.image_delete(image=image)


def test_bulk_delete_is_refused_for_images_published_posts_show(
    editor_client, django_capture_on_commit_callbacks
):
    used = add_image(django_capture_on_commit_callbacks, title="Used")
    unused = add_image(django_capture_on_commit_callbacks, title="Unused")
    post_with_figures([used], title="Live story")
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"}
    body = editor_client.post("/admin/media/image/", data).content.decode()
    assert "Live story</a> (Published) shows “Used”" in body
    assert Image.objects.count() == 2


def test_deleting_an_image_a_published_page_shows_is_refused_but_a_draft_page_does_not_block(
    editor_client, django_capture_on_commit_callbacks
):
    image = add_image(django_capture_on_commit_callbacks, title="Team photo")
    figure = f'<figure><img src="{image.file.url}" alt="" data-file="{image.pk}"></figure>'
    page = make_page("About us", body="<p>Who we are.</p>" + figure)
    other = add_image(django_capture_on_commit_callbacks, title="Old logo")
    make_page("Draft", status="draft", body=f'<img src="x" alt="" data-file="{other.pk}">')

    body = editor_client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
    assert f'/admin/blog/page/{page.pk}/change/">About us</a> (Published) shows' in (
        body.content.decode()
    )
    with pytest.raises(ValidationError, match="About us"):
        media.image_delete(image=image)
    assert Image.objects.filter(pk=image.pk).exists()

    media.image_delete(image=other)
    assert not Image.objects.filter(pk=other.pk).exists()


@committed
def test_deleting_an_unused_image_deletes_its_renditions_and_files(
    editor_client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks)
    run_jobs()
    make_post("Draft", status=Post.Status.DRAFT, featured_media=image)
    assert len(stored_files()) == 12
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert stored_files() == []
    assert Post.objects.get(title="Draft").featured_media is None


# Admin


@committed
def test_image_list_shows_thumbnails_and_finds_by_caption(
    editor_client, django_capture_on_commit_callbacks, run_jobs
):
    add_image(django_capture_on_commit_callbacks, title="Cairo", caption="Kerry at the podium")
    add_image(django_capture_on_commit_callbacks, title="Vienna", caption="The palace")
    run_jobs()
    body = editor_client.get("/admin/media/image/?q=podium").content.decode()
    assert "Cairo" in body and "Vienna" not in body
    assert '-320.webp" alt="" width="80" height="45"' in body


@committed
def test_image_change_page_shows_preview_renditions_and_where_it_is_used(
    editor_client, django_capture_on_commit_callbacks, run_jobs
):
    image = add_image(django_capture_on_commit_callbacks, size=(1000, 500))
    run_jobs()
    post_with_figures([image], title="Live story")
    make_post("Draft story", status=Post.Status.DRAFT, featured_media=image)
    body = editor_client.get(f"/admin/media/image/{image.pk}/change/").content.decode()
    assert image.rendition_near(640).file.url in body
    assert "JPEG: 320, 640, 960, 1000; WebP: 320, 640, 960, 1000; link preview card" in body
    assert "Live story</a> (Published)" in body and "Draft story</a> (Draft)" in body
    assert 'name="file"' not in body  # a new picture is a new upload


def test_post_editor_offers_the_library_for_figures_and_the_featured_image(editor_client):
    body = editor_client.get("/admin/blog/post/add/").content.decode()
    assert "&quot;pickerUrl&quot;:&quot;/admin/media/image/picker/&quot;" in body
    assert (
        'name="featured_media"' in body and 'data-picker-url="/admin/media/image/picker/"' in body
    )


# Queries: pages with images run a fixed number however many they show


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@committed
def test_post_page_queries_do_not_grow_with_its_images(
    client, django_capture_on_commit_callbacks, run_jobs, settings
):
    images = [add_image(django_capture_on_commit_callbacks) for _ in range(6)]
    run_jobs()
    one = post_with_figures(images[:1], featured_media=images[0], days_ago=3)
    many = post_with_figures(images, featured_media=images[1], days_ago=2)
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    client.get(one.get_absolute_url())
    assert count_queries(client, many.get_absolute_url()) == count_queries(
        client, one.get_absolute_url()
    )


@committed
def test_post_page_reads_its_featured_and_text_images_in_one_query(
    client, django_capture_on_commit_callbacks, run_jobs, settings
):
    images = [add_image(django_capture_on_commit_callbacks) for _ in range(3)]
    run_jobs()
    post = post_with_figures(images[1:], featured_media=images[0], days_ago=2)
    settings.PAGE_CACHE_SECONDS = 0
    client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        body = client.get(post.get_absolute_url()).content.decode()
    assert all(f'data-file="{image.pk}"' in body for image in images)
    media_queries = [q for q in queries if 'FROM "blog_image"' in q["sql"]]
    assert len(media_queries) == 1 and '"blog_rendition"' in media_queries[0]["sql"]


@committed
def test_home_page_and_gallery_queries_do_not_grow_with_images(
    client, django_capture_on_commit_callbacks, run_jobs, settings
):
    SiteSettings.objects.update_or_create(pk=1, defaults={"sidebar_widgets": "visuals, recent"})
    images = [add_image(django_capture_on_commit_callbacks) for _ in range(8)]
    run_jobs()
    make_post(featured_media=images[0])
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs: no page or fragment cache
    client.get("/")
    few = count_queries(client, "/")
    for image in images[1:]:
        post_with_figures([image], featured_media=image)
    assert count_queries(client, "/") == few
