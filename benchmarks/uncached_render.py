"""CPU ms per uncached post and home page in one process, per comment, and next to /healthz.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/uncached_render.py [--repeat 200] [--profile post|home]

It makes its own database (newsroom_bench_render, or BENCH_DATABASE_URL) as
benchmarks/page_cache.py does: the demo content, the reference post with 100 threaded comments
beside its 3 pingbacks. It adds a copy of that post without any response (same body, tags,
categories and images) as the baseline for "per comment". Then, in this one process with the
settings gunicorn gets (DEBUG off, the page cache in PostgreSQL), it renders each page with
Django's test client carrying a cookie, so the page cache leaves it to be rendered (a miss, or a
signed-in reader), the pages taking turns, and prints the median CPU ms (time.process_time: this
process only, PostgreSQL works in its own), the SQL queries and cache round trips per page, and
the ratios to /healthz. CPU time is steadier than wall time on a shared machine. "--profile"
prints cProfile's top functions for one page instead.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from page_cache import prepare_demo, shell  # noqa: E402
from post_page import bench_env  # noqa: E402

BASELINE_SLUG = "bench-no-responses"
RESPONSES = """
from blog.models import Post
from comments.models import Comment
post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
print(Comment.objects.for_post(post).filter(status="approved").count())
"""
COOKIE = ("reader", "bench")  # any cookie but CSRF's: the page cache renders for this reader


def setup(url):
    env = {**bench_env(url), "ALLOWED_HOSTS": "testserver,127.0.0.1", "COUNT_VIEWS": "0"}
    prepare_demo(env)  # a fresh demo site, the 100 comments, all on one page; idempotent
    responses = int(shell(env, RESPONSES).split()[-1])
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return responses


def baseline_post(post):
    """A copy of the post without responses, dated before every other post (not on the home
    page): the same page but for its responses. Made afresh, as the demo content may change."""
    from blog.models import Post

    Post.objects.filter(slug=BASELINE_SLUG).delete()
    tags, categories = list(post.tags.all()), list(post.categories.all())
    copy = Post.objects.get(pk=post.pk)
    copy.pk = copy.id = None
    copy.slug = BASELINE_SLUG
    first = Post.objects.order_by("published_at").first().published_at
    copy.published_at = first.replace(year=first.year - 1)
    copy.save()
    copy.tags.set(tags)
    copy.categories.set(categories)
    return copy


class Counter:
    """Counts the calls to the cache while on (a call inside another, as DatabaseCache.get
    calling get_many, is the same round trip)."""

    METHODS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "touch",
               "has_key", "incr")  # fmt: skip

    def __init__(self):
        self.calls, self.depth, self.backend, self.originals = 0, 0, None, {}

    def __enter__(self):
        from django.core.cache import caches

        backend = caches["default"]
        for name in self.METHODS:
            original = getattr(backend, name)
            self.originals[name] = original

            def counted(*args, _original=original, **kwargs):
                self.calls += self.depth == 0
                self.depth += 1
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.depth -= 1

            setattr(backend, name, counted)
        self.backend = backend
        return self

    def __exit__(self, *exc):
        for name in self.originals:
            delattr(self.backend, name)


def counts(client, url):
    """(SQL queries not to the cache table, cache round trips) of one request."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured, Counter() as cache_calls:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [q["sql"] for q in captured.captured_queries if settings.CACHE_TABLE not in q["sql"]]
    return len(sql), cache_calls.calls, sql


def measure(client, urls, repeat):
    """Median CPU and wall ms per URL; the URLs take turns so other load hits them alike."""
    cpu = {url: [] for url in urls}
    wall = {url: [] for url in urls}
    for _ in range(repeat):
        for url in urls:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu[url].append((time.process_time() - start_cpu) * 1000)
            wall[url].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    med = statistics.median
    return {url: (med(cpu[url]), med(wall[url])) for url in urls}


def profile(client, url, repeat):
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"wt-[a-z]+/(blog|comments|config)/|templatetags|library.py|loader_tags", 60)
    stats.sort_stats("tottime").print_stats(35)


