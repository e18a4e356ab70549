"""The schema evolves by migrations without losing data, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, insert, inspect, text

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.extensions import db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.database)])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database to migrate step by step: a SQLite file, and a schema of its own on PostgreSQL (that one
    skipped, saying how to run it, without TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite'}"
    return request.getfixturevalue("postgres_url")


@contextmanager
def migrating(database_url: str, instance: Path, **config: object) -> Iterator[Flask]:
    """The app on ``database_url`` inside its app context; its connections closed afterwards, whatever happens
    (PostgreSQL drops the test's schema only when nobody is connected)."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance), **config})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def test_upgrade_from_the_first_schema_keeps_existing_rows(old_database: str, tmp_path: Path) -> None:
    with migrating(old_database, tmp_path):
        upgrade(directory=str(MIGRATIONS_DIR), revision="0001_initial")
        assert "card_states" not in inspect(db.engine).get_table_names()
        db.session.execute(text("INSERT INTO users (username, display_name, password_hash, is_instructor, "
                                "on_leaderboard, created_at) VALUES ('old', 'Old', 'x', :no, :yes, "
                                "'2026-01-01 00:00:00')"), {"no": False, "yes": True})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS_DIR))
        assert {"card_states", "review_logs"} <= set(inspect(db.engine).get_table_names())
        row = db.session.execute(text("SELECT username, new_per_day, timezone FROM users")).one()
        assert tuple(row) == ("old", 20, "UTC")
        db.session.commit()  # PostgreSQL: the read lock on users would block the downgrade's ALTER TABLE
        downgrade(directory=str(MIGRATIONS_DIR), revision="0001_initial")
        assert "card_states" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT username FROM users")).scalar_one() == "old"
        db.session.commit()
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert "users" not in inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS_DIR))
        assert "users" in inspect(db.engine).get_table_names()


def test_hardening_upgrades_existing_rows(old_database: str, tmp_path: Path) -> None:
    """0007_hardening: normalised usernames (old case-only duplicates kept apart), broken steps reset, attempt
    numbers for the old attempts (also the one too many an old race made), uploaded banks private."""
    insert = [
        "INSERT INTO users (id, username, display_name, password_hash, is_instructor, on_leaderboard, created_at, "
        "learning_steps, relearning_steps) VALUES (1, 'racea', 'A', 'x', :yes, :yes, '2026-01-01 00:00:00', "
        "'1m 10m', '10m'), (2, 'RACEA', 'B', 'x', :no, :yes, '2026-01-01 00:00:00', '9999999d', '0.0000001s')",
        "INSERT INTO banks (id, slug, title, description, source_text, content_hash, enabled, loaded_at, format, "
        "filename, version, owner_id) VALUES (1, 'week1', 'W', '', 't', 'h', :yes, '2026-01-01 00:00:00', 'aiken', "
        "'w.txt', 1, 1)",
        "INSERT INTO assignments (id, code, title, instructor_id, bank_id, kinds, categories, question_count, "
        "shuffle, feedback, attempts_allowed, created_at) VALUES (1, 'abc', 'A', 1, 1, '[]', '[]', 1, :yes, "
        "'immediate', 1, '2026-01-01 00:00:00')",
        "INSERT INTO quiz_attempts (id, user_id, bank_id, seed, kinds, feedback, question_count, score, started_at, "
        "assignment_id) VALUES (1, 2, 1, 1, '[]', 'immediate', 1, 0, '2026-01-02 00:00:00', 1), "
        "(2, 2, 1, 1, '[]', 'immediate', 1, 0, '2026-01-02 00:00:00', 1), "
        "(3, 1, 1, 1, '[]', 'immediate', 1, 0, '2026-01-01 00:00:00', NULL)",
    ]
    with migrating(old_database, tmp_path):
        upgrade(directory=str(MIGRATIONS_DIR), revision="0006_learning_steps")
        for statement in insert:
            db.session.execute(text(statement), {"no": False, "yes": True})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS_DIR), revision="0007_hardening")
        users = db.session.execute(text("SELECT username, username_key, session_version, learning_steps, "
                                        "relearning_steps FROM users ORDER BY id")).all()
        assert [tuple(u) for u in users] == [("racea", "racea", 0, "1m 10m", "10m"),
                                             ("RACEA", "racea~2", 0, "1m 10m", "10m")]
        numbers = db.session.execute(text("SELECT id, attempt_number FROM quiz_attempts ORDER BY id")).all()
        assert [tuple(n) for n in numbers] == [(1, 1), (2, 2), (3, None)]
        assert db.session.execute(text("SELECT visibility FROM banks")).scalar_one() == "private"
        db.session.commit()
        downgrade(directory=str(MIGRATIONS_DIR), revision="0006_learning_steps")
        assert db.session.execute(text("SELECT COUNT(*) FROM quiz_attempts")).scalar_one() == 3
        assert db.session.execute(text("SELECT COUNT(*) FROM users")).scalar_one() == 2
        db.session.commit()


WEEK = """$CATEGORY: top/Week 1

::Intro::Three questions on models.

::Q1::Which model family is an LLM? {=GPT ~StyleGAN ~BigGAN}

::Q2::What does a GAN have? {=A generator and a discriminator ~Only an encoder}

::Q3::Which of these is a diffusion model? {=Stable Diffusion ~BERT}
"""


