"""Question pages of every response type: exactly one h1 (imported kinds too), and in answers-at-the-end
quizzes the recorded answer is shown again in the form and can be changed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from quizapp.core.imported import Answer as ImportedAnswer
from quizapp.extensions import db
from quizapp.models import QuizAttempt
from tests.conftest import AuthActions, start_quiz
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor
from tests.web.test_response_types import MATCHING, NUMBER, SEVERAL, SHORT, TRUE_FALSE, imported, quiz_holding, scores

SINGLE = imported(qtype="multichoice", answers=(ImportedAnswer("GPT-4", 1.0), ImportedAnswer("StyleGAN", 0.0)))
MULTIPLE = imported(qtype="multichoice", single=False,
                    answers=(ImportedAnswer("GPT-4", 0.5), ImportedAnswer("Claude", 0.5), ImportedAnswer("GAN", -1.0)))
ESSAY = imported(qtype="essay")
EVERY_KIND = [TRUE_FALSE, SINGLE, MULTIPLE, SHORT, NUMBER, MATCHING, ESSAY, SEVERAL]


def test_every_question_page_has_exactly_one_h1(app: Flask, client: FlaskClient):
    attempt_id = quiz_holding(app, client, EVERY_KIND[:5])
    second = quiz_holding(app, client, EVERY_KIND[5:])
    for attempt, count in ((attempt_id, 5), (second, 3)):
        with app.app_context():
            db.session.get(QuizAttempt, attempt).feedback = "end"
            db.session.commit()
        for position in range(1, count + 1):
            html = client.get(f"/quiz/{attempt}/q/{position}").get_data(as_text=True)
            assert len(re.findall(r"<h1\b", html)) == 1, (attempt, position)


def answer_and_reopen(client: FlaskClient, attempt_id: int, position: int, data: dict) -> str:
    assert client.post(f"/quiz/{attempt_id}/answer/{position}", data=data).status_code == 302
    return client.get(f"/quiz/{attempt_id}/q/{position}").get_data(as_text=True)


def test_recorded_answers_of_every_kind_are_shown_again_and_can_change(app: Flask, client: FlaskClient):
    attempt_id = quiz_holding(app, client, [SHORT, NUMBER, MATCHING, MULTIPLE, SINGLE])
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).feedback = "end"
        db.session.commit()
    page = answer_and_reopen(client, attempt_id, 1, {"choice": "Generative AI"})
    assert 'value="Generative AI"' in page and "Save changed answer" in page
    page = answer_and_reopen(client, attempt_id, 2, {"choice": "2.5"})
    assert 'value="2.5"' in page
    page = answer_and_reopen(client, attempt_id, 3, {"pair_0": "1", "pair_1": "0"})
    assert re.search(r'name="pair_0".*?<option selected value="1">', page, re.S)
    assert scores(app, attempt_id)[:3] == [1.0, 1.0, 0.0]
    changed = client.post(f"/quiz/{attempt_id}/change/3", data={"pair_0": "0", "pair_1": "1"})
    assert changed.status_code == 302
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.score == 3 and attempt.finished_at is None
    assert scores(app, attempt_id)[:3] == [1.0, 1.0, 1.0]
    bad = client.post(f"/quiz/{attempt_id}/change/2", data={"choice": "three"})
    assert bad.status_code == 400 and "That is not a number" in bad.get_data(as_text=True)
    assert scores(app, attempt_id)[1] == 1.0


def statements_of(app: Flask, client: FlaskClient, url: str, data: dict | None = None,
                  status: int = 200) -> tuple[str, list[str]]:
    """The page at ``url`` (posted ``data`` if given) and the SQL statements its request ran."""
    with app.app_context():
        engine = db.engine
    ran: list[str] = []

    def log(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        ran.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", log)
    try:
        reply = client.get(url) if data is None else client.post(url, data=data)
    finally:
        event.remove(engine, "before_cursor_execute", log)
    assert reply.status_code == status, (url, reply.status_code)
    return reply.get_data(as_text=True), ran


def test_question_pages_show_the_quiz_title_read_with_the_attempt(app: Flask, client: FlaskClient):
    """The bank's title (or the assignment's) comes in the attempt's own statement, not in a lazy load of the bank
    or the assignment, on the question pages and Review and submit."""
    learner = app.test_client()
    make_instructor(app, client)
    AuthActions(learner).register("lea")
    slug = import_bank(client, AIKEN, "week1.txt")
    closes = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    _, code = create_assignment(client, slug, title="Week 1 <quiz>", feedback="after_close", closes_at=closes)
    assignment = int(learner.post(f"/a/{code}/start").location.rsplit("/", 1)[1])
    practice = start_quiz(learner, kinds=["classify"], length=5, feedback="end")
    for attempt_id, title in ((assignment, "Week 1 &lt;quiz&gt;"), (practice, "LLMs vs Generative AI")):
        for url in (f"/quiz/{attempt_id}", f"/quiz/{attempt_id}/q/2", f"/quiz/{attempt_id}/summary"):
            page, ran = statements_of(app, learner, url)
            assert f"{title} · " in page or f"{title}:" in page, url
            reads = [s for s in ran if re.search(r"\b(banks|assignments)\b", s)]
            assert len(reads) == 1 and "FROM quiz_attempts" in reads[0], (url, reads)


def test_an_answer_reads_its_question_once(app: Flask, client: FlaskClient):
    """The answer view reads the question to build its form and stores the answer without reading it again."""
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    _, ran = statements_of(app, client, f"/quiz/{attempt_id}/answer/1", {"choice": "0"}, status=302)
    assert [s.split(" ", 1)[0] for s in ran if "attempt_questions" in s or "answers" in s] == ["SELECT", "INSERT"]
    _, ran = statements_of(app, client, f"/quiz/{attempt_id}/answer/1", {"choice": "0"}, status=409)
    assert "already answered" in _ and len([s for s in ran if s.startswith("INSERT")]) == 0
