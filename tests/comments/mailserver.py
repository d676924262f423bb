"""A real SMTP server on 127.0.0.1 (aiosmtpd) and the real task worker in a subprocess.

Shared by the end-to-end mail test and the browser test: the worker reads the test database and
sends through this server, as ./run's worker would through the blog's mail server.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FlakyHandler:
    """Says "try again later" to the first `refuse` deliveries, then keeps every message."""

    def __init__(self, refuse=0):
        self.refuse = refuse
        self.attempts = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.attempts += 1
        if self.attempts <= self.refuse:
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count=1, timeout=30.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages after {timeout}s")
            time.sleep(0.1)
        return self.messages


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@contextlib.contextmanager
def smtp_server(refuse=0):
    handler = FlakyHandler(refuse)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@contextlib.contextmanager
def task_worker(email_url, site_url="http://testserver", queues="mail,default"):
    """`manage.py procrastinate worker` against the test database, until the block ends."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": email_url,
        "SITE_URL": site_url,
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "-q", queues, "-p", "0.3"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=20)
