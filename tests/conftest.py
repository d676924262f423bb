import pytest
from procrastinate import testing
from procrastinate.contrib.django import app as procrastinate_app


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
