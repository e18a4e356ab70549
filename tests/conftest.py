"""Shared fixtures, after Flask's tutorial: app, client, runner and an auth helper.

Every test gets its own real SQLite file, created through the real migrations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from quizapp import MIGRATIONS_DIR, create_app
from quizapp.banks import bundled_bank_files, store_bank_file

REPO = Path(__file__).resolve().parents[1]
BANK_DIR = REPO / "question_bank"
DEFAULT_BANK = BANK_DIR / "llm-vs-genai.yaml"
SECOND_BANK = BANK_DIR / "sql-vs-nosql.yaml"


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        for path in bundled_bank_files():
            store_bank_file(path)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh SQLite file with both shipped banks loaded; CSRF off for convenience."""
    app = make_app(tmp_path)
    yield app
    from quizapp.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def csrf_app(tmp_path: Path) -> Flask:
    """The same app with CSRF protection on, as in production."""
    return make_app(tmp_path, WTF_CSRF_ENABLED=True)


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


def start_quiz(client: FlaskClient, bank: str = "llm-vs-genai", kinds: list[str] | None = None,
               length: int = 5, feedback: str = "immediate") -> int:
    """Start a quiz through the form and return the attempt id."""
    from quizapp.core.questions import KINDS

    response = client.post("/quiz/", data={"bank": bank, "kinds": kinds or list(KINDS), "length": length,
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
