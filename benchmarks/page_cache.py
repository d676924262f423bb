"""The post and home pages with and without the page cache, next to /healthz and WordPress.

Usage (from the project root, after ./run or ./test has made .venv; as root for the peer):
    .venv/bin/python benchmarks/page_cache.py [--seconds 15] [--connections 8]

When the WordPress peer (/work/shared/peers/wordpress-peer.sh, see its .md) answers on
127.0.0.1:8080, both sides serve the same content: the peer's own WXR export (WordPress's
export_wp(), run as www-data, which needs root and the peer's files) is imported with
`manage.py import_wordpress` into a fresh benchmark database (newsroom_bench_cache, or
BENCH_DATABASE_URL), with comment paging off and threads 5 deep as on the peer, so the
reference post shows its 100 threaded comments and 3 pingbacks on one page on both sides.
When the peer is not installed, or its export cannot be made, it says so and uses the demo
content, with the reference post given 100 approved threaded comments beside its pingbacks.

It serves the blog with gunicorn (one sync worker per core, DEBUG off) and loads, one after
the other with the same wrk command: the peer's post, our post uncached, our post cached, the
peer's front page, our home uncached and cached, then cached: the post's category, tag, author
and month, the feed and the post's comments feed; and /healthz. "Uncached" requests carry a
cookie, so the page cache leaves them to be rendered, as for a signed-in reader; "cached" ones
are anonymous readers. Every request to our pages is a counted view (browser User-Agent); at the
end it checks that the view rows written (in batches, blog.stats) match the answers.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
from loadgen import AGENT, generator_name, load_counted
from post_page import PYTHON, ROOT, bench_env, demo_site, free_port, gunicorn, manage, post_url

PEER_PORT = 8080
PEER_POST = "/2014/09/15/why-iran-was-not-invited-to-the-anti-isis-club/"
WORDPRESS = Path("/usr/share/wordpress")
EXPORT = (
    'cd /usr/share/wordpress && php -r \'$_SERVER["HTTP_HOST"]="127.0.0.1:8080"; '
    'define("WP_ADMIN", true); require "wp-load.php"; '
    'require ABSPATH . "wp-admin/includes/export.php"; export_wp();\''
)
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
"""
# As on the peer: comment paging off, threads 5 deep.
ONE_PAGE = """
from comments.models import DiscussionSettings
rules = DiscussionSettings.load()
rules.threads_per_page, rules.thread_depth = 0, 5
rules.save()
"""
COUNT_VIEWS = "from blog.stats.models import ViewEvent; print(ViewEvent.objects.count())"


def peer_up() -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PEER_PORT, timeout=30)  # a busy machine
        conn.request("GET", PEER_POST)
        return conn.getresponse().status == 200
    except OSError:
        return False


def peer_export(path: Path) -> str | None:
    """Write the peer's WXR export to path; None when done, else why it could not be made."""
    if not (WORDPRESS / "wp-load.php").exists():
        return f"{WORDPRESS} is not on this machine"
    if os.geteuid() != 0:
        return "the export runs as www-data through su, which needs root"
    done = subprocess.run(["su", "-s", "/bin/bash", "www-data", "-c", EXPORT],
                          capture_output=True, timeout=120)  # fmt: skip
    if done.returncode != 0 or b"<rss" not in done.stdout[:2000]:
        return f"WordPress's export_wp() failed: {done.stderr.decode(errors='replace')[:300]}"
    path.write_bytes(done.stdout)
    return None


def shell(env, code):
    env = {**env, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
                         env=env, check=True, text=True, capture_output=True)  # fmt: skip
    return out.stdout.strip()


LIST_PAGES = """
from django.utils import timezone
from blog.models import Post
post = Post.objects.get(slug="why-iran-was-not-invited-to-the-anti-isis-club")
day = timezone.localtime(post.published_at)
category = post.categories.order_by("path").first()
tag = post.tags.order_by("name").first()
print(category.get_absolute_url() if category else "-")
print(f"/tag/{tag.slug}/" if tag else "-")
print(f"/author/{post.author.username}/")
print(f"/{day.year}/{day.month:02d}/")
print("/feed/")
print(post.get_absolute_url() + "feed/")
"""
LIST_KINDS = ["category", "tag", "author", "month archive", "feed", "post's comments feed"]


def counted(target) -> bool:
    """Whether a request to our target is a counted view (feeds and /healthz are not)."""
    return target != "/healthz" and not target.endswith("feed/")


def list_pages(env) -> list[tuple[str, str]]:
    """(kind, path) of the other kinds of page the cache keeps, each one the post is on."""
    paths = shell(env, LIST_PAGES).splitlines()[-len(LIST_KINDS) :]
    return [(kind, path) for kind, path in zip(LIST_KINDS, paths, strict=True) if path != "-"]


