"""The flask/quizapp commands and the configuration defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Bank, User
from tests.conftest import DEFAULT_BANK, REPO


def test_export_quiz_json_has_the_documented_shape_and_key(runner: FlaskCliRunner):
    result = runner.invoke(args=["export-quiz", "--bank", "llm-vs-genai", "--count", "12", "--seed", "4",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["bank"] == "llm-vs-genai" and data["seed"] == 4 and len(data["questions"]) == 12
    again = json.loads(runner.invoke(args=["export-quiz", "--bank", "llm-vs-genai", "--count", "12",
                                           "--seed", "4"]).output)
    assert again == data  # deterministic given the seed
    for q in data["questions"]:
        assert ("pairs" in q) == (q["kind"] == "match")
        assert "answer" in q or "pairs" in q


def test_export_quiz_gift_and_unknown_bank(runner: FlaskCliRunner):
    result = runner.invoke(args=["export-quiz", "--bank", "sql-vs-nosql", "--count", "5", "--format", "gift"])
    assert result.exit_code == 0 and result.output.count("::Q") == 5
    assert "$CATEGORY: quizapp/sql-vs-nosql" in result.output
    missing = runner.invoke(args=["export-quiz", "--bank", "nope"])
    assert missing.exit_code != 0 and "No bank 'nope'" in missing.output


def test_load_bank_reports_every_problem_and_loads_nothing(app: Flask, runner: FlaskCliRunner, tmp_path: Path):
    bad = tmp_path / "broken.yaml"
    text = DEFAULT_BANK.read_text().replace("slug: llm-vs-genai", "slug: broken", 1)
    bad.write_text(text.replace("category: llm", "category: lmm", 2))
    with app.app_context():
        before = db.session.execute(select(func.count(Bank.id))).scalar_one()
    result = runner.invoke(args=["load-bank", str(bad)])
    assert result.exit_code == 1
    assert "broken.yaml: line " in result.output and "category 'lmm' is not a declared category" in result.output
    assert result.output.count("'lmm'") == 2
    with app.app_context():
        assert db.session.execute(select(func.count(Bank.id))).scalar_one() == before


def test_load_bank_is_idempotent(runner: FlaskCliRunner):
    result = runner.invoke(args=["load-bank", str(DEFAULT_BANK)])
    assert result.exit_code == 0 and result.output.startswith("Unchanged: FactBank 'llm-vs-genai'")


def test_create_user_reads_the_password_from_the_environment(app: Flask, runner: FlaskCliRunner, monkeypatch):
    monkeypatch.setenv("QUIZAPP_PASSWORD", "long-password")
    result = runner.invoke(args=["create-user", "teacher", "--instructor"])
    assert result.exit_code == 0 and "Created instructor 'teacher'" in result.output
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="teacher")).scalar_one()
        assert user.is_instructor and user.check_password("long-password")
    assert "already exists" in runner.invoke(args=["create-user", "teacher"]).output
    differs_in_case = runner.invoke(args=["create-user", "TEACHER"])
    assert differs_in_case.exit_code == 1 and "'teacher' already exists" in differs_in_case.output


def test_create_user_prompts_for_the_password(app: Flask, runner: FlaskCliRunner, monkeypatch):
    monkeypatch.delenv("QUIZAPP_PASSWORD", raising=False)
    result = runner.invoke(args=["create-user", "learner"], input="secret-pass\nsecret-pass\n")
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["create-user", "x"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 8" in short.output


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path / "inst"), "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}"}
    first = create_app(dict(config)).config["SECRET_KEY"]
    second = create_app(dict(config)).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert create_app(dict(config)).config["SECRET_KEY"] == "from-env"


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'quizapp.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x"}).config[
        "SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")


def _sqlite_pragma(app: Flask, name: str) -> object:
    with app.app_context():
        return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_sqlite_commits_in_wal_with_normal_flushes_unless_full_is_asked_for(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("QUIZAPP_SQLITE_SYNCHRONOUS", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x",
              "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}"}
    app = create_app(dict(config))
    assert _sqlite_pragma(app, "journal_mode") == "wal"
    assert _sqlite_pragma(app, "synchronous") == 1  # NORMAL
    assert _sqlite_pragma(app, "foreign_keys") == 1
    monkeypatch.setenv("QUIZAPP_SQLITE_SYNCHRONOUS", "full")
    assert _sqlite_pragma(create_app(dict(config)), "synchronous") == 2  # FULL
    monkeypatch.setenv("QUIZAPP_SQLITE_SYNCHRONOUS", "off; DROP TABLE users")
    with pytest.raises(ValueError, match="QUIZAPP_SQLITE_SYNCHRONOUS must be one of NORMAL, FULL, EXTRA"):
        create_app(dict(config))


def test_console_script_init_db_upgrades_in_place(tmp_path: Path):
    """`quizapp init-db` creates the schema, loads both banks, and is safe to run again."""
    script = Path(sys.executable).parent / "quizapp"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "SECRET_KEY": "x"}
    for expected in ("Created: FactBank 'llm-vs-genai'", "Unchanged: FactBank 'llm-vs-genai'"):
        done = subprocess.run([str(script), "init-db"], env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout
    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        assert db.session.execute(select(func.count(Bank.id))).scalar_one() == 2
