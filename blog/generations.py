"""Values every reader sees alike, made once per page-cache generation in each process.

blog.pagecache replaces the site's *generation* after every write a page could show; while a
reader's GET of a cached kind of page runs, its middleware has read the current generation
(generation_known), and kept() hands back what this process made under it: the site settings
row, the sign-in providers, the sidebar's HTML. This module imports nothing of the blog, so
models may use it.
"""

import contextlib
import contextvars

# The generation a reader's GET of a cached kind of page runs under (set by the middleware
# from its one round trip to the cache), and the values this process made under it.
_generation_now: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pagecache_generation", default=None
)
KEPT: dict[str, tuple[str, object]] = {}  # name: (generation, value)


def current() -> str | None:
    """The generation this request runs under, or None outside a reader's GET."""
    return _generation_now.get()


@contextlib.contextmanager
def generation_known(generation: str | None):
    """Run a request's view knowing the current generation (None: not known, keep nothing)."""
    token = _generation_now.set(generation)
    try:
        yield
    finally:
        _generation_now.reset(token)


def kept(name: str, compute):
    """A value every reader sees alike that only a write can change (the site settings row,
    the sign-in providers), made once per generation in this process.

    While a reader's GET of a cached kind of page runs (generation_known), the value made under
    the current generation is used again, with no query and no round trip; anywhere else (an
    editor's form, a POST, a task, the page cache off) compute() runs every time. The value is
    shared by the requests of this process: callers must not change it."""
    generation = _generation_now.get()
    if generation is None:
        return compute()
    entry = KEPT.get(name)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    KEPT[name] = (generation, value)
    return value
