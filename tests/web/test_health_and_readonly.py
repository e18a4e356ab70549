"""Issue 9, point 21: /healthz checks the schema is at head and a write can begin; a read-only database
answers writes with a clear 503 page."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import AuthActions, make_app


def test_health_is_ok_on_a_migrated_database(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.get_json() == {"status": "ok", "database": "ok", "schema": "ok"}


def test_health_is_503_when_the_schema_is_behind(app: Flask):
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0006_learning_steps'"))
        db.session.commit()
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503
    body = reply.get_json()
    assert body["status"] == "error" and "0006_learning_steps" in body["schema"]


def test_health_is_503_on_an_empty_database(tmp_path: Path):
    sqlite3.connect(tmp_path / "empty.sqlite").close()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "SECRET_KEY": "x", "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503 and "not migrated" in reply.get_json()["schema"]


def test_health_is_503_when_the_sqlite_file_was_deleted_under_the_app(tmp_path: Path):
    app = make_app(tmp_path)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a pooled connection now holds the file open
    for suffix in ("", "-wal", "-shm"):
        path = tmp_path / f"test.sqlite{suffix}"
        if path.exists():
            path.unlink()
    reply = client.get("/healthz")
    assert reply.status_code == 503 and "missing" in reply.get_json()["database"]


def _read_only_app(tmp_path: Path) -> Flask:
    make_app(tmp_path)  # migrated, with the banks loaded
    path = tmp_path / "test.sqlite"
    return create_app({"DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true", "SECRET_KEY": "x",
                       "TESTING": True, "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": str(tmp_path / "instance")})


def test_health_is_503_when_the_database_is_read_only(tmp_path: Path):
    reply = _read_only_app(tmp_path).test_client().get("/healthz")
    assert reply.status_code == 503 and "read-only" in reply.get_json()["database"]


def test_a_write_to_a_read_only_database_is_a_clear_503_page(tmp_path: Path):
    client = _read_only_app(tmp_path).test_client()
    assert client.get("/").status_code == 200  # reading still works
    reply = AuthActions(client).register("ada")
    assert reply.status_code == 503
    html = reply.get_data(as_text=True)
    assert "read-only" in html and "Nothing was saved" in html
    assert reply.headers.get("Retry-After")


def test_postgresql_read_only_transactions_are_a_503(tmp_path: Path, postgres_url: str):
    make_app(tmp_path, DATABASE_URL=postgres_url)
    url = make_url(postgres_url)
    options = f"{url.query['options']} -cdefault_transaction_read_only=on"
    read_only = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": read_only, "SECRET_KEY": "x", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    client = app.test_client()
    try:
        health = client.get("/healthz")
        assert health.status_code == 503 and "read-only" in health.get_json()["database"]
        reply = AuthActions(client).register("ada")
        assert reply.status_code == 503 and "read-only" in reply.get_data(as_text=True)
    finally:
        with app.app_context():
            db.engine.dispose()
