"""The new-post email: rendered once per post, then put together per follower in microseconds.

Django's EmailMessage spends about 3.5 ms per message in the email package (parsing and folding
a dozen headers), several times what the SMTP exchange with the server costs; a fan-out to
40,000 followers would wait on it. So the email package builds and folds the headers every copy
shares once, and each follower's copy is assembled from bytes: To, Message-ID, the unsubscribe
headers (RFC 2369, RFC 8058) and the two bodies, quoted-printable (binascii, in C), each with
the follower's own unsubscribe link.
"""

import binascii
import contextlib
import email.policy
import email.utils
import secrets
import smtplib
from email.message import EmailMessage as MIMEMessage

from django.core.mail import EmailMultiAlternatives
from django.utils.crypto import salted_hmac

from blog.mail import header_text

# Stands for the follower's unsubscribe address in the rendered bodies.
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/mark"
CRLF = b"\r\n"


def envelope_address(address: str) -> str:
    """The address for SMTP: the domain in IDNA (ASCII); local parts are ASCII already."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def qp_body(text: str) -> bytes:
    lines = "\r\n".join(text.splitlines()) + "\r\n"
    return binascii.b2a_qp(lines.encode("utf-8"), istext=True)


class PostMailing:
    """One post's email to followers; message_bytes() gives a follower's copy, ready for SMTP.

    subject, from_email and list_id may come from editors' text (a title pasted with a U+2028
    line separator): they are folded to one line (blog.mail.header_text), never refused.
    """

    def __init__(self, *, subject, text, html, from_email, list_id, domain):
        self.subject, self.text, self.html = header_text(subject), text, html
        self.from_email, self.list_id = header_text(from_email), header_text(list_id)
        self.domain = domain
        self.envelope_from = envelope_address(email.utils.parseaddr(from_email)[1])
        self.boundary = f"==={secrets.token_hex(16)}=="
        self.head = self._shared_headers()

    def _shared_headers(self) -> bytes:
        head = MIMEMessage(policy=email.policy.SMTP)
        head["From"] = self.from_email
        head["Subject"] = self.subject
        head["Date"] = email.utils.formatdate()
        head["List-Id"] = self.list_id
        head["Precedence"] = "bulk"
        head["Auto-Submitted"] = "auto-generated"
        head["MIME-Version"] = "1.0"
        head["Content-Type"] = f'multipart/alternative; boundary="{self.boundary}"'
        return b"".join(head.policy.fold_binary(name, value) for name, value in head.items())

    def headers(self, *, unsubscribe_url: str) -> dict:
        return {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }

    def message_id(self, message_key: str) -> str:
        """The Message-ID (RFC 5322 section 3.6.4) of the copy named message_key (one per post
        and follower): the same every time, so a copy sent twice after a crash is recognised
        as one message by mail clients. Keyed with SECRET_KEY: it does not show the ids."""
        digest = salted_hmac("followers.message-id", f"{message_key}@{self.domain}").hexdigest()
        return f"<{digest[:32]}@{self.domain}>"

    def message_bytes(self, *, to: str, unsubscribe_url: str, message_key: str) -> bytes:
        boundary = self.boundary.encode()
        part = b'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'  # noqa: E501
        header = (
            f"To: {envelope_address(to)}\r\n"
            f"Message-ID: {self.message_id(message_key)}\r\n"
            f"List-Unsubscribe: <{unsubscribe_url}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n"
        )
        return b"".join([
            self.head, header.encode("utf-8"),
            b"--", boundary, CRLF, part % b"plain",
            qp_body(self.text.replace(UNSUBSCRIBE_MARK, unsubscribe_url)),
            b"--", boundary, CRLF, part % b"html",
            qp_body(self.html.replace(UNSUBSCRIBE_MARK, unsubscribe_url)),
            b"--", boundary, b"--", CRLF,
        ])  # fmt: skip

    def django_message(self, *, to: str, unsubscribe_url: str, message_key: str | None = None
                       ) -> EmailMultiAlternatives:  # fmt: skip
        """The same email as a Django message, for mailers that do not speak SMTP; without
        message_key (a test send) Django makes a fresh Message-ID."""
        headers = self.headers(unsubscribe_url=unsubscribe_url)
        if message_key is not None:
            headers["Message-ID"] = self.message_id(message_key)
        message = EmailMultiAlternatives(
            self.subject,
            self.text.replace(UNSUBSCRIBE_MARK, unsubscribe_url),
            self.from_email,
            [to],
            headers=headers,
        )
        html = self.html.replace(UNSUBSCRIBE_MARK, unsubscribe_url)
        message.attach_alternative(html, "text/html")
        return message


class Sender:
    """Sends a mailing over one connection of a mailer: as bytes when it is SMTP."""

    def __init__(self, connection, mailing: PostMailing):
        self.connection, self.mailing = connection, mailing

    def __enter__(self):
        self.connection.open()
        self.smtp = getattr(self.connection, "connection", None)
        if not isinstance(self.smtp, smtplib.SMTP):
            self.smtp = None
        return self

    def __exit__(self, *exc_info):
        # Every message was accepted or refused already: a failed QUIT changes nothing.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.connection.close()

    def send(self, *, to, unsubscribe_url, message_key) -> None:
        mailing = self.mailing
        if self.smtp is None:
            message = mailing.django_message(
                to=to, unsubscribe_url=unsubscribe_url, message_key=message_key
            )
            self.connection.send_messages([message])
            return
        raw = mailing.message_bytes(to=to, unsubscribe_url=unsubscribe_url, message_key=message_key)
        send_one(self.smtp, mailing.envelope_from, envelope_address(to), raw)


def send_one(smtp: smtplib.SMTP, sender: str, recipient: str, raw: bytes) -> None:
    """smtplib's sendmail() for one recipient, raising the same errors, without its address
    parsing: email.utils.parseaddr() costs a quarter of the worker's time per message, and
    both addresses are plain ASCII checked already (putcmd refuses line breaks)."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.docmd("mail", f"FROM:<{sender}>")
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.docmd("rcpt", f"TO:<{recipient}>")
    if code not in (250, 251):
        _reset(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.data(raw)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _reset(smtp, code):
    """Ready the connection for the next message, as smtplib does after a refusal."""
    if code == 421:  # the server is closing the connection
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def is_permanent(error: Exception) -> bool:
    """True when the server refused this recipient or message for good (a 5xx reply)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False
