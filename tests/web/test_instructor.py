"""Instructors: roles, uploads with preview, all-or-nothing imports, assignments, results and item analysis."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, Assignment, Bank, BankUpload, BankVersion, QuizAttempt, User
from tests.conftest import AuthActions

AIKEN = """Which model family is an LLM?
A) StyleGAN
B) GPT
C) BigGAN
ANSWER: B

What does a GAN have?
A. A generator and a discriminator
B. Only an encoder
ANSWER: A
"""
CSV = """question,options,answer,explanation,category
Which of these are LLMs?,GPT-4|StyleGAN|Claude,1|3,Both are language models,Models
Name the method with a generator and a discriminator,,GAN|GANs|generative adversarial network*,,Methods
"""


def make_instructor(app: Flask, client: FlaskClient, username: str = "teach") -> None:
    AuthActions(client).register(username)
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        user.is_instructor = True
        db.session.commit()


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    client = app.test_client()
    make_instructor(app, client)
    return client


@pytest.fixture
def learner(app: Flask) -> FlaskClient:
    client = app.test_client()
    AuthActions(client).register("lea")
    return client


def upload(client: FlaskClient, text: str | bytes, filename: str, **fields: str):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/instructor/banks/upload", data={"file": (io.BytesIO(data), filename), **fields},
                       content_type="multipart/form-data")


def import_bank(client: FlaskClient, text: str, filename: str, **fields: str) -> str:
    response = upload(client, text, filename, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    confirmed = client.post(response.location + "/confirm")
    assert confirmed.status_code == 302
    return confirmed.location.rsplit("/", 1)[1]


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {m.__tablename__: db.session.execute(select(func.count(m.id))).scalar_one()
                for m in (Bank, BankVersion, BankUpload, Assignment, QuizAttempt, Answer)}


def create_assignment(client: FlaskClient, slug: str, **fields) -> tuple[int, str]:
    data = {"title": "Week 1", "question_count": 2, "feedback": "immediate", "attempts_allowed": 1,
            "shuffle": "y", **fields}
    response = client.post(f"/instructor/banks/{slug}/assign", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assignment_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(response.location).get_data(as_text=True)
    return assignment_id, re.search(r"code <code>([^<]+)</code>", page).group(1)


def take(client: FlaskClient, code: str, choice: str = "0") -> int:
    """Start the assignment and answer every question with the first option (or a text answer); an
    answers-at-the-end attempt is then submitted from its Review and submit page."""
    response = client.post(f"/a/{code}/start")
    assert response.status_code == 302 and "/quiz/" in response.location, response.location
    attempt_id = int(response.location.rsplit("/", 1)[1])
    while True:
        page = client.get(f"/quiz/{attempt_id}")
        if page.status_code == 302 and page.location.endswith(f"/quiz/{attempt_id}/summary"):
            submitted = client.post(f"/quiz/{attempt_id}/submit")
            assert submitted.location.endswith(f"/quiz/{attempt_id}/results"), submitted.location
            return attempt_id
        if page.status_code == 302:
            return attempt_id
        html = page.get_data(as_text=True)
        action = re.search(r'action="(/quiz/\d+/answer/\d+)"', html).group(1)
        pairs = re.findall(r'name="(pair_\d+)"', html)
        data = {p: "0" for p in pairs} if pairs else {"choice": "GAN" if 'type="text"' in html else choice}
        assert client.post(action, data=data).status_code == 302


def test_learners_get_403_and_guests_are_sent_to_log_in(app: Flask, learner: FlaskClient):
    for url in ("/instructor/", "/instructor/banks/upload", "/instructor/users", "/instructor/banks/llm-vs-genai"):
        assert learner.get(url).status_code == 403
    assert "This page is for instructors." in learner.get("/instructor/").get_data(as_text=True)
    assert app.test_client().get("/instructor/").status_code == 302


def test_upload_preview_confirm_aiken(app: Flask, teacher: FlaskClient):
    response = upload(teacher, AIKEN, "week1.txt")
    assert response.status_code == 302
    preview = teacher.get(response.location).get_data(as_text=True)
    assert "2 questions in 1 category, 0 warnings" in preview and "Which model family is an LLM?" in preview
    assert counts(app)["banks"] == 2  # nothing imported before confirming
    teacher.post(response.location + "/confirm")
    assert counts(app)["banks"] == 3 and counts(app)["bank_uploads"] == 0
    bank = teacher.get("/instructor/banks/week1").get_data(as_text=True)
    assert "2 questions" in bank and "Export GIFT" in bank


def test_broken_file_is_rejected_with_lines_and_nothing_is_written(app: Flask, teacher: FlaskClient):
    before = counts(app)
    broken = AIKEN.replace("ANSWER: A", "Answer: A")
    response = upload(teacher, broken, "broken.txt", format="aiken")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "line 10" in html and "not imported" in html
    assert counts(app) == before


def test_not_utf8_and_wrong_extension_and_oversized(app: Flask, teacher: FlaskClient):
    before = counts(app)
    response = upload(teacher, "caf\xe9".encode("latin-1"), "x.txt")
    assert response.status_code == 400 and "not UTF-8" in response.get_data(as_text=True)
    response = upload(teacher, "x", "bank.exe")
    assert response.status_code == 400 and "Upload a .yaml, .gift" in response.get_data(as_text=True)
    response = upload(teacher, "x" * (33 * 1024 * 1024), "big.txt")
    assert response.status_code == 413 and "larger than the 32 MB limit" in response.get_data(as_text=True)
    assert counts(app) == before


def test_uploaded_script_is_shown_as_text(app: Flask, teacher: FlaskClient):
    text = "What does <script>alert(1)</script> do?\nA) Runs\nB) Nothing here\nANSWER: B\n"
    slug = import_bank(teacher, text, "xss.txt")
    html = teacher.get(f"/instructor/banks/{slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_csv_bank_taken_by_a_learner_with_partial_credit(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    slug = import_bank(teacher, CSV, "week2.csv")
    assignment_id, code = create_assignment(teacher, slug, question_count=2, shuffle="")
    attempt_id = take(learner, code)
    results = learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Your results" in results and "Right answer" in results
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        scores = [q.answer.score for q in attempt.questions]
    assert scores == [0.5, 1.0]  # GPT-4 only: half of "GPT-4 and Claude"; "GAN" matches the short answer
    report = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "Lea" in report and "75.0%" in report
    csv = teacher.get(f"/instructor/assignments/{assignment_id}/gradebook.csv").get_data(as_text=True)
    # the per-question columns (response [mark]) come before the totals
    assert csv.splitlines()[1].startswith("Lea,lea,1,1,GPT-4 [0.5],GAN [1],75.0,75.0,")


def test_attempts_allowed_and_dates_are_enforced(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    _, code = create_assignment(teacher, slug, attempts_allowed=1)
    take(learner, code)
    again = learner.post(f"/a/{code}/start", follow_redirects=True).get_data(as_text=True)
    assert "You have used all 1 attempt(s)" in again
    future = (datetime.utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _, later = create_assignment(teacher, slug, opens_at=future)
    assert "This assignment opens at" in learner.post(f"/a/{later}/start", follow_redirects=True).get_data(
        as_text=True)
    assert learner.get("/a/nope").status_code == 404
    assert app.test_client().get(f"/a/{code}").status_code == 302  # must log in


def test_time_limit_is_enforced_on_the_server(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    _, code = create_assignment(teacher, slug, time_limit_minutes=5)
    response = learner.post(f"/a/{code}/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    assert "Time left:" in learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.deadline = datetime.utcnow() - timedelta(minutes=1)
        db.session.commit()
    late = learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "0"})
    assert late.status_code == 409 and "Time is up" in late.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.finished_at is not None and attempt.score == 0
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0
    assert learner.get(f"/quiz/{attempt_id}/results").status_code == 200


def test_answers_hidden_until_the_assignment_closes(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    closes = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assignment_id, code = create_assignment(teacher, slug, feedback="after_close", closes_at=closes)
    attempt_id = take(learner, code)
    html = learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "shown after the assignment closes" in html and "Right answer" not in html
    assert learner.get(f"/quiz/{attempt_id}/feedback/1").status_code == 403
    with app.app_context():
        db.session.get(Assignment, assignment_id).closes_at = datetime.utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "Right answer" in learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)


def test_instructors_see_only_their_own_reports_and_manage_only_their_banks(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt", visibility="shared")  # private banks: test_bank_access.py
    assignment_id, _ = create_assignment(teacher, slug)
    other = app.test_client()
    make_instructor(app, other, "other")
    assert other.get(f"/instructor/assignments/{assignment_id}").status_code == 403
    assert other.get(f"/instructor/assignments/{assignment_id}/gradebook.csv").status_code == 403
    assert other.post(f"/instructor/banks/{slug}/delete").status_code == 403
    assert other.post(f"/instructor/banks/{slug}/toggle").status_code == 403
    refused = upload(other, AIKEN, "week1.txt")  # same slug: refused at once (and at confirm, test_bank_access.py)
    assert refused.status_code == 400 and "used by another instructor" in refused.get_data(as_text=True)
    assert "Waiting for confirmation" not in other.get("/instructor/").get_data(as_text=True)


def test_new_version_keeps_past_results_and_delete_keeps_history(app: Flask, teacher: FlaskClient,
                                                                  learner: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, attempts_allowed=0)
    attempt_id = take(learner, code)
    import_bank(teacher, AIKEN.replace("StyleGAN", "DCGAN"), "week1.txt")
    with app.app_context():
        bank = db.session.execute(select(Bank).filter_by(slug=slug)).scalar_one()
        assert bank.version == 2 and db.session.execute(select(func.count(BankVersion.id))).scalar_one() == 1
    with app.app_context():
        stored = [q.data for q in db.session.get(QuizAttempt, attempt_id).questions]
    assert any("StyleGAN" in str(data) for data in stored)  # the attempt keeps the questions it was given
    assert "Which model family is an LLM?" in learner.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    teacher.post(f"/instructor/banks/{slug}/delete")
    assert teacher.get(f"/instructor/banks/{slug}").status_code == 404
    assert learner.get(f"/quiz/{attempt_id}/results").status_code == 200
    assert teacher.get(f"/instructor/assignments/{assignment_id}").status_code == 200


def test_item_analysis_appears_after_two_attempts(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, shuffle="", attempts_allowed=0)
    for index, choice in enumerate(("1", "0", "1")):
        client = app.test_client()
        AuthActions(client).register(f"learner{index}")
        take(client, code, choice)
    report = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "Facility" in report and "Internal consistency" in report
    assert "GPT: 2" in report and "StyleGAN: 1" in report


def test_promote_a_learner(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    with app.app_context():
        lea = db.session.execute(select(User).filter_by(username="lea")).scalar_one()
    assert learner.post(f"/instructor/users/{lea.id}/promote").status_code == 403
    teacher.post(f"/instructor/users/{lea.id}/promote")
    assert learner.get("/instructor/").status_code == 200


def test_bank_exports(app: Flask, teacher: FlaskClient):
    slug = import_bank(teacher, CSV, "week2.csv")
    data = teacher.get(f"/instructor/banks/{slug}/export.json").get_json()
    assert [q["qtype"] for q in data["questions"]] == ["multichoice", "shortanswer"]
    assert teacher.get("/instructor/banks/llm-vs-genai/export.gift").status_code == 200
    assert teacher.get(f"/instructor/banks/{slug}/export.pdf").status_code == 404


GIFT_KINDS = """::tf:: Every LLM is Generative AI. {TRUE}

