"""The worker is killed (SIGKILL) in the middle of sending a post to 2,000 followers.

Real everything: the post is saved as the admin saves it, `manage.py procrastinate worker`
announces it and sends through a real SMTP server on 127.0.0.1, the worker dies mid-way, a new
one starts, and Procrastinate's stalled-job recovery (heartbeats) hands it the dead worker's
batches. Every follower must get the post; a duplicate is allowed only for a message that was
in flight when the worker died, at most one per open SMTP connection (one per running batch).
"""

import asyncio
import signal
import time

import pytest
from django.db import connection
from procrastinate.contrib.django.django_connector import DjangoConnector

from blog.followers.models import Delivery, Follower
from tests import worker
from tests.factories import make_post
from tests.smtpserver import SMTPServer
from tests.worker import forget_jobs, start_worker, stop_workers, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWERS = 2000
CONCURRENCY = 4


def worker_env(email_url):
    return worker.worker_env(
        EMAIL_URL=email_url,
        WORKER_CONCURRENCY=CONCURRENCY,
        WORKER_STALLED_SECONDS=3,  # heartbeat every second; dead after three silent ones
    )


def running_batches():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs "
            "WHERE status = 'doing' AND task_name = 'blog.followers.tasks.send_post_batch'"
        )
        return cursor.fetchone()[0]


def test_killed_worker_mid_fan_out_skips_nobody_and_repeats_at_most_the_in_flight(task_queue):
    addresses = [f"follower{n:04d}@example.com" for n in range(FOLLOWERS)]
    Follower.objects.bulk_create(Follower(email=a, status="active") for a in addresses)
    workers = []
    with SMTPServer() as smtp, task_queue.replace_connector(DjangoConnector()):
        try:
            env = worker_env(smtp.url)
            workers.append(start_worker(env))
            started = time.monotonic()
            post = make_post("Sent while a worker dies")  # the admin's save queues the rest
            assert smtp.recorder.wait_for(FOLLOWERS // 4, timeout=60), "sending never started"
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            at_kill = len(smtp.recorder.recipients())
            in_flight_bound = running_batches()  # each running batch had one SMTP connection
            assert at_kill < FOLLOWERS, "the worker finished before it could be killed"

            workers.append(start_worker(env))
            restarted = time.monotonic()
            done = wait_until(
                lambda: (
                    not Delivery.objects.filter(post=post, status="queued").exists()
                    and len(set(smtp.recorder.recipients())) >= FOLLOWERS
                ),
                timeout=120,
            )
            finished = time.monotonic()
            time.sleep(1)  # a late duplicate would show up now
        finally:
            stop_workers(workers)
            forget_jobs()

    received = smtp.recorder.recipients()
    duplicates = len(received) - len(set(received))
    print(
        f"\n{FOLLOWERS} followers; worker killed after {at_kill} messages "
        f"({restarted - started:.1f} s) with {in_flight_bound} batches running; the new worker "
        f"finished in {finished - restarted:.1f} s; {len(received)} messages received, "
        f"{duplicates} duplicate(s)"
    )
    assert done, "the restarted worker did not finish the fan-out"
    assert set(received) == set(addresses)  # everyone got the post
    assert duplicates <= in_flight_bound <= CONCURRENCY
    assert Delivery.objects.filter(post=post, status="sent").count() == FOLLOWERS


def job_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status FROM procrastinate_jobs ORDER BY id")
        return cursor.fetchall()


def test_stalled_jobs_go_back_to_the_queue_and_a_dead_periodic_run_with_a_queued_twin_closes(
    task_queue,
):
    from types import SimpleNamespace

    from blog.followers.tasks import send_post_batch
    from blog.stats.tasks import fold_page_views
    from blog.tasks import retry_stalled_jobs

    postgres_queue = task_queue.replace_connector(DjangoConnector())
    with postgres_queue as app, connection.cursor() as cursor:
        try:
            cursor.execute(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - interval '1 hour') RETURNING id"
            )
            dead = cursor.fetchone()[0]
            batch = send_post_batch.configure(queueing_lock="followers:1:1").defer(
                post_id=1, first_id=1, last_id=9
            )
            dead_fold = fold_page_views.defer(timestamp=1)
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id IN (%s, %s)",
                [dead, batch, dead_fold],
            )
            fold_page_views.defer(timestamp=2)  # its next run, waiting with the same lock
            asyncio.run(retry_stalled_jobs(SimpleNamespace(app=app), timestamp=0))
            assert job_rows() == [
                ("blog.followers.tasks.send_post_batch", "todo"),  # runs again on a live worker
                ("blog.stats.tasks.fold_page_views", "failed"),
                ("blog.stats.tasks.fold_page_views", "todo"),
            ]
        finally:
            forget_jobs()
