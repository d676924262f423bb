"""What visitor counting costs: the post page's req/s with counting on and off, as a ratio.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/counting_overhead.py [--seconds 10] [--rounds 4] [--connections 8]

It makes its own database (BENCH_DATABASE_URL, default newsroom_bench) with the demo content and
starts two gunicorn servers on 127.0.0.1 (ports 8400 and 8401) from the same code and database,
one with COUNT_VIEWS=0 and one with COUNT_VIEWS=1. In each round both get the same load at the
same time (wrk when installed, else Python clients in other processes; a browser's User-Agent, so
every request is a view that counts), so whatever else the machine does slows both alike; the
ratio printed is the median of the rounds' ratios. Between rounds the buffered views are folded
into the daily counts, as the worker's periodic task does, and the fold's own speed is printed.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from loadgen import generator_name, load, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORTS = {"off": 8400, "on": 8401}


def bench_env(database_url, count_views):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "SECURE_SSL_REDIRECT": "0",
        "SECURITY_CONTACT": "security@example.com",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "COUNT_VIEWS": "1" if count_views else "0",
    }


def manage(env, *args):
    """Run a management command; its last line of output."""
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True
    )
    if out.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def fold(env):
    """Fold the buffered views as the periodic task does; returns (views folded, seconds)."""
    code = (
        "import time; from blog.stats.services import views_fold; started = time.monotonic(); "
        "folded = views_fold(); print(folded, time.monotonic() - started)"
    )
    folded, seconds = manage(env, "shell", "--no-imports", "-c", code).split()
    return int(folded), float(seconds)


def start_server(env, port, workers):
    if not port_free(port):
        raise SystemExit(f"port {port} is taken; stop what runs there first")
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    # Two servers run at once: together they have one worker per core.
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    args = parser.parse_args()

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench"
    )
    envs = {mode: bench_env(database_url, mode == "on") for mode in PORTS}
    subprocess.run([PYTHON, "config/dbcheck.py", "create"], cwd=ROOT, env=envs["on"], check=True)
    manage(envs["on"], "migrate", "--noinput", "-v0")
    manage(envs["on"], "seed_demo", "-v0")
    manage(envs["on"], "collectstatic", "--noinput", "-v0")
    path = manage(
        envs["on"], "shell", "--no-imports", "-c",
        "from blog.models import Post;"
        "print(Post.objects.get(slug='why-iran-was-not-invited-to-the-anti-isis-club')"
        ".get_absolute_url())",
    )  # fmt: skip
    fold(envs["on"])  # start from an empty buffer

    servers = {mode: start_server(envs[mode], PORTS[mode], args.workers) for mode in PORTS}
    results, folds = {"off": [], "on": []}, []
    try:
        for port in PORTS.values():
            wait_until_up(port)
            load(port, path, 2, args.connections)  # warm up the workers
        fold(envs["on"])
        for _round in range(args.rounds):
            # Both servers are loaded at the same time: whatever else the machine is doing
            # slows both alike, and each gets the CPU share the scheduler gives it.
            with ThreadPoolExecutor(2) as pool:
                rates = {
                    mode: pool.submit(load, port, path, args.seconds, args.connections)
                    for mode, port in PORTS.items()
                }
            for mode, rate in rates.items():
                results[mode].append(rate.result())
            folds.append(fold(envs["on"]))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)

    off, on = statistics.median(results["off"]), statistics.median(results["on"])
    ratios = [b / a for a, b in zip(results["off"], results["on"], strict=True)]
    folded = sum(n for n, _ in folds)
    fold_seconds = sum(s for _, s in folds)
    generator = generator_name()
    print(f"load: {generator}, {args.connections} connections per server, {args.seconds}s a round")
    print(f"gunicorn workers: {args.workers} per server; {args.rounds} rounds, both loaded at once")
    print(f"post page {path}")
    for mode, median in (("off", off), ("on", on)):
        rounds = ", ".join(f"{rate:.1f}" for rate in results[mode])
        print(f"counting {mode + ':':4} {median:8.1f} req/s (median; rounds: {rounds})")
    print(
        f"ratio on/off: {statistics.median(ratios):.3f} (median of the rounds' ratios; "
        f"min {min(ratios):.3f}, max {max(ratios):.3f})"
    )
    print(f"fold: {folded} buffered views in {fold_seconds:.3f}s ({folded / fold_seconds:.0f}/s)")


if __name__ == "__main__":
    main()