::num:: How many training methods does seed 000 name? {#3:0}

::gap:: An LLM is a kind of {=Generative AI =generative*} model.
"""


def test_imported_truefalse_numerical_and_missing_word_are_graded(app: Flask, teacher: FlaskClient,
                                                                  learner: FlaskClient):
    slug = import_bank(teacher, GIFT_KINDS, "kinds.gift")
    _, code = create_assignment(teacher, slug, question_count=3, shuffle="")
    attempt_id = int(learner.post(f"/a/{code}/start").location.rsplit("/", 1)[1])
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert 'value="true"' in page and 'value="false"' in page
    assert learner.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "true"}).status_code == 302
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert 'inputmode="decimal"' in page
    bad = learner.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "three"})
    assert bad.status_code == 400 and "That is not a number" in bad.get_data(as_text=True)
    assert learner.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "3,0"}).status_code == 302
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert "An LLM is a kind of _____ model." in page
    assert learner.post(f"/quiz/{attempt_id}/answer/3", data={"choice": "  GENERATIVE   ai "}).status_code == 302
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert [q.answer.score for q in attempt.questions] == [1.0, 1.0, 1.0] and attempt.score == 3


def test_assignment_on_a_fact_bank_keeps_to_its_categories(app: Flask, teacher: FlaskClient, learner: FlaskClient):
    _, code = create_assignment(teacher, "sql-vs-nosql", question_count=12, shuffle="y",
                                categories=["relational", "document"])
    attempt_id = int(learner.post(f"/a/{code}/start").location.rsplit("/", 1)[1])
    with app.app_context():
        cats = [set(q.data["categories"]) for q in db.session.get(QuizAttempt, attempt_id).questions]
    assert cats and all(c & {"relational", "document"} for c in cats)
    assert {"relational", "document"} <= set().union(*cats)
