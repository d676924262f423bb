"""Send one new post to 40,000 followers with the real worker; compare with smtplib's best.

Usage (from the project root):
    .venv/bin/python benchmarks/followers_fanout.py [--followers 40000] [--concurrency 4]

It makes its own database (BENCH_DATABASE_URL, default newsroom_bench_followers) with that many
active followers and one post, and starts an SMTP sink (aiosmtpd in a process of its own, which
counts the messages and drops them) on 127.0.0.1. First the baseline: as many copies of a
ready-made message (this post's, as a follower gets it) pushed through one smtplib connection,
the most this machine's SMTP path takes from one sender. Then the post is published as the admin
publishes it and `manage.py procrastinate worker` (DEBUG off) delivers it to everyone: the time
runs from the save to the last message at the sink. It prints both rates, their ratio, the total
time and the worker's peak resident memory (VmHWM).
"""

import argparse
import asyncio
import multiprocessing
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))


def bench_env(database_url, email_url, concurrency):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://blog.example.com",
        "EMAIL_URL": email_url,
        "SECURE_SSL_REDIRECT": "0",
        "SECURITY_CONTACT": "security@example.com",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "WORKER_CONCURRENCY": str(concurrency),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def free_port():
    import socket

    for port in range(8300, 8350):  # the ports this project's benchmarks may use
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8300-8349")


def run_sink(port, counter, ready):
    """An SMTP server that accepts everything and counts it; runs until killed."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    asyncio.run(asyncio.Event().wait())


def wait_for_count(counter, target, timeout):
    deadline = time.monotonic() + timeout
    while counter.value < target:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {counter.value} of {target} messages arrived")
        time.sleep(0.02)
    return time.monotonic()


def setup(count):
    """Fresh followers and a draft post; the job queue emptied."""
    from django.db import connection
    from django.utils import timezone

    from blog.followers.models import Delivery, Follower
    from blog.models import Post
    from tests.factories import make_user

    Delivery.objects.all().delete()
    Follower.objects.all().delete()
    Post.objects.filter(slug="fan-out-benchmark").delete()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_workers CASCADE")
    now = timezone.now()
    Follower.objects.bulk_create(
        (
            Follower(email=f"reader{n:06d}@example.net", status="active", confirmed_at=now)
            for n in range(count)
        ),
        batch_size=5000,
    )
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.filter(username="bench-writer").first()
    author = author or make_user("bench-writer")
    body = "".join(
        f"<p>Paragraph {n} of the benchmark post, with words enough to look like news, "
        f"<a href='/about/'>a link</a> and an ampersand &amp; a quote “here”.</p>"
        for n in range(12)
    )
    return Post.objects.create(
        title="Fan-out benchmark: why Iran was not invited", slug="fan-out-benchmark",
        body=body, status=Post.Status.DRAFT, author=author,
    )  # fmt: skip


def baseline(post, port, count, counter):
    """Ready-made messages through one smtplib connection: the SMTP path's own limit."""
    from blog.followers import deliveries
    from blog.followers import services as followers

    mailing = deliveries.post_mailing(post)
    raw = mailing.message_bytes(
        to="reader000000@example.net",
        unsubscribe_url=followers.unsubscribe_url(1),
        message_key="baseline",
    )
    start_count = counter.value
    smtp = smtplib.SMTP("127.0.0.1", port)
    started = time.monotonic()
    for n in range(count):
        smtp.sendmail(mailing.envelope_from, [f"reader{n:06d}@example.net"], raw)
    smtp.quit()
    ended = wait_for_count(counter, start_count + count, 60)
    return ended - started, len(raw)


def cpu_seconds(pid):
    """User and system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_for_worker(timeout=30):
    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM procrastinate_workers")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise SystemExit("the worker did not start")


def fan_out(post, env, count, counter):
    """Publish the post as the admin does; the worker delivers it. Time to the last message."""
    from blog.followers.models import Delivery
    from blog.models import Post

    worker = subprocess.Popen([PYTHON, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env)
    try:
        wait_for_worker()
        start_count = counter.value
        started = time.monotonic()
        post.status = Post.Status.PUBLISHED
        post.save()  # commits; on commit the announcement job is queued
        saved = time.monotonic()
        ended = wait_for_count(counter, start_count + count, 1800)
        rss, cpu = peak_rss_mb(worker.pid), cpu_seconds(worker.pid)
        sent = Delivery.objects.filter(post=post, status="sent").count()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return ended - started, saved - started, rss, cpu, sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=40_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    port = free_port()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1/newsroom_bench_followers"
    )
    env = bench_env(database_url, f"smtp://127.0.0.1:{port}", args.concurrency)
    os.environ.update(env)
    subprocess.run([PYTHON, "config/dbcheck.py", "create"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from procrastinate.contrib.django import app
    from procrastinate.contrib.django.django_connector import DjangoConnector

    counter, ready = multiprocessing.Value("q", 0), multiprocessing.Event()
    sink = multiprocessing.Process(target=run_sink, args=(port, counter, ready), daemon=True)
    sink.start()
    ready.wait(10)
    try:
        post = setup(args.followers)
        # Half the baseline before the fan-out and half after, so that a machine that gets
        # busier or quieter meanwhile (others share it) weighs on both sides alike.
        first_half, second_half = args.followers // 2, args.followers - args.followers // 2
        sink_cpu = cpu_seconds(sink.pid)
        base_before, size = baseline(post, port, first_half, counter)
        base_sink_cpu, sink_cpu = cpu_seconds(sink.pid) - sink_cpu, cpu_seconds(sink.pid)
        with app.replace_connector(DjangoConnector()):
            seconds, save_seconds, rss, cpu, sent = fan_out(post, env, args.followers, counter)
        fan_sink_cpu, sink_cpu = cpu_seconds(sink.pid) - sink_cpu, cpu_seconds(sink.pid)
        base_after, _size = baseline(post, port, second_half, counter)
        base_sink_cpu += cpu_seconds(sink.pid) - sink_cpu
        base_seconds = base_before + base_after
    finally:
        sink.kill()

    base_rate, rate = args.followers / base_seconds, args.followers / seconds
    print(f"followers: {args.followers}, message size: {size} bytes, worker concurrency: "
          f"{args.concurrency}, CPUs: {os.cpu_count()}")  # fmt: skip
    print(f"baseline, one smtplib connection: {base_rate:8.1f} messages/s ({base_seconds:.1f} s; "
          f"{first_half / base_before:.0f}/s before the fan-out, "
          f"{second_half / base_after:.0f}/s after)")  # fmt: skip
    print(f"worker, publish to last message:  {rate:8.1f} messages/s ({seconds:.1f} s)")
    print(f"ratio worker/baseline: {rate / base_rate:.2f}")
    print(f"publishing (the save) took {save_seconds * 1000:.0f} ms")
    print(f"worker peak RSS: {rss:.0f} MB")
    per = 1e6 / args.followers
    print(f"CPU per message: worker {cpu * per:.0f} us; SMTP sink {base_sink_cpu * per:.0f} us "
          f"(baseline), {fan_sink_cpu * per:.0f} us (worker)")  # fmt: skip
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"ledger rows marked sent: {sent}")


if __name__ == "__main__":
    main()
