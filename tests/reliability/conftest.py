"""Reliability fixtures: a fresh database and a REAL gunicorn server (master + 2 sync workers) on it.

SQLite by default (``<tmp>/r.sqlite``). With ``TEST_DATABASE_URL=postgresql+psycopg://...`` the same tests
run against a PostgreSQL database ``quizapp_reliability_<pid>`` created fresh on that server for every
test and dropped after it.

``server`` is started with ``quizapp init-db`` then ``python -m gunicorn -w 2 'quizapp:create_app()'`` and
waits for /healthz; ``server.restart()`` starts it again on the same database, ``server.terminate()``
sends SIGTERM (graceful), ``server.kill()`` SIGKILLs the whole process group.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.helpers import Database, Server, create_postgres_database, drop_postgres_database

# One name per pytest process: two runs at once (CI jobs, engineers) must not drop each other's database.
PG_DATABASE = f"quizapp_reliability_{os.getpid()}"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty database: a SQLite file, or PostgreSQL when TEST_DATABASE_URL says so."""
    admin_url = os.environ.get("TEST_DATABASE_URL", "")
    if admin_url.startswith("postgresql"):
        try:
            url = create_postgres_database(admin_url, PG_DATABASE)
        except Exception as exc:  # any connection problem: the server is not there
            pytest.fail(f"cannot create {PG_DATABASE} on TEST_DATABASE_URL: {exc}")
        yield Database(url)
        drop_postgres_database(admin_url, PG_DATABASE)
    else:
        yield Database(f"sqlite:///{tmp_path / 'r.sqlite'}")


@pytest.fixture
def server(database: Database, tmp_path: Path) -> Iterator[Server]:
    """A running gunicorn on a migrated database with the shipped banks; always stopped afterwards."""
    workdir = tmp_path / "server"
    workdir.mkdir()
    srv = Server(database, workdir)
    srv.init_db()
    srv.start()
    try:
        yield srv
    finally:
        if srv.running:
            srv.kill()
        problems = srv.log_problems()
        if problems:
            print(f"server log problems ({len(problems)}):\n" + "\n".join(problems[:20]))
