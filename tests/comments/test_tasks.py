import re
import smtplib

import pytest
from django.core import mail
from django.db import connection
from procrastinate.contrib.django.django_connector import DjangoConnector

from comments import services
from comments.models import Comment
from tests.comments.factories import form_data
from tests.comments.mailserver import smtp_server, task_worker, text_of
from tests.factories import make_post

CONFIRM_LINK = re.compile(r"/comments/confirm/[^/\s\"]+/")


def mail_jobs():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs "
            "WHERE task_name = 'comments.tasks.send_mail' ORDER BY id"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_send_mail_task_sends_the_queued_message(django_capture_on_commit_callbacks, run_jobs):
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_queue("Hello", "Body text", None, ["a@example.com"], html="<p>Body</p>")
    assert mail.outbox == []  # nothing leaves during the request
    run_jobs()
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == ("Hello", "Body text", ["a@example.com"])
    assert message.alternatives[0].content == "<p>Body</p>"


@pytest.mark.django_db
def test_smtp_failure_keeps_the_job_for_a_retry(
    django_capture_on_commit_callbacks, run_jobs, monkeypatch
):
    def down(**message):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(services, "mail_send", down)
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_queue("Hello", "Body", None, ["a@example.com"])
    [job] = [job for job in run_jobs().values() if job["task_name"].endswith("send_mail")]
    assert (job["status"], job["attempts"]) == ("todo", 1)
    assert job["scheduled_at"] is not None  # tried again in a moment, not lost


@pytest.mark.django_db(transaction=True)
def test_guest_comment_mail_survives_a_refusing_smtp_server(client, task_queue, rules):
    """End to end: real SMTP server, real worker, one refused delivery, then the mail arrives."""
    post = make_post("Mail test")
    postgres_queue = task_queue.replace_connector(DjangoConnector())
    with postgres_queue, smtp_server(refuse=1) as (smtp, email_url), task_worker(email_url):
        response = client.post("/comments/post/", form_data(post, comment="Through real SMTP"))
        assert response.status_code == 302
        [message] = smtp.wait_for(1)
    assert smtp.attempts == 2
    assert message["To"] == "ada@example.com"
    assert mail_jobs() == [("succeeded", 2)]
    link = CONFIRM_LINK.search(text_of(message)).group(0)
    assert client.post(link).status_code == 302
    assert Comment.objects.get().comment == "Through real SMTP"