def _insert(table_name: str, **values: object) -> int:
    """A row written at an old revision through that revision's own table (reflected), not today's model."""
    table = Table(table_name, MetaData(), autoload_with=db.session.connection())
    return db.session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


def _week_bank_with_an_attempt() -> tuple[int, int, str, list[dict]]:
    """At 0013: an instructor's GIFT bank, an assignment on it and a learner's finished attempt (2 questions
    answered, their stored copies as that version wrote them). Returns bank id, attempt id, share code, questions."""
    from werkzeug.security import generate_password_hash

    from quizapp.core.formats.gift import parse_gift
    from quizapp.core.imported_quiz import grade_stored, select_questions

    when = datetime(2026, 1, 1)
    teacher, learner = (_insert("users", username=name, username_key=name, display_name=name.title(),
                                password_hash=generate_password_hash("correct-horse"), is_instructor=name == "teach",
                                on_leaderboard=True, created_at=when) for name in ("teach", "lea"))
    bank_id = _insert("banks", slug="week", title="Week", description="3 questions", source_text=WEEK,
                      content_hash=hashlib.sha256(WEEK.encode()).hexdigest(), enabled=True, loaded_at=when,
                      format="gift", filename="week.gift", version=1, owner_id=teacher, visibility="private")
    _insert("banks", slug="facts", title="Facts", description="", source_text="(YAML: generated, never rows)",
            content_hash="f", enabled=True, loaded_at=when, format="factbank", filename="", version=1)
    assignment = _insert("assignments", code="week-one", title="Week 1", instructor_id=teacher, bank_id=bank_id,
                         kinds=[], categories=[], question_count=2, shuffle=True, feedback="immediate",
                         attempts_allowed=0, created_at=when)
    stored = select_questions(parse_gift(WEEK).questions, 2, seed=3, source="Week (week.gift)")
    attempt = _insert("quiz_attempts", user_id=learner, bank_id=bank_id, seed=3, kinds=[], feedback="immediate",
                      question_count=2, score=sum(grade_stored(q, 0) for q in stored), started_at=when,
                      finished_at=when, assignment_id=assignment, attempt_number=1, purpose="quiz")
    for position, data in enumerate(stored, 1):
        question = _insert("attempt_questions", attempt_id=attempt, position=position, kind=data["kind"], data=data,
                           flagged=False)
        _insert("answers", attempt_question_id=question, response=0, score=grade_stored(data, 0), answered_at=when)
    return bank_id, attempt, "week-one", stored


def _json(value: str | dict) -> dict:
    """A JSON column read through text(): a string on SQLite, decoded already on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_bank_questions_migration(old_database: str, tmp_path: Path) -> None:
    """0014_bank_questions: an imported bank's current text becomes its rows; the old attempt keeps its questions
    and its review page; a new start draws from the rows; downgrade drops the table and keeps the rest."""
    with migrating(old_database, tmp_path, TESTING=True, WTF_CSRF_ENABLED=False) as app:
        upgrade(directory=str(MIGRATIONS_DIR), revision="0013_assignment_deleted")
        bank_id, attempt_id, code, stored = _week_bank_with_an_attempt()
        db.session.commit()
        upgrade(directory=str(MIGRATIONS_DIR), revision="0014_bank_questions")
        rows = db.session.execute(text("SELECT version, position, pool_index, description, data FROM "
                                       "bank_questions WHERE bank_id = :id ORDER BY position"),
                                  {"id": bank_id}).all()
        assert [(v, p, i, bool(d)) for v, p, i, d, _ in rows] == [
            (1, 0, None, True), (1, 1, 0, False), (1, 2, 1, False), (1, 3, 2, False)]
        names = [_json(data)["name"] for *_, data in rows]
        assert names == ["Intro", "Q1", "Q2", "Q3"]
        assert db.session.execute(text("SELECT source_text FROM banks WHERE id = :id"), {"id": bank_id}
                                  ).scalar_one() == WEEK
        assert db.session.execute(text("SELECT COUNT(*) FROM bank_questions")).scalar_one() == len(rows)
        kept = db.session.execute(text("SELECT data FROM attempt_questions WHERE attempt_id = :id "
                                       "ORDER BY position"), {"id": attempt_id}).scalars().all()
        assert [_json(d) for d in kept] == json.loads(json.dumps(stored))  # as written, tuples read as lists
        db.session.commit()
        client = app.test_client()
        assert client.post("/auth/login", data={"username": "lea", "password": "correct-horse"}).status_code == 302
        review = client.get(f"/quiz/{attempt_id}/results")
        page = review.get_data(as_text=True)
        assert review.status_code == 200 and all(q["prompt"] in page for q in stored)
        started = client.post(f"/a/{code}/start")
        assert started.status_code == 302 and "/quiz/" in started.location, started.location
        new_attempt = int(started.location.rsplit("/", 1)[1])
        assert new_attempt != attempt_id
        drawn = db.session.execute(text("SELECT data FROM attempt_questions WHERE attempt_id = :id"),
                                   {"id": new_attempt}).scalars().all()
        assert len(drawn) == 2 and client.get(started.location).status_code == 200
        assert {_json(d)["imported"]["name"] for d in drawn} <= {"Q1", "Q2", "Q3"}
        db.session.commit()
        downgrade(directory=str(MIGRATIONS_DIR), revision="0013_assignment_deleted")
        assert "bank_questions" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT COUNT(*) FROM attempt_questions")).scalar_one() == 4
        db.session.commit()
