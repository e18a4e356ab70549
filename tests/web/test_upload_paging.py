"""Big banks (issue 11): an upload's preview and a bank's page show 200 questions to a page, never all at once;
warnings and errors are listed up to 100 with the count of the rest."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from quizapp.extensions import db
from quizapp.instructor import upload_preview
from quizapp.models import BankUpload
from tests.web.test_instructor import make_instructor, upload


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    client = app.test_client()
    make_instructor(app, client)
    return client


def gift(count: int) -> str:
    return "".join(f"::q{i}:: Question number {i}? {{=yes ~no}}\n\n" for i in range(1, count + 1))


def cards(html: str) -> list[int]:
    """The question numbers shown: each card's name (q1, q2, ...)."""
    return [int(n) for n in re.findall(r"· q(\d+)\b", html)]


def preview(teacher: FlaskClient, text: str, filename: str = "big.gift") -> str:
    response = upload(teacher, text, filename)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.location


def test_a_450_question_preview_pages_200_at_a_time(app: Flask, teacher: FlaskClient):
    url = preview(teacher, gift(450))
    first = teacher.get(url).get_data(as_text=True)
    assert cards(first) == list(range(1, 201))
    assert "Questions 1–200 of 450" in first and "page 1 of 3" in first
    assert f'href="{url}?page=2"' in first and ">Previous<" not in first
    second = teacher.get(f"{url}?page=2").get_data(as_text=True)
    assert cards(second) == list(range(201, 401)) and "Questions 201–400 of 450" in second
    assert f'href="{url}?page=1"' in second and f'href="{url}?page=3"' in second
    assert '<ol class="question-list" start="201">' in second
    third = teacher.get(f"{url}?page=3").get_data(as_text=True)
    assert cards(third) == list(range(401, 451)) and "Questions 401–450 of 450" in third and ">Next<" not in third
    assert "450 questions in 1 category" in third  # the summary counts the whole file on every page


@pytest.mark.parametrize("page", ["9", "0", "-1"])
def test_a_page_past_the_last_is_a_404_naming_the_pages(app: Flask, teacher: FlaskClient, page: str):
    url = preview(teacher, gift(450))
    response = teacher.get(f"{url}?page={page}")
    assert response.status_code == 404
    assert f"There is no page {page}: the 450 questions fill pages 1 to 3 (200 to a page)." \
        in response.get_data(as_text=True)


def test_a_page_that_is_not_a_number_is_the_first(app: Flask, teacher: FlaskClient):
    url = preview(teacher, gift(450))
    assert cards(teacher.get(f"{url}?page=two").get_data(as_text=True)) == list(range(1, 201))


def test_a_short_upload_has_one_page_and_no_pager(app: Flask, teacher: FlaskClient):
    html = teacher.get(preview(teacher, gift(3))).get_data(as_text=True)
    assert cards(html) == [1, 2, 3] and "Questions 1–3 of 3" in html and 'class="pager"' not in html


def test_paging_through_a_preview_checks_the_file_once(app: Flask, teacher: FlaskClient,
                                                       monkeypatch: pytest.MonkeyPatch):
    url = preview(teacher, gift(450))
    calls = []
    real = upload_preview.check_bank_text
    monkeypatch.setattr(upload_preview, "check_bank_text", lambda *a: calls.append(a) or real(*a))
    for page in (1, 2, 3, 2):
        assert teacher.get(f"{url}?page={page}").status_code == 200
    assert len(calls) == 1


def test_the_bank_page_pages_an_imported_bank(app: Flask, teacher: FlaskClient):
    confirmed = teacher.post(preview(teacher, gift(450), "week.gift") + "/confirm")
    assert confirmed.status_code == 302
    page = teacher.get(confirmed.location + "?page=3").get_data(as_text=True)
    assert "450 questions" in page and cards(page) == list(range(401, 451))
    assert "Questions 401–450 of 450" in page
    assert teacher.get(confirmed.location + "?page=4").status_code == 404


def test_warnings_are_listed_up_to_100_with_the_count_of_the_rest(app: Flask, teacher: FlaskClient):
    text = "".join(f"::q{i}:: Is it so? {{true}}\n\n" for i in range(1, 151))
    html = teacher.get(preview(teacher, text)).get_data(as_text=True)
    assert "Warnings (150)" in html and html.count("is read as a short answer") == 100
    assert "… and 50 more (150 in all)" in html and "quizapp check-bank FILE" in html


def test_errors_of_a_refused_upload_are_listed_up_to_100(app: Flask, teacher: FlaskClient):
    text = "".join(f"::q{i}:: Broken {{=a ~b\n\n" for i in range(1, 1201))
    response = upload(teacher, text, "broken.gift")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1,200 problems" in html and html.count("Could not find {...}") == 100
    assert "… and 1,100 more (1,200 in all)" in html


def test_the_same_text_uploaded_again_under_another_name_previews_that_name(app: Flask, teacher: FlaskClient):
    first = preview(teacher, gift(3), "week-one.gift")
    assert "<code>week-one</code>" in teacher.get(first).get_data(as_text=True)
    with app.app_context():  # gone without this process hearing of it (another worker discarded it, say)
        db.session.execute(delete(BankUpload))
        db.session.commit()
    second = preview(teacher, gift(3), "week-two.gift")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert second == first  # SQLite gives the freed id again: the case this test is about (PostgreSQL never does)
    html = teacher.get(second).get_data(as_text=True)
    assert "<code>week-two</code>" in html and "week-one" not in html
