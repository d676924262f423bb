"""Check that DATABASE_URL's server answers ('ping'), and create its database ('create')."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def connect(dbname):
    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    return psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname=dbname,
        connect_timeout=3,
        autocommit=True,
    )


def main(action):
    name = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
    try:
        with connect("postgres") as conn:
            if action == "create":
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if exists.fetchone() is None:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    print(f"Created the database {name}.", file=sys.stderr)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
