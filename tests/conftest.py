"""Shared fixtures, after Flask's tutorial: app, client, runner and an auth helper.

Every test gets its own real database: a SQLite file in the test's temporary folder, or, when
``TEST_DATABASE_URL`` names a PostgreSQL server (``postgresql+psycopg://postgres@127.0.0.1:5432/test``),
a database of its own on that server, dropped after the test. The app's database (``app_database_url``)
is a copy of a per-process template made by the real migrations and bank loading; tests of the
migrations themselves get an empty one (``database_url``: a file, or a schema with ``search_path`` set
in the URL). Tests that touch the database are marked ``database``; ``make test`` runs them a second
time on PostgreSQL.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.banks import bundled_bank_files, store_bank_file

REPO = Path(__file__).resolve().parents[1]
BANK_DIR = REPO / "question_bank"
DEFAULT_BANK = BANK_DIR / "llm-vs-genai.yaml"
SECOND_BANK = BANK_DIR / "sql-vs-nosql.yaml"

# --- PostgreSQL ---------------------------------------------------------------------------------

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip() or None
EXAMPLE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_NOT_SET = (f"TEST_DATABASE_URL is not set: to run this on PostgreSQL too, "
                    f"TEST_DATABASE_URL={EXAMPLE_URL} pytest (see README)")
# Names of the per-test schemas and the e2e database: the pid keeps concurrent runs apart.
SCHEMA_PREFIX = "quizapp_test_"
_schema_numbers = itertools.count(1)
# Fixtures that put a test on the database (``database`` is tests/reliability's, for its gunicorn servers).
DATABASE_FIXTURES = {"database_url", "app_database_url", "postgres_url", "e2e_database", "database"}


def _shown(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def postgres_unreachable(url: str) -> str:
    return f"PostgreSQL at {_shown(url)} is not reachable: start it or unset TEST_DATABASE_URL (see README)"


def admin_engine(url: str | URL) -> Engine:
    """An autocommit engine without a pool, for creating and dropping schemas and databases."""
    return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 5})


@cache
def _postgres_problem(url: str) -> str | None:
    """Why the server at ``url`` cannot be used (asked once per session), or None."""
    if make_url(url).get_backend_name() != "postgresql":
        return f"TEST_DATABASE_URL must be a PostgreSQL URL such as {EXAMPLE_URL}, not {_shown(url)}"
    engine = admin_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return postgres_unreachable(url)
    finally:
        engine.dispose()
    _drop_stale(url, "schema")
    _drop_stale(url, "database")
    return None


def require_postgres() -> str:
    """``TEST_DATABASE_URL``, or skip the test saying how to get one."""
    if TEST_DATABASE_URL is None:
        pytest.skip(POSTGRES_NOT_SET)
    problem = _postgres_problem(TEST_DATABASE_URL)
    if problem:
        pytest.skip(problem)
    return TEST_DATABASE_URL


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_stale(url: str, kind: str) -> None:
    """Drop schemas (or databases) left behind by earlier runs that were killed before cleaning up."""
    query = ("SELECT nspname FROM pg_namespace WHERE nspname LIKE :like" if kind == "schema"
             else "SELECT datname FROM pg_database WHERE datname LIKE :like")
    engine = admin_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.execute(text(query), {"like": f"{SCHEMA_PREFIX}%"}).scalars().all()
            for name in names:
                match = re.fullmatch(rf"{SCHEMA_PREFIX}(?:e2e_)?(\d+)(?:_\w+)?", name)
                if not match or _pid_alive(int(match.group(1))):
                    continue
                in_use = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name "
                                                 "LIKE :like OR datname = :name"),
                                            {"like": f"{SCHEMA_PREFIX}{match.group(1)}%", "name": name}).scalar_one()
                if not in_use:
                    if kind == "schema":
                        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
                    else:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def schema_url(url: str, schema: str) -> str:
    """``url`` with every connection's ``search_path`` (and its application name) set to ``schema``."""
    parsed = make_url(url)
    # lock_timeout: a test that leaves a transaction open fails instead of hanging the run.
    options = " ".join(filter(None, [parsed.query.get("options"), f"-csearch_path={schema}", "-clock_timeout=30s"]))
    return parsed.update_query_dict({"options": options, "application_name": schema}).render_as_string(
        hide_password=False)


