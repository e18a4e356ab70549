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
