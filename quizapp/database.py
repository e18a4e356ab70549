"""Engine settings that the ORM does not set for us.

The app runs on SQLite (the default) or PostgreSQL (``DATABASE_URL=postgresql+psycopg://...``);
the models and migrations are the same on both. Times are stored as naive UTC on both.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .extensions import db

READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read-only transaction (also a hot standby)


# How SQLite waits for the disk at a commit. NORMAL, with WAL: a commit is written to the log but not
# flushed, so it survives the app being killed (tests/reliability kills gunicorn mid-load) and the file can
# never be corrupted; only a power loss or OS crash may undo the last commits. It halves the cost of a
# write here (benchmarks/README.md). FULL flushes at every commit, for those who want that too.
SQLITE_SYNCHRONOUS = ("NORMAL", "FULL", "EXTRA")


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # 20 s: SQLite's busy handler is unfair, and under many concurrent writers a wait can pass 5 s (a 500
        # "database is locked"); stays below gunicorn's 30 s worker timeout. See tests/reliability (overload).
        cursor.execute("PRAGMA busy_timeout=20000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")  # one of SQLITE_SYNCHRONOUS (init_app checks)
        cursor.close()

    return on_connect


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
    """SQLite: foreign keys, WAL, a busy timeout and the flush mode. PostgreSQL: sessions in UTC."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            synchronous = str(app.config["SQLITE_SYNCHRONOUS"]).upper()
            if synchronous not in SQLITE_SYNCHRONOUS:
                raise ValueError(f"QUIZAPP_SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, "
                                 f"not {app.config['SQLITE_SYNCHRONOUS']!r}")
            event.listen(engine, "connect", _sqlite_pragmas(synchronous))
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_utc)


def is_read_only_error(error: BaseException) -> bool:
    """A write refused because the database is read-only (SQLite file or connection, PostgreSQL setting)."""
    if not isinstance(error, DBAPIError):
        return False
    return "readonly database" in str(error.orig) or getattr(error.orig, "sqlstate", None) == READ_ONLY_SQLSTATE


def is_locked_error(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and "database is locked" in str(error.orig)


@cache
def schema_heads() -> frozenset[str]:
    """The migration revisions the code expects (one, unless two branches are merged later)."""
    from alembic.script import ScriptDirectory

    from . import MIGRATIONS_DIR

    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database (also a ``file:...?mode=ro`` URI), or None for memory or other servers."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    if name.startswith("file:"):
        name = name.removeprefix("file:").split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def health_problems() -> dict[str, str]:
    """What keeps the app from serving: an empty dict when the database is reachable, migrated and writable.

    * The SQLite file must still exist: deleted under a running server, its open connections write on
      into the deleted file (and lose it all on restart) while reads still succeed.
    * The schema must be at the head revision the code expects.
    * A write transaction must begin: an update that changes nothing, rolled back.
    """
    engine = db.engine
    path = _sqlite_file(engine)
    if path is not None and not path.exists():
        current_app.logger.error("The SQLite database file %s is missing", path)
        return {"database": "the SQLite database file is missing"}
    try:
        try:
            version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            db.session.rollback()
            return {"database": "ok", "schema": "not migrated: run `quizapp init-db`"}
        if version not in schema_heads():
            return {"database": "ok", "schema": f"at {version}, not at {', '.join(sorted(schema_heads()))}: "
                                                "run `flask --app quizapp db upgrade`"}
        try:
            db.session.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except DBAPIError as exc:
            if is_read_only_error(exc):
                return {"database": "read-only: writes are refused", "schema": "ok"}
            raise
    except SQLAlchemyError as exc:
        current_app.logger.warning("Health check: the database is unreachable: %s", exc)
        return {"database": "unreachable"}
    finally:
        db.session.rollback()
    return {}
