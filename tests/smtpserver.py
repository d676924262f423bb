"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests that send mail over the wire."""

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time

from aiosmtpd.controller import Controller

PORTS = range(8300, 8350)  # the ports this project's tests and benchmarks may use
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 8300-8349")


class Recorder:
    """aiosmtpd handler: keeps every message; refuses the recipients listed in `refuse`."""

    def __init__(self):
        self.messages = []  # (envelope recipient, raw bytes)
        self.connections = 0
        self.refuse = {}  # address -> SMTP reply, e.g. "550 5.1.1 No such user"
        self.delay = 0.0  # seconds the server takes to accept each message
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, envelope.original_content))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        with self.lock:
            return [rcpt for rcpt, _raw in self.messages]

    def parsed(self):
        """The messages as a mail program reads them."""
        with self.lock:
            raws = [raw for _rcpt, raw in self.messages]
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]

    def wait_for(self, count, timeout=30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return True
            time.sleep(0.05)
        return False


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def mailer(self):
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }
