"""Querysets whose SQL is written once per process.

The ORM spends more CPU writing the SQL of a post page's queries (joins, subqueries, JSON rows)
than PostgreSQL spends running them: about 2 ms for the post with its categories and tags, where
running the same SQL costs 0.1 ms. A PreparedQuery compiles its queryset once, with stand-ins for
the values that change from call to call, and then runs that SQL with the real values, giving
what the queryset gives (model instances with their select_related objects and annotations,
or values rows). The SQL being the same on every call, PostgreSQL keeps it prepared on each
connection (config.postgresql's fetch_prepared): it is parsed and planned once per connection,
not on every page (planning was about half of PostgreSQL's time on a post page's queries).
"""

import copy
import threading
import uuid
from datetime import UTC, datetime, timedelta

from django.db import connections
from django.db.models.sql.constants import MULTI

# Values no real query uses, told apart from each other and from every other parameter.
_BASE_DATE = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def stand_in(kind: type, n: int = 0):
    """The n-th stand-in of a kind (str, int, datetime or UUID) for PreparedQuery."""
    if kind is str:
        return f"\x1fprepared-{n}\x1f"
    if kind is int:
        return -987_654_321 - n
    if kind is datetime:
        return _BASE_DATE + timedelta(microseconds=n + 1)
    if kind is uuid.UUID:
        return uuid.UUID(int=0xF1E2D3C4 + n)
    raise TypeError(f"no stand-in for {kind!r}")


def _slots(build, params, stand_ins) -> list[tuple[int, int]]:
    """(position in params, index in stand_ins) of each stand-in; ValueError when one of them
    is not a query parameter."""
    slots = [
        (position, stand_ins.index(param))
        for position, param in enumerate(params)
        if any(param == s and type(param) is type(s) for s in stand_ins)
    ]
    if {index for _, index in slots} != set(range(len(stand_ins))):
        raise ValueError(f"{build!r}: a value is not a query parameter")
    return slots


def _with_values(params, slots, values) -> list:
    """The compiled parameters with this call's values where the stand-ins were."""
    params = list(params)
    for position, index in slots:
        params[position] = values[index]
    return params


def _with_query(queryset, query):
    """queryset as its _clone() copies it, with query in place of a clone of its query: a clone
    copies every join and condition (a union's three times), a fifth of a prepared call."""
    fresh = queryset.__class__(
        model=queryset.model, query=query, using=queryset._db, hints=queryset._hints
    )
    for name in ("_sticky_filter", "_for_write", "_known_related_objects", "_iterable_class",
                 "_fetch_mode", "_fields"):  # fmt: skip
        setattr(fresh, name, getattr(queryset, name))
    fresh._prefetch_related_lookups = queryset._prefetch_related_lookups[:]
    return fresh


class PreparedQuery:
    """build(*values) -> QuerySet, compiled on the first call with stand_ins (stand_in()) in
    place of the values; each call runs the same SQL with its own values and returns a list.

    build must use each value only as a query parameter, as a comparison's right-hand side: a
    value that changes the SQL itself (None, a list whose length varies, a model instead of its
    pk) cannot be prepared. Raises ValueError at the first call when a stand-in does not reach
    the parameters exactly once per use.
    """

    def __init__(self, build, *stand_ins):
        self.build, self.stand_ins = build, stand_ins
        self._compiled = None
        self._lock = threading.Lock()

    def __call__(self, *values) -> list:
        queryset, compiler, sql, params, slots, converters = self._compiled or self._compile()
        params = _with_values(params, slots, values)
        run = copy.copy(compiler)
        run.connection = connection = connections[queryset.db]  # this thread's
        run.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        run.get_converters = lambda expressions: converters
        if hasattr(connection, "fetch_prepared") and not connection.queries_logged:
            run.execute_sql = lambda *args, **kwargs: _prepared_rows(run, connection, sql, params,
                                                                     *args, **kwargs)  # fmt: skip
        query = copy.copy(queryset.query)  # shallow: the compiler is all that differs
        query.get_compiler = lambda *args, **kwargs: run
        return list(_with_query(queryset, query))

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                queryset = self.build(*self.stand_ins)
                compiler = queryset.query.get_compiler(queryset.db)
                sql, params = compiler.as_sql()
                slots = _slots(self.build, params, self.stand_ins)
                # Which columns need converting (JSON, dates, ...) follows from the SQL alone:
                # worked out once, as the SQL, it cost a post page's query 0.1 ms a call.
                columns = [select[0] for select in compiler.select[: compiler.col_count]]
                converters = compiler.get_converters(columns)
                self._compiled = (queryset, compiler, sql, params, slots, converters)
        return self._compiled


def _prepared_rows(compiler, connection, sql, params, result_type=MULTI, *args, **kwargs):
    """What SQLCompiler.execute_sql(MULTI) returns (chunks of rows, here one), the rows read
    through a statement PostgreSQL keeps prepared; ValueError for another result_type (the
    iterables of a SELECT queryset ask for MULTI only)."""
    if result_type != MULTI:
        raise ValueError(f"a prepared query returns rows, not {result_type!r}")
    rows = connection.fetch_prepared(sql, params)
    if compiler.has_extra_select:  # columns added for ORDER BY only: not the caller's
        rows = [row[: compiler.col_count] for row in rows]
    return [rows] if rows else []


class PreparedCount:
    """build(*values) -> QuerySet, whose count() SQL is written once per process (with
    stand_ins in place of the values, as PreparedQuery's) and then run with each call's values:
    the int queryset.count() gives, in one query. Raises ValueError at the first call when a
    stand-in does not reach the parameters, or when count() runs other than one query."""

    def __init__(self, build, *stand_ins):
        self.build, self.stand_ins = build, stand_ins
        self._compiled = None
        self._lock = threading.Lock()

    def __call__(self, *values) -> int:
        alias, sql, params, slots = self._compiled or self._compile()
        params = _with_values(params, slots, values)
        connection = connections[alias]
        if hasattr(connection, "fetch_prepared"):
            return connection.fetch_prepared(sql, params)[0][0]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                queryset = self.build(*self.stand_ins)
                seen = []

                def capture(execute, sql, params, many, context):
                    seen.append((sql, params))
                    return execute(sql, params, many, context)

                with connections[queryset.db].execute_wrapper(capture):
                    queryset.count()
                if len(seen) != 1:
                    raise ValueError(f"{self.build!r}: count() ran {len(seen)} queries")
                sql, params = seen[0]
                params = tuple(params or ())
                slots = _slots(self.build, params, self.stand_ins)
                self._compiled = (queryset.db, sql, params, slots)
        return self._compiled
