"""Django's database cache, reading several keys with less work per read.

The page cache reads two or three keys on every request to a cached page (blog.pagecache), so
the read is most of a page served from the cache. Django's DatabaseCache.get_many builds its SQL
and an ORM expression with its field and converters on every call; this one keeps its SQL
strings (one per number of keys), reads through a statement PostgreSQL keeps prepared
(DatabaseWrapper.fetch_prepared) and compares the expiry time PostgreSQL returns (an
aware datetime, the column being timestamptz) directly. Everything else (writes, culling,
expiry, the table, `createcachetable`) is Django's.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    """Django's DatabaseCache for PostgreSQL with a cheaper get_many (same answers)."""

    def __init__(self, table, params):
        super().__init__(table, params)
        self._selects = {}  # number of keys: the SELECT for that many

    def make_and_validate_key(self, key, version=None):
        """The key as stored, without Django's warnings about keys memcached could not hold
        (a loop over every character of every key read): this cache is a table."""
        return self.make_key(key, version=version)

    def _select(self, connection, count: int) -> str:
        sql = self._selects.get(count)
        if sql is None:
            table, marks = connection.ops.quote_name(self._table), ", ".join(["%s"] * count)
            sql = f"SELECT cache_key, value, expires FROM {table} WHERE cache_key IN ({marks})"
            self._selects[count] = sql
        return sql

    def get_many(self, keys, version=None):
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection = connections[router.db_for_read(self.cache_model_class)]
        rows = connection.fetch_prepared(self._select(connection, len(key_map)), list(key_map))
        now, result, expired = timezone.now(), {}, []
        for key, value, expires in rows:
            if expires < now:
                expired.append(key)
            else:
                result[key_map[key]] = pickle.loads(base64.b64decode(value.encode(), validate=True))
        if expired:
            self._base_delete_many(expired)
        return result
