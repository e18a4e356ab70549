"""Issue 9 through the web and the command line: the size limit (32 MB since issue 11) applies to the
file (point 18), an upload's check runs under a hard time limit (the general rule), NUL bytes and
infinities are refused with the line (points 16 and 17), and check-bank's JSON is always valid JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from quizapp.config import MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES
from quizapp.extensions import db
from quizapp.models import Bank, BankUpload
from tests.conftest import _dispose, make_app
from tests.web.test_instructor import make_instructor, upload

GIFT = "::q1:: Which is an LLM? {=GPT-4 ~StyleGAN}\n\n"


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Bank)).scalar_one(),
                db.session.execute(select(func.count()).select_from(BankUpload)).scalar_one())


def padded_gift(size: int) -> bytes:
    """A valid GIFT file of exactly ``size`` bytes: one question and a long comment line."""
    body = GIFT.encode()
    return b"// " + b"x" * (size - len(body) - 4) + b"\n" + body


def test_18_a_file_of_exactly_the_limit_is_accepted_the_request_may_be_a_little_larger(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    data = padded_gift(MAX_UPLOAD_BYTES)
    assert len(data) == MAX_UPLOAD_BYTES
    response = upload(client, data, "exactly-the-limit.gift")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert MAX_UPLOAD_BYTES < MAX_REQUEST_BYTES <= MAX_UPLOAD_BYTES + 128 * 1024


def test_18_a_file_one_byte_over_the_limit_is_413_with_a_message(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    before = counts(app)
    response = upload(client, padded_gift(MAX_UPLOAD_BYTES + 1), "over.gift")
    assert MAX_UPLOAD_BYTES == 32 * 1024 * 1024  # room for 50,000 questions (README, Security)
    assert response.status_code == 413 and "larger than 32 MB" in response.get_data(as_text=True)
    response = upload(client, padded_gift(MAX_REQUEST_BYTES + 1), "far-over.gift")
    assert response.status_code == 413 and "larger than the 32 MB limit" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.fixture
def hurried_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app with a budget of a quarter of a second for checking an upload."""
    app = make_app(tmp_path, DATABASE_URL=database_url, BANK_CHECK_SECONDS=0.25)
    yield app
    _dispose(app)


def slow_fact_bank() -> bytes:
    """A valid-looking fact bank of almost the size limit, which takes seconds to check: thousands of cards."""
    head = ("format: quizapp-factbank/1\nslug: slow\ntitle: Slow\ndocuments: [{file: a.txt, title: A}]\n"
            "categories: [{id: a, name: A, source: {note: n}}, {id: b, name: B, source: {note: n}}]\ncards:\n")
    card = "- {front: 'What is it?', back: 'It is.', topic: faq, source: {note: n}}\n"
    return (head + card * ((MAX_UPLOAD_BYTES - len(head) - 1000) // len(card))).encode()


def test_an_upload_that_takes_longer_than_its_budget_is_refused_and_the_worker_lives_on(hurried_app: Flask):
    client = hurried_app.test_client()
    make_instructor(hurried_app, client)
    before = counts(hurried_app)
    response = upload(client, slow_fact_bank(), "slow.yaml")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "this file is too complex to check" in html, html[:500]
    assert 'name="file"' in html  # the upload form again, not a dead end
    assert counts(hurried_app) == before
    assert client.get("/healthz").status_code == 200


def test_an_upload_within_its_budget_is_checked_in_the_child_and_previewed(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    response = upload(client, GIFT, "week.gift")
    assert response.status_code == 302
    assert "q1" in client.get(response.location).get_data(as_text=True)


def test_17_an_upload_with_nul_bytes_is_refused_naming_the_line_not_a_500(app: Flask):
    client = app.test_client()
    make_instructor(app, client)
    before = counts(app)
    response = upload(client, "Q1 {=a ~b}\n\n::n\0::Q\0? {=a\0 ~b}\n", "nul.gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "line 3" in html and "control character" in html
    assert counts(app) == before


def test_16_check_bank_json_is_valid_json_for_infinite_numbers(runner: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "inf.gift"
    path.write_text("::n:: How big? {#1..1e999}\n")
    result = runner.invoke(args=["check-bank", str(path), "--format", "json"])
    assert result.exit_code == 1

    def refuse(constant: str) -> None:
        raise AssertionError(f"check-bank printed {constant}, which is not JSON")

    data = json.loads(result.output, parse_constant=refuse)
    assert any("line 1" in e and "finite" in e for e in data["errors"]), data["errors"]
