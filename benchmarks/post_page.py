"""Serve the reference post page with gunicorn under load; print req/s next to /healthz.

Usage (from the project root, after ./run or ./test has made .venv):
    .venv/bin/python benchmarks/post_page.py [--seconds 15] [--connections 16]

It makes its own database (newsroom_bench) with the demo content, starts gunicorn on
127.0.0.1 with DEBUG off, and drives it with wrk when installed (apt-get install wrk), else with
a small Python load generator in other processes. Both endpoints are measured in the same run, so
the ratio is meaningful on a noisy machine even when the absolute numbers are not.
"""

import argparse
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from loadgen import generator_name, load, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def bench_env(database_url):
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
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def demo_site(env):
    """The benchmark's own database, made if missing, migrated, with the demo content."""
    subprocess.run([PYTHON, "config/dbcheck.py", "create"], cwd=ROOT, env=env, check=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")


@contextmanager
def gunicorn(env, port, workers, *options):
    """gunicorn serving the blog on 127.0.0.1:port while the block runs, answering already."""
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", *options],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_url(env):
    code = (
        "from blog.models import Post;"
        "print(Post.objects.get(slug='why-iran-was-not-invited-to-the-anti-isis-club')"
        ".get_absolute_url())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=env, check=True, text=True, capture_output=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench"
    )
    env = bench_env(database_url)
    demo_site(env)
    path = post_url(env)

    port = free_port()
    with gunicorn(env, port, args.workers):
        load(port, path, 2, args.connections)  # warm up both workers' caches
        trivial = load(port, "/healthz", args.seconds, args.connections)
        post = load(port, path, args.seconds, args.connections)

    generator = generator_name()
    print(f"load generator: {generator}, {args.connections} connections, {args.seconds}s each")
    print(f"gunicorn workers: {args.workers}")
    print(f"trivial view /healthz: {trivial:8.1f} req/s")
    print(f"post page {path}: {post:8.1f} req/s")
    print(f"ratio post/trivial: {post / trivial:.3f}")


if __name__ == "__main__":
    main()
