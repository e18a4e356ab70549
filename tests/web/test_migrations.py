"""The schema evolves by migrations without losing data, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.extensions import db


def check_upgrade_and_downgrade_keep_existing_rows(database_url: str, instance: Path) -> None:
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance)})
    with app.app_context():
        try:
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
        finally:
            db.session.remove()
            db.engine.dispose()


def test_upgrade_from_the_first_schema_keeps_existing_rows(tmp_path: Path):
    check_upgrade_and_downgrade_keep_existing_rows(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path)


def test_upgrade_and_downgrade_on_postgresql(tmp_path: Path, postgres_url: str):
    """The same on PostgreSQL, in a schema of its own (skipped, saying how to run it, without TEST_DATABASE_URL)."""
    check_upgrade_and_downgrade_keep_existing_rows(postgres_url, tmp_path)


def check_hardening_upgrades_existing_rows(database_url: str, instance: Path) -> None:
    """0007_hardening: normalised usernames (old case-only duplicates kept apart), broken steps reset, attempt
    numbers for the old attempts (also the one too many an old race made), uploaded banks private."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance)})
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
    with app.app_context():
        try:
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
        finally:
            db.session.remove()
            db.engine.dispose()


def test_hardening_upgrades_existing_rows(tmp_path: Path):
    check_hardening_upgrades_existing_rows(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path)


def test_hardening_upgrades_existing_rows_on_postgresql(tmp_path: Path, postgres_url: str):
    check_hardening_upgrades_existing_rows(postgres_url, tmp_path)
