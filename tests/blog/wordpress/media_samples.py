"""uploads/ trees and attachments for the media tests, made with Pillow in a temporary folder."""

import io

from PIL import Image as PILImage

from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples

OLD = "http://oldblog.example/wp-content/uploads"


def picture(path, size=(400, 300), color="navy"):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, color).save(path, "JPEG")
    return path


def uploads_tree(root, files):
    """files: {"2019/03/photo.jpg": (width, height)}; each with its -150x150 variant beside it."""
    for name, size in files.items():
        picture(root / name, size)
        stem, ext = name.rsplit(".", 1)
        picture(root / f"{stem}-150x150.{ext}", (150, 150))
    return root


def attachment(wp_id, path, *, parent=0, title=None, url=None, attached_meta=True, **fields):
    """An attachment item as WordPress exports it: its address and `_wp_attached_file`."""
    metas = [("_wp_attached_file", path)] if attached_meta else []
    metas += list(fields.pop("meta", ()))
    return samples.item(
        wp_id, title or path.rsplit("/", 1)[-1], post_type="attachment", status="inherit",
        attachment_url=url or f"{OLD}/{path}", parent=parent, meta=metas,
        link=fields.pop("link", f"http://oldblog.example/?attachment_id={wp_id}"), **fields,
    )  # fmt: skip


def run_import(*parts, media_dir=None, **options):
    return wordpress_services.wordpress_import(
        source=io.BytesIO(samples.export(*parts)), media_dir=media_dir, **options
    )
