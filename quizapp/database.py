"""Engine settings that the ORM does not set for us.

The app runs on SQLite (the default) or PostgreSQL (``DATABASE_URL=postgresql+psycopg://...``);
the models and migrations are the same on both. Times are stored as naive UTC on both.
"""

from __future__ import annotations

import select as io_select
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import CompoundSelect, Select, event, text
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError

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


# The pooled connection's info key: set while it reads outside a transaction (see _postgresql_checkout).
READS_OUTSIDE_TRANSACTION = "quizapp_reads_outside_transaction"


def _readable(fd: int) -> bool:
    """Whether the socket has something to read, without waiting (poll: select() refuses descriptors past 1023)."""
    poller = io_select.poll()
    poller.register(fd, io_select.POLLIN)
    return bool(poller.poll(0))


def _postgresql_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A pooled connection, checked without a round trip, and set to read outside a transaction.

    * **Alive?** An idle connection has nothing to say, so a socket with something to read means the server
      closed it (a restart, a terminated backend): the pool is told to open a new one. This replaces the pool's
      ``pre_ping``, a ``SELECT`` round trip before every request, which cost the page floor a quarter of its
      requests/s here (benchmarks/README.md). A peer gone without closing is not seen, as it was not by the ping.
    * **No transaction for reads.** psycopg sends a ``BEGIN`` before a statement outside a transaction, and the
      pool a ``ROLLBACK`` after: two round trips more for a page that only reads. In autocommit a read is one
      round trip; ``_begin_at_first_write`` turns autocommit off before the first statement that is not a plain
      read, so writes are in one transaction, as before. SQLite's driver already works this way (it begins a
      transaction at the first write), and under PostgreSQL's READ COMMITTED a read sees the same either way:
      each statement its own snapshot. A ``SELECT ... FOR UPDATE`` is not a plain read: its locks need the
      transaction.
    """
    if dbapi_connection.closed or _readable(dbapi_connection.fileno()):
        raise DisconnectionError("the database server closed this pooled connection")
    dbapi_connection.autocommit = True
    record.info[READS_OUTSIDE_TRANSACTION] = True


def _is_plain_read(context: ExecutionContext | None) -> bool:
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    # Written-out SQL (text()) could be anything, so it is not a plain read; neither is a locking SELECT.
    return isinstance(statement, Select | CompoundSelect) and statement._for_update_arg is None


def _begin_at_first_write(conn: Connection, _cursor: Any, _statement: str, _parameters: Any,
                          context: ExecutionContext | None, _executemany: bool) -> None:
    """Before the first statement that is not a plain read, leave autocommit: psycopg then begins a transaction,
    which the session commits or rolls back. A connection given its own isolation level is left alone."""
    info = conn.connection.info
    if info.get(READS_OUTSIDE_TRANSACTION) and not _is_plain_read(context) \
            and "isolation_level" not in conn.get_execution_options():
        info[READS_OUTSIDE_TRANSACTION] = False
        conn.connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]


def init_app(app: Flask) -> None:
    """SQLite: foreign keys, WAL, a busy timeout and the flush mode. PostgreSQL: sessions in UTC, pooled
    connections checked at checkout, reads outside a transaction."""
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
            event.listen(engine, "checkout", _postgresql_checkout)
            event.listen(engine, "before_cursor_execute", _begin_at_first_write)


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
