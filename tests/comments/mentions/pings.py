"""Helpers for the pingback and webmention tests: source pages that link to our posts, and a
way to run queued jobs until the jobs they queue are done too."""

import xmlrpc.client

from django.conf import settings

from comments.mentions import services as mentions
from comments.mentions.tasks import verify_pingback
from comments.models import Comment
from tests.worker import run_until_idle  # noqa: F401  (the mentions tests take it from here)


def linking_page(target, *, before="", after="", title="A blog that links", text="this post"):
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{before} <a href='{target}'>{text}</a> {after}</p>"
        "<footer>More posts elsewhere.</footer></article></body></html>"
    )


def target_url(post):
    return f"{settings.SITE_URL}{post.get_absolute_url()}"


def mentions_of(post):
    return list(Comment.objects.for_post(post).exclude(kind=Comment.Kind.COMMENT))


class DjangoClientTransport(xmlrpc.client.Transport):
    """xmlrpc.client's marshalling and parsing, with Django's test client as the wire."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    def request(self, host, handler, request_body, verbose=False):
        response = self.client.post(handler, data=request_body, content_type="text/xml")
        assert response.status_code == 200
        parser, unmarshaller = self.getparser()
        parser.feed(response.content)
        parser.close()
        return unmarshaller.close()


def run_verifications(task_queue):
    """Run the queued verify_pingback jobs here, in the test's thread and transaction (the
    in-memory worker would run them on another thread, which cannot see uncommitted rows)."""
    for job in list(task_queue.connector.jobs.values()):
        if job["task_name"] == verify_pingback.name and job["status"] == "todo":
            job["status"] = "succeeded"
            mentions.pingback_verify(**job["args"])


def ping(proxy, source, target):
    """The fault code the ping got, or its success string."""
    try:
        return proxy.pingback.ping(source, target)
    except xmlrpc.client.Fault as fault:
        return fault.faultCode
