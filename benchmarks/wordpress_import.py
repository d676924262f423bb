"""Import generated WordPress exports and print the time and the importer's peak memory.

Usage:
  .venv/bin/python benchmarks/wordpress_import.py --posts 10000 --comments-per-post 10
  .venv/bin/python benchmarks/wordpress_import.py --posts 250 1000 --images-per-post 3 \\
      --comments-per-post 0

For each size the export is written to a temporary file (threads three deep, pingbacks, tags,
nested categories) and, with --images-per-post, an uploads/ tree of small JPEGs (each with a
-300x200 size variant beside it) that the posts reference in the ways WordPress writes them: a
size variant linked to its file (also the featured image), a [caption], and a [gallery].
`manage.py import_wordpress` then runs against a fresh database (newsroom_bench_import) in a
child of a small wrapper process, so the peak resident memory read is the importer's alone.
With two sizes or more, the last line compares the peak memory of the largest and smallest.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.blog.wordpress import wxr_samples as samples  # noqa: E402

BODY = 'First paragraph.\n\nSecond paragraph with <a href="http://x.example/">a link</a>.'
UPLOADS = "http://oldblog.example/wp-content/uploads"
# Runs the importer as its child and prints the child's peak RSS (KB) on stderr's last line.
WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(rc)"
)


def comments_for(post_id, count):
    base = post_id * 1000
    out = []
    for n in range(count):
        parent = base + n - 1 if n % 3 else 0  # threads of three, each reply to the one before
        kind = "pingback" if n == count - 1 else ""
        url = "http://other.example/p" if kind else ""
        out.append(samples.comment(base + n, parent, kind=kind, url=url))
    return out


def image_ids(post_id, per_post):
    """The attachment IDs of a post's images: above every post ID, as WordPress numbers them."""
    return [10_000_000 + post_id * 10 + n for n in range(per_post)]


def image_path(wp_id):
    return f"{2015 + wp_id % 5}/{wp_id % 12 + 1:02d}/photo-{wp_id}.jpg"


def body_with_images(ids):
    """Three ways WordPress writes an image: linked size variant, [caption], [gallery]."""
    parts = [BODY]
    for n, wp_id in enumerate(ids):
        stem = f"{UPLOADS}/{image_path(wp_id)[:-4]}"
        img = f'<img class="size-medium wp-image-{wp_id}" src="{stem}-300x200.jpg" alt="">'
        if n % 3 == 0:
            parts.append(f'<a href="{stem}.jpg">{img}</a>')
        elif n % 3 == 1:
            parts.append(f'[caption id="attachment_{wp_id}" width="300"]{img} Caption[/caption]')
        else:
            parts.append(f'[gallery ids="{wp_id}" columns="1"]')
    return "\n\n".join(parts)


def attachment(wp_id, post_id):
    path = image_path(wp_id)
    return samples.item(
        wp_id, f"Photo {wp_id}", post_type="attachment", status="inherit", parent=post_id,
        attachment_url=f"{UPLOADS}/{path}", excerpt=f"Caption of photo {wp_id}",
        meta=[("_wp_attached_file", path), ("_wp_attachment_image_alt", "A photo")],
        link=f"http://oldblog.example/?attachment_id={wp_id}",
    )  # fmt: skip


def write_uploads(root, posts, per_post):
    from PIL import Image as PILImage

    for post_id in range(1, posts + 1):
        for wp_id in image_ids(post_id, per_post):
            path = root / image_path(wp_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            color = (wp_id * 37 % 256, wp_id * 91 % 256, wp_id * 53 % 256)
            PILImage.new("RGB", (480, 320), color).save(path, "JPEG", quality=80)
            PILImage.new("RGB", (300, 200), color).save(
                path.with_name(f"{path.stem}-300x200.jpg"), "JPEG", quality=80
            )


def write_export(path, posts, per_post, images_per_post):
    with open(path, "wb") as out:
        head = samples.export()
        out.write(head[: head.rindex(b"</channel>")])
        for post_id in range(1, posts + 1):
            ids = image_ids(post_id, images_per_post)
            meta = [("_thumbnail_id", str(ids[0]))] if ids else []
            item = samples.item(
                post_id, f"Generated post number {post_id}", slug=f"post-{post_id}",
                body=body_with_images(ids) if ids else BODY,
                categories=[("talks", "nuclear talks")],
                tags=[(f"t{post_id % 50}", f"tag {post_id % 50}")],
                comments=comments_for(post_id, per_post), meta=meta,
            )  # fmt: skip
            out.write(item.encode())
        # Attachments after the posts that show them, as WordPress's export orders them.
        for post_id in range(1, posts + 1):
            for wp_id in image_ids(post_id, images_per_post):
                out.write(attachment(wp_id, post_id).encode())
        out.write(b"</channel></rss>\n")


def fresh_database(env):
    python = sys.executable
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
         "DROP DATABASE IF EXISTS newsroom_bench_import"],
        check=True,
    )  # fmt: skip
    subprocess.run([python, "config/dbcheck.py", "create"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def measure(posts, args, env):
    """(seconds, peak MB, export MB) of one import of a generated export of posts posts."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**env, "MEDIA_ROOT": str(Path(tmp) / "media")}
        fresh_database(env)
        path = Path(tmp) / "export.xml"
        write_export(path, posts, args.comments_per_post, args.images_per_post)
        command = [sys.executable, "manage.py", "import_wordpress", str(path)]
        if args.images_per_post:
            write_uploads(Path(tmp) / "uploads", posts, args.images_per_post)
            command += ["--media-dir", str(Path(tmp) / "uploads")]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, *command], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        return elapsed, peak_mb, path.stat().st_size / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[10_000])
    parser.add_argument("--comments-per-post", type=int, default=10)
    parser.add_argument("--images-per-post", type=int, default=0)
    args = parser.parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_import"
    )
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    peaks = {}
    for posts in args.posts:
        elapsed, peak_mb, size_mb = measure(posts, args, env)
        peaks[posts] = peak_mb
        comments = posts * args.comments_per_post
        images = posts * args.images_per_post
        files = images * 2  # each with its -300x200 variant
        print(f"export: {posts} posts, {comments} comments, {images} image references "
              f"({images} attachments, {files} files in uploads/), {size_mb:.1f} MB")  # fmt: skip
        print(f"  import time: {elapsed:.1f} s ({posts / elapsed:.0f} posts/s"
              + (f", {images / elapsed:.0f} images/s" if images else "")
              + (f", {comments / elapsed:.0f} comments/s" if comments else "") + ")")  # fmt: skip
        print(f"  importer peak memory (max RSS): {peak_mb:.0f} MB")
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(f"peak memory {large} posts / {small} posts: {peaks[large] / peaks[small]:.2f} "
              f"({large / small:.0f} times the posts)")  # fmt: skip


if __name__ == "__main__":
    main()