def sample(client, url, repeat, interval=0.0005):
    """A CPU sampling profile (SIGPROF every interval of CPU time): cProfile's own cost per
    call is larger than the template engine's small calls, so it misplaces the time. Prints
    the functions with the largest share of samples, inclusive and exclusive."""
    import collections
    import signal

    inclusive, exclusive, total = collections.Counter(), collections.Counter(), [0]
    lines = collections.Counter()  # template lines (tags, variables), inclusive

    def record(signum, frame):
        total[0] += 1
        seen = set()
        exclusive[_where(frame)] += 1
        while frame is not None:
            where = _where(frame)
            if where not in seen:
                seen.add(where)
                inclusive[where] += 1
            if frame.f_code.co_name == "render_annotated":
                node = frame.f_locals.get("self")
                token = getattr(node, "token", None)
                origin = getattr(node, "origin", None)
                if token is not None and origin is not None:
                    line = f"{origin.template_name}:{token.lineno} {token.contents[:60]}"
                    if line not in seen:
                        seen.add(line)
                        lines[line] += 1
            frame = frame.f_back

    signal.signal(signal.SIGPROF, record)
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    for _ in range(repeat):
        client.get(url)
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    for title, counter in [("inclusive", inclusive), ("exclusive", exclusive)]:
        print(f"--- {title} share of {total[0]} samples")
        for where, n in counter.most_common(70):
            print(f"{100 * n / total[0]:6.1f}%  {where}")
    print("--- template lines, inclusive")
    for line, n in lines.most_common(45):
        print(f"{100 * n / total[0]:6.1f}%  {line}")
    print("--- the project's own functions, inclusive")
    for where, n in inclusive.most_common():
        if where.startswith(("blog/", "comments/", "templates/")) and n * 200 >= total[0]:
            print(f"{100 * n / total[0]:6.1f}%  {where}")


def _where(frame):
    code = frame.f_code
    name = code.co_filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
    return f"{name}:{code.co_firstlineno}({code.co_name})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", choices=["post", "home", "baseline"])
    parser.add_argument("--sample", choices=["post", "home", "baseline"])
    parser.add_argument("--show-sql", action="store_true")
    args = parser.parse_args()
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_render"
    )
    responses = setup(url)

    from django.test import Client

    from blog.models import Post

    post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
    base = baseline_post(post)
    urls = {"post": post.get_absolute_url(), "baseline": base.get_absolute_url(), "home": "/",
            "healthz": "/healthz"}  # fmt: skip
    client = Client()
    client.cookies[COOKIE[0]] = COOKIE[1]
    for page in urls.values():
        for _ in range(3):
            client.get(page)  # warm: templates, fragments, connections
    if args.sample:
        sample(client, urls[args.sample], args.repeat)
        return
    if args.profile:
        profile(client, urls[args.profile], args.repeat)
        return
    numbers = {name: counts(client, page) for name, page in urls.items()}
    if args.show_sql:
        for name, (_q, _c, sql) in numbers.items():
            print(f"--- {name}:", *sql, sep="\n  ")
    # The page shows one page of threads (Discussion settings: 50 by default), maybe not all.
    shown = client.get(urls["post"]).content.decode().count('<li id="comment-')
    times = measure(client, list(urls.values()), args.repeat)
    report(urls, times, numbers, responses, shown, args.repeat)


def report(urls, times, numbers, responses, shown, repeat):
    healthz = times[urls["healthz"]][0]
    print(f"{repeat} requests each, taking turns, in one process; DEBUG off; cookie {COOKIE[0]}=")
    print(f"reference post: {responses} approved responses ({shown} shown on the page)")
    print(
        f"{'page':34} {'CPU ms':>7} {'wall ms':>8} {'queries':>8} {'cache':>6} {'x /healthz':>11}"
    )
    labels = {"post": "post, 103 responses", "baseline": "the same post, no responses",
              "home": "home", "healthz": "/healthz"}  # fmt: skip
    for name, url in urls.items():
        cpu, wall = times[url]
        queries, cache_calls, _sql = numbers[name]
        print(f"{labels[name]:34} {cpu:7.2f} {wall:8.2f} {queries:8} {cache_calls:6} "
              f"{healthz / cpu:11.3f}")  # fmt: skip
    per = (times[urls["post"]][0] - times[urls["baseline"]][0]) / shown
    print(f"per response shown (post - the same post without responses) / {shown}: {per:.4f} ms")


if __name__ == "__main__":
    main()
