"""The post and home pages with and without the page cache, next to /healthz and WordPress.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/page_cache.py [--seconds 10] [--connections 8]

It makes its own database (newsroom_bench_cache, or BENCH_DATABASE_URL) with the demo content,
gives the reference post 100 approved threaded comments (67 threads, 22 replies, 11 replies to
replies, as on the WordPress peer) beside its three pingbacks, serves it with gunicorn (one
sync worker per core, DEBUG off) and loads every address in the same run: "uncached" requests
carry a cookie, so the page cache leaves them to be rendered, as for a signed-in reader;
"cached" ones are anonymous readers. When the WordPress peer
(/work/shared/peers/wordpress-peer.sh, see its .md) answers on 127.0.0.1:8080, its post with
the same 103 responses and its front page are loaded in the same run too; otherwise it says so.
"""

import argparse
import http.client
import os
import subprocess
import sys

from loadgen import generator_name, load
from post_page import PYTHON, ROOT, bench_env, demo_site, free_port, gunicorn, post_url

PEER_PORT = 8080
PEER_POST = "/2014/09/15/why-iran-was-not-invited-to-the-anti-isis-club/"
READER_COOKIE = "reader=bench"
TOP_UP = """
from blog.models import Post
from comments.models import Comment
from tests.comments.factories import make_comment
post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
shown = Comment.objects.for_post(post).filter(kind="comment", status="approved")
for n in range(shown.count(), 100):
    parent = None
    if n >= 67:  # 22 replies to threads, then 11 replies to those replies
        above = shown.filter(level=0 if n < 89 else 1).order_by("pk")
        parent = above[(n * 7) % above.count()]
    make_comment(post, f"Comment {n}: a few words about it, and a link https://example.org/{n}",
                 parent=parent)
print(Comment.objects.for_post(post).filter(status="approved").count())
"""


def peer_up() -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PEER_PORT, timeout=3)
        conn.request("GET", PEER_POST)
        return conn.getresponse().status == 200
    except OSError:
        return False


def prepare(env):
    demo_site(env)
    env = {**env, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", TOP_UP], cwd=ROOT,
                         env=env, check=True, text=True, capture_output=True)  # fmt: skip
    return int(out.stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_cache")
    env = bench_env(url)
    responses = prepare(env)
    path = post_url(env)
    peer = peer_up()
    port = free_port()
    s, c = args.seconds, args.connections
    rows = []
    with gunicorn(env, port, args.workers):
        for target, cookie in [
            (path, READER_COOKIE),
            (path, None),
            ("/", READER_COOKIE),
            ("/", None),
        ]:
            load(port, target, 2, c, cookie)  # warm up both workers and the cache
        rows.append(("/healthz", load(port, "/healthz", s, c)))
        if peer:
            rows.append(("WordPress post (103 responses)", load(PEER_PORT, PEER_POST, s, c)))
        rows.append(("our post, uncached", load(port, path, s, c, READER_COOKIE)))
        rows.append(("our post, cached", load(port, path, s, c)))
        if peer:
            rows.append(("WordPress front page", load(PEER_PORT, "/", s, c)))
        rows.append(("our home, uncached", load(port, "/", s, c, READER_COOKIE)))
        rows.append(("our home, cached", load(port, "/", s, c)))
    report(rows, args, path, responses, peer)


def report(rows, args, path, responses, peer):
    rates = dict(rows)
    print(f"load generator: {generator_name()}, {args.connections} connections, "
          f"{args.seconds}s each; gunicorn workers: {args.workers}")  # fmt: skip
    print(f"post {path}: {responses} approved responses (comments and pingbacks)")
    if not peer:
        print("WordPress peer: not running on 127.0.0.1:8080, left out (install and start it with"
              " sudo /work/shared/peers/wordpress-peer.sh, see wordpress-peer.md)")  # fmt: skip
    healthz = rates["/healthz"]
    for name, rate in rows:
        print(f"{name:32} {rate:9.1f} req/s   {rate / healthz:6.3f} x /healthz")
    for ours, theirs in [("our post", "WordPress post (103 responses)"),
                         ("our home", "WordPress front page")]:  # fmt: skip
        if theirs in rates:
            for kind in ("uncached", "cached"):
                ratio = rates[f"{ours}, {kind}"] / rates[theirs]
                print(f"{ours}, {kind} / {theirs}: {ratio:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
