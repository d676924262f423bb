"""A real `manage.py procrastinate worker` for tests that need the whole path: the test's
database (committed data: transaction=True tests), the Postgres queue, another process."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.django_connector import DjangoConnector

ROOT = Path(__file__).resolve().parents[1]


def worker_env(**settings) -> dict:
    """The environment of a worker on the test database; settings are extra variables."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SITE_URL": "http://testserver",
        "DEBUG": "1",
        "LOG_LEVEL": "ERROR",
        **{name: str(value) for name, value in settings.items()},
    }


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "-p", "0.3"], cwd=ROOT, env=env
    )


def stop_workers(workers) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)


def forget_jobs() -> None:
    """Leave the test database's queue empty for the tests that come after."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
            "procrastinate_workers CASCADE"
        )


@contextlib.contextmanager
def running_worker(task_queue, **settings):
    """Jobs deferred in the block go to Postgres, where a worker process runs them."""
    with task_queue.replace_connector(DjangoConnector()):
        worker = start_worker(worker_env(**settings))
        try:
            yield worker
        finally:
            stop_workers([worker])
            forget_jobs()


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def run_until_idle(run_jobs):
    """Run the in-memory queue's jobs like the worker until none is due (a job may queue
    others; jobs that wait for a retry stay queued); the jobs, as run_jobs() returns them."""
    for _ in range(10):
        jobs = run_jobs()
        now = timezone.now()
        due = [
            job for job in jobs.values()
            if job["status"] == "todo" and (job["scheduled_at"] is None or job["scheduled_at"] <= now)
        ]  # fmt: skip
        if not due:
            return jobs
    raise AssertionError("jobs keep queueing jobs")