def new_schema_name(label: str = "") -> str:
    return f"{SCHEMA_PREFIX}{os.getpid()}_{next(_schema_numbers)}{label}"


def admin_execute(url: str, *statements: str, **params: object) -> None:
    """Run statements one after another on the server at ``url`` in autocommit (``params`` bind the first)."""
    engine = admin_engine(url)
    try:
        with engine.connect() as connection:
            for i, statement in enumerate(statements):
                connection.execute(text(statement), params if i == 0 else {})
    finally:
        engine.dispose()


def create_schema(url: str, schema: str) -> str:
    """Create an empty schema and return the URL whose connections live in it."""
    admin_execute(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"')
    return schema_url(url, schema)


def drop_schema(url: str, schema: str) -> None:
    """Drop the schema, first ending any connection a test left open in it."""
    admin_execute(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE application_name = :name AND pid <> pg_backend_pid()",
                  f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', name=schema)


def database_url_for(url: str, name: str) -> str:
    """``url`` on the database ``name`` (its connections named after it, as the schemas' are)."""
    parsed = make_url(url).set(database=name)
    options = " ".join(filter(None, [parsed.query.get("options"), "-clock_timeout=30s"]))
    return parsed.update_query_dict({"options": options, "application_name": name}).render_as_string(
        hide_password=False)


def create_database(url: str, name: str, template: str | None = None) -> str:
    """A new database ``name`` (empty, or a copy of ``template``) on the server at ``url``; returns its URL.

    Copying a migrated database costs about a tenth of a second; migrating and loading one costs
    seconds, which a thousand tests would pay each."""
    copy = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
    admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}')
    return database_url_for(url, name)


def drop_database(url: str, name: str) -> None:
    admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@cache
def _postgres_template(url: str) -> str:
    """The per-process template database on the server at ``url``: migrated, both banks loaded, and no
    connection left open (PostgreSQL copies only a template nobody is connected to)."""
    name = f"{SCHEMA_PREFIX}{os.getpid()}_template"
    template_url = create_database(url, name)
    atexit.register(drop_database, url, name)
    folder = Path(tempfile.mkdtemp(prefix="quizapp-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    app = create_app(_config(folder, DATABASE_URL=template_url))
    _migrate_and_load(app)
    _dispose(app)
    return name


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "database: uses the app's database (PostgreSQL when TEST_DATABASE_URL is set)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that use a database, so ``pytest -m database`` runs just those on PostgreSQL.

    When TEST_DATABASE_URL names a server that does not answer, they are all skipped up front, with
    the reason, instead of failing one by one.
    """
    database_items = [item for item in items if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    problem = _postgres_problem(TEST_DATABASE_URL) if TEST_DATABASE_URL and database_items else None
    for item in database_items:
        item.add_marker(pytest.mark.database)
        if problem:
            item.add_marker(pytest.mark.skip(reason=problem))


def pytest_report_header(config: pytest.Config) -> str:
    if TEST_DATABASE_URL is None:
        return "database: SQLite (set TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)"
    return f"database: {_shown(TEST_DATABASE_URL)} (a database or schema per test)"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty schema on the TEST_DATABASE_URL server (skipped without one); dropped afterwards."""
    base = require_postgres()
    schema = new_schema_name()
    yield create_schema(base, schema)
    drop_schema(base, schema)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """The test's own empty database: a schema on TEST_DATABASE_URL's server, else a SQLite file."""
    if TEST_DATABASE_URL is None:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    base = require_postgres()
    schema = new_schema_name()
    yield create_schema(base, schema)
    drop_schema(base, schema)


# --- The app ------------------------------------------------------------------------------------


def _config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        **overrides,
    }


def _migrate_and_load(app: Flask) -> None:
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        for path in bundled_bank_files():
            store_bank_file(path)


@cache
def _sqlite_template() -> Path:
    """One SQLite file per test process, built by the real migrations and bank loading, that each test's
    new SQLite database starts as a copy of.

    Migrating and loading both banks costs most of a second; a copy of the result costs milliseconds, and
    the test still gets a real file of its own with exactly what those steps write."""
    folder = Path(tempfile.mkdtemp(prefix="quizapp-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    app = create_app(_config(folder))
    _migrate_and_load(app)
    _dispose(app)
    return folder / "test.sqlite"


def _sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup (not a file copy, which could miss pages still in the write-ahead log)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def make_app(tmp_path: Path, migrated: bool = False, **overrides: object) -> Flask:
    """The app on the given (or the test's SQLite) database, migrated to head with both shipped banks.

    ``migrated``: the database is a copy of a template that already holds them (``app_database_url``).
    A SQLite database that does not exist yet starts as such a copy too; any other database is migrated
    and loaded in place."""
    config = _config(tmp_path, **overrides)
    target = _sqlite_file(str(config["DATABASE_URL"]))
    if not migrated and target is not None and not target.exists():
        _copy_sqlite(_sqlite_template(), target)
        migrated = True
    app = create_app(config)
    if not migrated:
        _migrate_and_load(app)
    return app


def _dispose(app: Flask) -> None:
    from quizapp.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_database_url(tmp_path: Path) -> Iterator[str]:
    """The test's own database, already migrated with both shipped banks loaded: a copy of the
    per-process template (a SQLite file, or a PostgreSQL database made from a template database)."""
    if TEST_DATABASE_URL is None:
        target = tmp_path / "test.sqlite"
        _copy_sqlite(_sqlite_template(), target)
        yield f"sqlite:///{target}"
        return
    base = require_postgres()
    name = new_schema_name()
    yield create_database(base, name, template=_postgres_template(base))
    drop_database(base, name)


@pytest.fixture
def app(tmp_path: Path, app_database_url: str) -> Iterator[Flask]:
    """The app on a fresh database with both shipped banks loaded; CSRF off for convenience."""
    app = make_app(tmp_path, migrated=True, DATABASE_URL=app_database_url)
    yield app
    _dispose(app)


@pytest.fixture
def csrf_app(tmp_path: Path, app_database_url: str) -> Iterator[Flask]:
    """The same app with CSRF protection on, as in production."""
    app = make_app(tmp_path, migrated=True, DATABASE_URL=app_database_url, WTF_CSRF_ENABLED=True)
    yield app
    _dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def register(self, username: str = "ada", password: str = "correct-horse", display_name: str | None = None):
        return self._client.post("/auth/register", data={
            "username": username, "display_name": display_name or username.title(),
            "password": password, "confirm": password})

    def login(self, username: str = "ada", password: str = "correct-horse"):
        return self._client.post("/auth/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


ACTION_RE = re.compile(r'action="(/quiz/\d+/answer/\d+)"')


CSRF_TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_of(client: FlaskClient, path: str = "/quiz/") -> str:
    """The CSRF token a page's form carries (apps with CSRF on: ``csrf_app``)."""
    return CSRF_TOKEN_RE.search(client.get(path).get_data(as_text=True)).group(1)


def start_quiz(client: FlaskClient, bank: str = "llm-vs-genai", kinds: list[str] | None = None,
               length: int = 5, feedback: str = "immediate", csrf_token: str | None = None) -> int:
    """Start a quiz through the form and return the attempt id (``csrf_token``: with CSRF on)."""
    from quizapp.core.questions import KINDS

    token = {"csrf_token": csrf_token} if csrf_token else {}
    response = client.post("/quiz/", data={**token, "bank": bank, "kinds": kinds or list(KINDS), "length": length,
                                           "feedback": feedback})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def answer_current(client: FlaskClient, attempt_id: int, choice: int = 0):
    """Answer the current question with option ``choice`` (every select of a match question too)."""
    page = client.get(f"/quiz/{attempt_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    action = ACTION_RE.search(html).group(1)
    pairs = re.findall(r'name="(pair_\d+)"', html)
    data = {name: str(choice) for name in pairs} if pairs else {"choice": str(choice)}
    return client.post(action, data=data)
