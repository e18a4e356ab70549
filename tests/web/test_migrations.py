"""The schema evolves by migrations without losing data."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.extensions import db


def test_upgrade_from_the_first_schema_keeps_existing_rows(tmp_path: Path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite'}", "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="0001_initial")
        assert "card_states" not in inspect(db.engine).get_table_names()
        db.session.execute(text("INSERT INTO users (username, display_name, password_hash, is_instructor, "
                                "on_leaderboard, created_at) VALUES ('old', 'Old', 'x', 0, 1, '2026-01-01')"))
        db.session.commit()
        upgrade(directory=str(MIGRATIONS_DIR))
        assert {"card_states", "review_logs"} <= set(inspect(db.engine).get_table_names())
        row = db.session.execute(text("SELECT username, new_per_day, timezone FROM users")).one()
        assert tuple(row) == ("old", 20, "UTC")
        downgrade(directory=str(MIGRATIONS_DIR), revision="0001_initial")
        assert "card_states" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT username FROM users")).scalar_one() == "old"
        db.engine.dispose()
