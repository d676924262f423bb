import os

import pytest
from django.core.signals import setting_changed
from django.dispatch import receiver
from hypothesis import settings as hypothesis_settings
from procrastinate import testing
from procrastinate.contrib.django import app as procrastinate_app

# Property-based tests: the same examples on every run in ./test and CI (a failure is always
# reproducible); HYPOTHESIS_PROFILE=hunt ./test tests/... draws many fresh ones to find the next.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("hunt", max_examples=500, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def task_queue():
    """An in-memory task queue; run_jobs() runs what is due, as the worker would."""
    connector = testing.InMemoryConnector()
    with procrastinate_app.replace_connector(connector) as app:
        yield app


@pytest.fixture
def run_jobs(task_queue):
    def run():
        task_queue.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        return task_queue.connector.jobs

    return run


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _views_written_at_once(settings):
    """Each counted view is in the database when the request ends (blog.stats buffers them in
    production); what a test leaves waiting does not leak into the next one."""
    from blog.stats import services

    settings.VIEWS_FLUSH_SECONDS = 0
    yield
    services._Buffer.events = []


LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache(settings, monkeypatch):
    """Each test starts with an empty page cache in memory (tests/blog/test_pagecache.py runs
    the shared backends, PostgreSQL and Redis), and sees its own writes on the next request:
    the test's transaction never commits, so the page cache's generation is replaced at once."""
    from django.core.cache import cache

    from blog import pagecache

    settings.CACHES = LOCMEM_CACHE
    cache.clear()
    monkeypatch.setattr(
        pagecache, "bump_after_commit", lambda connection: pagecache.generation_bump()
    )


@pytest.fixture
def uncached(settings):
    """What rendering a page costs, query by query: no page cache, no cached fragments."""
    settings.PAGE_CACHE_SECONDS = 0


@receiver(setting_changed)
def _pages_follow_settings(setting, **kwargs):
    """A test changes settings between two requests; a site in production never does."""
    from django.conf import settings

    from blog import pagecache

    if setting != "CACHES" and settings.CACHES == LOCMEM_CACHE:
        pagecache.generation_bump()


def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's session-wide event loop must not outlive into the
    tests that run the in-memory task queue (it cannot run beside a loop in the same thread)."""
    items.sort(key=lambda item: "browser" in item.nodeid.split("/")[:2])
