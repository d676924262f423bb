"""Home-page latency while 20 pingbacks from slow sources are in flight, against idle.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/pingback_flood.py [--pings 20] [--delay 4] [--waiters 2]

It makes its own database (newsroom_bench_pings) with the demo content, serves it with gunicorn
(3 sync workers, DEBUG off) on 127.0.0.1 beside a `manage.py procrastinate worker`, and serves
slow source pages (each answers after --delay seconds, under the fetch's 5 s deadline) from an
HTTP server of its own on 127.0.0.1 and 127.0.0.2. For each setting of PINGBACK_WAITERS (the
default bound, then one at least as large as the flood, as before the bound existed) it times
home-page requests one after another while idle, then (a reader every 0.25 s) while the
pingbacks are in flight, and prints the ratios of the median, 90th percentile and slowest to
the idle median, all measured in the same run. At the end it waits for the worker and counts
the pingbacks it verified.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import threading
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dj_database_url
import psycopg
from loadgen import AGENT, wait_until_up
from post_page import PYTHON, ROOT, bench_env, demo_site, free_port, post_url

SOURCE_HOSTS = ["127.0.0.1", "127.0.0.2"]  # 10 a host at most (PING_RATE_LIMIT_SOURCE_HOST)
GUNICORN_WORKERS = 3
READER_INTERVAL = 0.25  # seconds between readers' home-page requests during the flood


def source_servers(delay: float) -> list[ThreadingHTTPServer]:
    """One slow server per SOURCE_HOSTS address, answering a page that links to the address
    in the servers' .target (set by each run: the blog's port changes)."""

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(delay)
            page = (
                "<html><head><title>A slow blog</title></head><body><p>See "
                f"<a href='{self.server.target}'>this post</a> about it.</p></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    servers = []
    port = free_port()
    for host in SOURCE_HOSTS:
        server = ThreadingHTTPServer((host, port), Slow)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def home_latency(port: int) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/", headers={"User-Agent": AGENT})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"the home page answered {response.status}")
    return time.perf_counter() - started


def sample(port: int, count: int) -> list[float]:
    """count home-page requests one after another, idle."""
    return [home_latency(port) for _ in range(count)]


def quantile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def flood(port, sources, target, count, label) -> tuple[list[float], list[str]]:
    """Fire count pingbacks at once; time home pages one after another until all answered."""
    answers = []

    def one(n):
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/")
        source = f"{sources[n % len(sources)]}/{label}/{n}"
        try:
            answers.append(proxy.pingback.ping(source, target))
        except xmlrpc.client.Fault as fault:
            answers.append(f"fault {fault.faultCode}")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # every ping is in a web process's queue or in one
    latencies, readers = [], []
    while any(thread.is_alive() for thread in threads) or not readers:
        # Open loop: a reader arrives every READER_INTERVAL whether the last one got its page
        # or not, so the figures sample the whole flood, not just the moments it lets go.
        reader = threading.Thread(target=lambda: latencies.append(home_latency(port)))
        reader.start()
        readers.append(reader)
        time.sleep(READER_INTERVAL)
    for thread in threads + readers:
        thread.join()
    return latencies, answers


def db(env):
    cfg = dj_database_url.parse(env["DATABASE_URL"])
    return psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
        password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], autocommit=True,
    )  # fmt: skip


def reset(env):
    """Forget the rate-limit counters and earlier runs' pings, so every run starts alike."""
    with db(env) as conn:
        conn.execute("DELETE FROM blog_ratecounter")
        conn.execute("DELETE FROM comments_mentionrequest")
        conn.execute("DELETE FROM comments_comment WHERE source_url LIKE 'http://127.0.0.%'")


def verified(env, label, timeout=120) -> dict:
    """The pingback requests of run label by status, once none is waiting (or at timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        with db(env) as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM comments_mentionrequest WHERE source LIKE %s "
                "GROUP BY status",
                [f"%/{label}/%"],
            ).fetchall()
        counts = dict(rows)
        if not counts.get("queued") or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def run(env, args, waiters, target, servers) -> dict:
    sources = [f"http://{host}:{servers[0].server_address[1]}" for host in SOURCE_HOSTS]
    port = free_port()
    env = {**env, "PINGBACK_WAITERS": str(waiters), "SITE_URL": f"http://127.0.0.1:{port}"}
    reset(env)
    web = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(GUNICORN_WORKERS), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen([PYTHON, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        sample(port, 6)  # warm every worker's caches
        idle = sample(port, args.idle)
        label = f"w{waiters}"
        for server in servers:
            server.target = env["SITE_URL"] + target
        during, answers = flood(port, sources, server.target, args.pings, label)
        outcome = verified(env, label)
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)
    waited = sum("registered" in answer for answer in answers)
    received = sum("received" in answer for answer in answers)
    return {"idle": idle, "during": during, "waited": waited, "received": received,
            "other": len(answers) - waited - received, "outcome": outcome}  # fmt: skip


def report(waiters, result):
    idle, during = result["idle"], result["during"]
    print(f"\nPINGBACK_WAITERS={waiters}")
    print(
        f"  answers: {result['waited']} waited for the verdict (registered), "
        f"{result['received']} 'received' at once, {result['other']} other"
    )
    print(f"  worker afterwards: {result['outcome']}")
    for name, values in (("idle home page", idle), ("during the flood", during)):
        print(
            f"  {name:17} median {statistics.median(values) * 1000:6.0f} ms, "
            f"90% {quantile(values, 0.9) * 1000:6.0f} ms, slowest {max(values) * 1000:6.0f} ms "
            f"({len(values)} requests)"
        )
    base = statistics.median(idle)
    print(
        f"  ratio flood/idle: median {statistics.median(during) / base:.1f}, "
        f"90% {quantile(during, 0.9) / base:.1f}, slowest {max(during) / base:.1f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pings", type=int, default=20)
    parser.add_argument("--delay", type=float, default=4.0)
    parser.add_argument("--idle", type=int, default=20, help="idle home-page requests timed")
    parser.add_argument("--waiters", type=int, default=2, help="the bound to measure")
    args = parser.parse_args()

    env = bench_env(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_pings")
    )
    env.update(ALLOW_LOOPBACK_FETCH="1", WORKER_CONCURRENCY="4", LOG_LEVEL="ERROR")
    demo_site(env)
    target = post_url(env)
    servers = source_servers(args.delay)

    print(f"{args.pings} pingbacks at once, sources answering after {args.delay:g} s; "
          f"gunicorn {GUNICORN_WORKERS} sync workers, one task worker")  # fmt: skip
    for waiters in (args.waiters, max(args.pings, 20)):
        report(waiters, run(env, args, waiters, target, servers))


if __name__ == "__main__":
    main()
