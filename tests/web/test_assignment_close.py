"""Issue 9, point 9: once an assignment closes no answer is accepted; the open attempt is submitted."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, Assignment, AttemptQuestion, QuizAttempt
from tests.conftest import AuthActions
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor, take


def _answers(app: Flask, attempt_id: int) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Answer.id)).join(AttemptQuestion)
                                  .where(AttemptQuestion.attempt_id == attempt_id)).scalar_one()


def _teacher_and_learner(app: Flask) -> tuple[FlaskClient, FlaskClient, str]:
    """An instructor with the Aiken bank imported (its slug) and a registered learner, each with a client."""
    teacher, learner = app.test_client(), app.test_client()
    make_instructor(app, teacher)
    AuthActions(learner).register("lea")
    return teacher, learner, import_bank(teacher, AIKEN, "week1.txt")


def _opening_it_submits(app: Flask, learner: FlaskClient, attempt_id: int) -> str:
    """Open the attempt's question page after it ended: it is submitted, and the page sends to its results."""
    reply = learner.get(f"/quiz/{attempt_id}")
    assert reply.status_code == 302 and reply.location.endswith(f"/quiz/{attempt_id}/results")
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).finished_at is not None
    return reply.location


def test_no_answer_is_accepted_after_close_and_the_open_attempt_is_submitted(app: Flask):
    teacher, learner, slug = _teacher_and_learner(app)
    closes = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assignment_id, code = create_assignment(teacher, slug, feedback="after_close", closes_at=closes,
                                            attempts_allowed=2)  # no time limit
    first = take(learner, code)
    second_start = learner.post(f"/a/{code}/start")
    assert second_start.status_code == 302
    second = int(second_start.location.rsplit("/", 1)[1])
    page = learner.get(f"/quiz/{second}").get_data(as_text=True)
    action = re.search(r'action="(/quiz/\d+/answer/\d+)"', page).group(1)
    with app.app_context():
        closed_at = datetime.utcnow() - timedelta(minutes=1)
        db.session.get(Assignment, assignment_id).closes_at = closed_at
        db.session.commit()
    late = learner.post(action, data={"choice": "0"})
    assert late.status_code == 409, late.status_code
    assert "closed" in late.get_data(as_text=True)
    assert _answers(app, second) == 0
    with app.app_context():
        attempt = db.session.get(QuizAttempt, second)
        assert attempt.finished_at is not None and attempt.finished_at <= closed_at
        assert attempt.score == 0
    # Its results are the submitted page, and the first attempt's answers are now revealed.
    assert learner.get(f"/quiz/{second}").status_code == 302
    assert "Right answer" in learner.get(f"/quiz/{first}/results").get_data(as_text=True)


def test_an_attempt_left_open_is_submitted_when_its_page_is_opened_after_close(app: Flask):
    teacher, learner, slug = _teacher_and_learner(app)
    closes = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assignment_id, code = create_assignment(teacher, slug, closes_at=closes)
    started = learner.post(f"/a/{code}/start")
    attempt_id = int(started.location.rsplit("/", 1)[1])
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    action = re.search(r'action="(/quiz/\d+/answer/\d+)"', page).group(1)
    assert learner.post(action, data={"choice": "1"}).status_code == 302  # one answer while open
    with app.app_context():
        db.session.get(Assignment, assignment_id).closes_at = datetime.utcnow() - timedelta(seconds=1)
        db.session.commit()
    _opening_it_submits(app, learner, attempt_id)
    assert _answers(app, attempt_id) == 1  # submitted with what it had


def test_a_question_page_opened_after_the_time_limit_submits_the_attempt(app: Flask):
    """The question page reads a plain header of the attempt (quiz/question_page.py): it still names the
    assignment, and once the time limit has passed it submits the attempt and says so on the results."""
    teacher, learner, slug = _teacher_and_learner(app)
    _, code = create_assignment(teacher, slug, title="Timed week", time_limit_minutes=5)
    attempt_id = int(learner.post(f"/a/{code}/start").location.rsplit("/", 1)[1])
    page = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert '<p class="muted">Timed week · ' in page and "Time left:" in page
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).deadline = datetime.utcnow() - timedelta(minutes=1)
        db.session.commit()
    results = learner.get(_opening_it_submits(app, learner, attempt_id)).get_data(as_text=True)
    assert "Time is up: the attempt was submitted with the answers given so far." in results
    assert learner.get(f"/quiz/{attempt_id}").location.endswith(f"/quiz/{attempt_id}/results")  # stays finished
