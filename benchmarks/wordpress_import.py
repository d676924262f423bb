"""Import a generated WordPress export and print the time and the importer's peak memory.

Usage: .venv/bin/python benchmarks/wordpress_import.py [--posts 10000] [--comments-per-post 10]

The export is written to a temporary file (threads three deep, pingbacks, tags, nested
categories), then `manage.py import_wordpress` runs in a child process against a fresh database
(newsroom_bench_import), so its peak resident memory can be read on its own.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.blog import wxr_samples as samples  # noqa: E402

BODY = 'First paragraph.\n\nSecond paragraph with <a href="http://x.example/">a link</a>.'


def comments_for(post_id, count):
    base = post_id * 1000
    out = []
    for n in range(count):
        parent = base + n - 1 if n % 3 else 0  # threads of three, each reply to the one before
        kind = "pingback" if n == count - 1 else ""
        url = "http://other.example/p" if kind else ""
        out.append(samples.comment(base + n, parent, kind=kind, url=url))
    return out


def write_export(path, posts, per_post):
    with open(path, "wb") as out:
        head = samples.export()
        out.write(head[: head.rindex(b"</channel>")])
        for post_id in range(1, posts + 1):
            item = samples.item(
                post_id, f"Generated post number {post_id}", slug=f"post-{post_id}",
                body=BODY, categories=[("talks", "nuclear talks")],
                tags=[(f"t{post_id % 50}", f"tag {post_id % 50}")],
                comments=comments_for(post_id, per_post),
            )  # fmt: skip
            out.write(item.encode())
        out.write(b"</channel></rss>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments-per-post", type=int, default=10)
    args = parser.parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_import"
    )
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    python = sys.executable
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
         "DROP DATABASE IF EXISTS newsroom_bench_import"],
        check=True,
    )  # fmt: skip
    subprocess.run([python, "config/dbcheck.py", "create"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xml"
        write_export(path, args.posts, args.comments_per_post)
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        subprocess.run(
            [python, "manage.py", "import_wordpress", str(path)], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    total_comments = args.posts * args.comments_per_post
    print(f"export: {args.posts} posts, {total_comments} comments, {size_mb:.1f} MB")
    print(f"import time: {elapsed:.1f} s ({args.posts / elapsed:.0f} posts/s, "
          f"{total_comments / elapsed:.0f} comments/s)")  # fmt: skip
    print(f"importer peak memory (max RSS of child processes): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
