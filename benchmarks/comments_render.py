"""Time the post page with 10, 100 and 1,000 comments; print ms, queries and the growth.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/comments_render.py [--repeat 15]

It makes its own database (newsroom_bench_comments, or BENCH_COMMENTS_DATABASE_URL), fills
three posts with threaded comments (a third top-level, the rest replies two deep), and renders
each post page in-process with Django's test client, the median of --repeat runs. It measures
twice: with the default 50 threads per page, and with every comment on one page (the worst
case). "CPU ms per comment" is the time above the same page without comments, per comment:
it stays flat or falls as comments are added, i.e. the cost grows no faster than their number.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = [10, 100, 1000]


def setup_django():
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_COMMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_comments"
    )
    # DEBUG on keeps static files simple (no collectstatic); templates are cached all the same.
    os.environ.update(DEBUG="1", COUNT_VIEWS="0", SITE_URL="http://testserver")
    os.environ.update(ALLOWED_HOSTS="testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run([sys.executable, "config/dbcheck.py", "create"], cwd=ROOT, check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(post, count):
    """count comments: every third starts a thread, the others reply two levels deep."""
    from comments.models import Comment
    from tests.comments.factories import make_comment

    if Comment.objects.for_post(post).count() == count:
        return
    Comment.objects.for_post(post).delete()
    parent = None
    for i in range(count):
        parent = None if i % 3 == 0 else parent
        parent = make_comment(post, f"Comment {i}: a few words, and a link https://example.org/{i}",
                              parent=parent)  # fmt: skip


def posts():
    """A post without comments (the baseline), then one per size."""
    from blog.models import Post
    from tests.factories import make_post, make_user

    author = make_user("bench") if not Post.objects.exists() else Post.objects.first().author
    made = []
    for size in [0, *SIZES]:
        post = Post.objects.filter(title=f"Bench {size}").first()
        made.append(post or make_post(f"Bench {size}", author=author))
    return made


def measure(client, urls, repeat):
    """Median wall and CPU ms, and queries, per URL; the URLs take turns so load hits them alike.

    CPU time is this process's only (Postgres works in its own): steadier on a busy machine.
    """
    from django.db import connection, reset_queries

    wall, cpu = {url: [] for url in urls}, {url: [] for url in urls}
    queries = {}
    for url in urls:
        client.get(url)  # warm caches
    for _ in range(repeat):
        for url in urls:
            reset_queries()
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu[url].append((time.process_time() - start_cpu) * 1000)
            wall[url].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            queries[url] = len(connection.queries)
    median = statistics.median
    return [(median(wall[url]), median(cpu[url]), queries[url]) for url in urls]


def run(per_page, repeat, bench_posts):
    from django.test import Client

    from comments.models import DiscussionSettings

    rules = DiscussionSettings.load()
    rules.threads_per_page = per_page
    rules.save()
    label = f"{per_page} threads per page (the default)" if per_page else "all on one page"
    print(f"\n{label}:")
    print(f"{'comments':>9} {'wall ms':>8} {'CPU ms':>7} {'queries':>8} {'CPU ms per comment':>19}")
    client = Client()
    client.cookies["reader"] = "bench"  # a reader the page cache skips: this measures rendering
    results = measure(client, [post.get_absolute_url() for post in bench_posts], repeat)
    base = results[0][1]
    for size, (wall, cpu, queries) in zip([0, *SIZES], results, strict=True):
        per = f"{(cpu - base) / size:.3f}" if size else ""
        print(f"{size:>9} {wall:>8.1f} {cpu:>7.1f} {queries:>8} {per:>19}")
    growth = (results[-1][1] - base) / max(results[-2][1] - base, 0.1)
    print(f"CPU time above the baseline, 100 → 1,000 comments (×10): ×{growth:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    setup_django()
    bench_posts = posts()
    for size, post in zip([0, *SIZES], bench_posts, strict=True):
        fill(post, size)
    run(50, args.repeat, bench_posts)
    run(0, args.repeat, bench_posts)


if __name__ == "__main__":
    main()
