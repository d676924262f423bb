import pytest

from comments.models import DiscussionSettings
from tests.httpserver import LocalServer


@pytest.fixture
def server(settings):
    """A web server on 127.0.0.1 for source pages and endpoints, reachable by the fetcher."""
    settings.ALLOW_LOOPBACK_FETCH = True
    with LocalServer() as server:
        yield server


@pytest.fixture
def rules(db):
    """The discussion settings row, published at once unless a test says otherwise."""
    rules = DiscussionSettings.load()
    rules.approval = DiscussionSettings.Approval.NONE
    rules.save()
    return rules


@pytest.fixture
def work(run_jobs):
    """Run queued jobs like the worker, and the jobs they queue in turn, until none is left."""

    def run():
        for _ in range(5):
            jobs = run_jobs()
            if not any(job["status"] == "todo" for job in jobs.values()):
                return jobs
        raise AssertionError("jobs keep queueing jobs")

    return run
