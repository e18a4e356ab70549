"""What PostgreSQL enforces and SQLite does not: text that is too long for its column, time zones.

These run on both databases (``make test`` runs them again with TEST_DATABASE_URL); on SQLite the
over-long values used to be stored silently, on PostgreSQL they were a 500 or a traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.extensions import db
from quizapp.models import Bank, User
from tests.web.test_instructor import import_bank, make_instructor

GIFT = "::Q1:: What is 2 + 2? {=4 ~5 ~22}\n"


def bank_count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Bank.id))).scalar_one()


def test_a_very_long_uploaded_file_name_is_shortened_keeping_its_extension(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    slug = import_bank(client, GIFT, "x" * 240 + ".gift")
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug=slug)).scalar_one()
        assert len(bank.filename) == 200 and bank.filename.endswith(".gift")
        assert len(bank.slug) <= 64 and len(bank.title) <= 200


def test_load_bank_refuses_a_slug_or_title_longer_than_its_column(app: Flask, runner, tmp_path: Path):
    path = tmp_path / "q.gift"
    path.write_text(GIFT)
    before = bank_count(app)
    result = runner.invoke(args=["load-bank", str(path), "--slug", "s" * 65])
    assert result.exit_code == 1 and "at most 64" in result.output
    result = runner.invoke(args=["load-bank", str(path), "--title", "t" * 201])
    assert result.exit_code == 1 and "at most 200" in result.output
    assert bank_count(app) == before
    assert runner.invoke(args=["load-bank", str(path), "--slug", "s" * 64, "--title", "t" * 200]).exit_code == 0


def test_create_user_refuses_a_name_longer_than_its_column(app: Flask, runner, monkeypatch):
    monkeypatch.setenv("QUIZAPP_PASSWORD", "correct-horse-battery")
    result = runner.invoke(args=["create-user", "u" * 65])
    assert result.exit_code == 1 and "at most 64" in result.output
    result = runner.invoke(args=["create-user", "ada", "--display-name", "d" * 65])
    assert result.exit_code == 1 and "at most 64" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 0


def test_times_stay_utc_whatever_the_servers_time_zone(postgres_url: str, tmp_path: Path):
    """A server in another time zone must not shift the naive-UTC times (connections are set to UTC)."""
    url = make_url(postgres_url)
    options = f"{url.query.get('options', '')} -ctimezone=America/New_York".strip()
    app = create_app({"DATABASE_URL": url.update_query_dict({"options": options}).render_as_string(
        hide_password=False), "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        try:
            upgrade(directory=str(MIGRATIONS_DIR))
            noon_utc = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
            db.session.add(User(username="ada", display_name="Ada", password_hash="x", created_at=noon_utc))
            db.session.commit()
            db.session.expire_all()
            assert db.session.execute(select(User.created_at)).scalar_one() == noon_utc.replace(tzinfo=None)
            assert db.session.execute(select(func.count(User.id)).where(User.created_at == noon_utc)).scalar_one() == 1
        finally:
            db.session.remove()
            db.engine.dispose()
