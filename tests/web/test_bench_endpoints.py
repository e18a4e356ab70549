"""The baseline endpoints of benchmarks/ (quizapp/bench.py): absent unless turned on, and doing what they say."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import make_app


def test_absent_by_default(client: FlaskClient) -> None:
    for path in ("/bench/hello", "/bench/page", "/bench/insert"):
        assert client.get(path).status_code == 404, path


def test_floor_endpoints_when_turned_on(tmp_path: Path, app_database_url: str) -> None:
    app = make_app(tmp_path, migrated=True, DATABASE_URL=app_database_url, BENCH_ENDPOINTS=True)
    client = app.test_client()
    assert client.get("/bench/hello").text == "hello"
    page = client.get("/bench/page")
    assert page.status_code == 200
    assert "<h1>" in page.text and 'name="csrf_token"' in page.text and "Take a quiz" in page.text  # the site layout
    assert client.post("/bench/insert").text == "inserted"
    assert client.post("/bench/insert").text == "inserted"
    with app.app_context():
        from quizapp.bench import bench_rows
        from quizapp.extensions import db

        assert len(db.session.execute(bench_rows.select()).all()) == 2
