"""Saves that bring in history: what already happened on another site (a WordPress import).

Receivers and hooks that react to an editor's change (outgoing pings, announcing a post to
followers) ask importing_history() and leave such saves alone.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_importing_history = ContextVar("importing_history", default=False)


@contextmanager
def history_import():
    """Saves inside this block bring in what already happened elsewhere (a WordPress import,
    run once or again): no receiver may treat them as an editor's change. Nothing is announced,
    pinged or mailed for them; a post scheduled for later is announced by the periodic sweep
    (blog.tasks.announce_due_posts) when its time comes, as WordPress would have."""
    token = _importing_history.set(True)
    try:
        yield
    finally:
        _importing_history.reset(token)


def importing_history() -> bool:
    """True while history_import() runs in this thread (or task)."""
    return _importing_history.get()
