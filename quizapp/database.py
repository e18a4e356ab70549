"""Engine settings that the ORM does not set for us.

The app runs on SQLite (the default) or PostgreSQL (``DATABASE_URL=postgresql+psycopg://...``);
the models and migrations are the same on both. Times are stored as naive UTC on both.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # 20 s: SQLite's busy handler is unfair, and under many concurrent writers a wait can pass 5 s (a 500
    # "database is locked"); stays below gunicorn's 30 s worker timeout. See tests/reliability (overload).
    cursor.execute("PRAGMA busy_timeout=20000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _postgresql_utc(dbapi_connection: Any, _record: Any) -> None:
    """Every session in UTC, whatever the server's own time zone.

    The columns are ``timestamp without time zone`` holding UTC; PostgreSQL converts an aware
    value written to them (or compared with them) through the session's time zone, so anything
    but UTC would shift such times silently.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET inside a transaction would be undone by the pool's rollback
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.close()
    finally:
        dbapi_connection.autocommit = autocommit


def init_app(app: Flask) -> None:
    """SQLite: foreign keys, WAL and a busy timeout. PostgreSQL: sessions in UTC."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_utc)