def fresh_database(url):
    """Drop the benchmark's own database (its name must say bench), so the import starts empty."""
    name = dj_database_url.parse(url)["NAME"]
    if "bench" not in name:
        raise SystemExit(f"{name}: the benchmark only drops a database whose name says bench")
    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None,
                         user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:  # fmt: skip
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_from_peer(env, url, wxr: Path):
    fresh_database(url)
    subprocess.run([PYTHON, "config/dbcheck.py", "create"], cwd=ROOT, env=env, check=True)
    manage(env, "migrate", "--noinput", "-v0")
    subprocess.run([PYTHON, "manage.py", "import_wordpress", str(wxr)], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip
    manage(env, "collectstatic", "--noinput", "-v0")
    shell(env, ONE_PAGE)


def prepare_demo(env):
    demo_site(env)
    shell(env, TOP_UP)
    shell(env, ONE_PAGE)


def responses_shown(port, path) -> int:
    """How many comments and pingbacks our post page shows (rendered, not from the cache)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"User-Agent": AGENT, "Cookie": READER_COOKIE})
    page = conn.getresponse().read().decode()
    if "?page=2" in page or "cpage=2" in page:
        raise SystemExit(f"{path} splits its comments over pages; the peer shows them on one")
    return len(set(re.findall(r'id="comment-(\d+)"', page)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_cache")
    env = bench_env(url)
    peer, content = peer_up(), "the demo content"
    if not peer:
        print(
            "WordPress peer: not answering on 127.0.0.1:8080, left out (install and start it"
            " with sudo /work/shared/peers/wordpress-peer.sh, see wordpress-peer.md)"
        )
    wxr = ROOT / "var" / "peer-export.xml"
    wxr.parent.mkdir(exist_ok=True)
    why = peer_export(wxr) if peer else "no peer"
    if peer and why is None:
        prepare_from_peer(env, url, wxr)
        content = "the peer's own WXR export, imported"
    else:
        if peer:
            print(f"WordPress peer: its content could not be exported ({why}); "
                  "measuring against the demo content instead, NOT the same posts")  # fmt: skip
        prepare_demo(env)
    path = post_url(env)
    others = list_pages(env)
    port = free_port()
    s, c = args.seconds, args.connections
    rows, ours = [], 0
    views_before = int(shell(env, COUNT_VIEWS).split()[-1])

    def measure(name, port_, target, cookie=None):
        nonlocal ours
        rate, answered = load_counted(port_, target, s, c, cookie)
        ours += answered if port_ == port and counted(target) else 0
        rows.append((name, rate))

    with gunicorn(env, port, args.workers):
        shown = responses_shown(port, path)
        for target, cookie in [(path, READER_COOKIE), (path, None),
                               ("/", READER_COOKIE), ("/", None)]:  # fmt: skip
            ours += load_counted(port, target, 2, c, cookie)[1]  # warm both workers and the cache
        if peer:
            measure("WordPress post (103 responses)", PEER_PORT, PEER_POST)
        measure("our post, uncached", port, path, READER_COOKIE)
        measure("our post, cached", port, path)
        if peer:
            measure("WordPress front page", PEER_PORT, "/")
        measure("our home, uncached", port, "/", READER_COOKIE)
        measure("our home, cached", port, "/")
        for kind, target in others:
            answered = load_counted(port, target, 1, c, None)[1]  # into the cache
            ours += answered if counted(target) else 0
            measure(f"our {kind}, cached", port, target)
        measure("/healthz", port, "/healthz")
    # gunicorn has stopped: its workers wrote the views they held at exit.
    views = int(shell(env, COUNT_VIEWS).split()[-1]) - views_before
    report(rows, args, path, shown, content)
    print(f"views counted: {views} rows for {ours} answers wrk saw to our pages"
          " (a few more are requests answered as wrk stopped)")  # fmt: skip


def report(rows, args, path, shown, content):
    rates = dict(rows)
    print(f"load generator: {generator_name()}, {args.connections} connections, "
          f"{args.seconds}s each; gunicorn workers: {args.workers}")  # fmt: skip
    print(f"content: {content}")
    print(f"our post {path}: {shown} responses (comments and pingbacks) on one page")
    print("the other cached pages: the post's first category and tag, its author, its month,"
          " the site's feed and the post's comments feed")  # fmt: skip
    healthz = rates["/healthz"]
    for name, rate in rows:
        print(f"{name:32} {rate:9.1f} req/s   {rate / healthz:6.3f} x /healthz")
    for ours, theirs in [("our post", "WordPress post (103 responses)"),
                         ("our home", "WordPress front page")]:  # fmt: skip
        if rates.get(theirs) == 0:
            print(f"{theirs}: no answer within the run (machine too busy?), no ratio")
        elif theirs in rates:
            for kind in ("uncached", "cached"):
                ratio = rates[f"{ours}, {kind}"] / rates[theirs]
                print(f"{ours}, {kind} / {theirs}: {ratio:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
