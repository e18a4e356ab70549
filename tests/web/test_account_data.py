"""Account (issue 10 §5): change display name, download my data as JSON, delete my account.

Deleting keeps anonymised answers, so the item statistics of an assignment are the same before and after.
"""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.auth.account import DELETED_NAME
from quizapp.extensions import db
from quizapp.instructor.reports import item_analysis
from quizapp.models import Answer, Assignment, CardState, QuizAttempt, ReviewLog, User, UserSession
from tests.conftest import AuthActions, answer_current, start_quiz
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor, take

PASSWORD = "correct-horse"


def _rate_a_card(client: FlaskClient) -> None:
    page = client.get("/cards/llm-vs-genai/review").get_data(as_text=True)
    card_id = re.search(r'name="card_id" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/cards/llm-vs-genai/review", data={"card_id": card_id, "rating": "3"}).status_code == 302


def _user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).filter_by(username=username)).scalar_one()


def test_display_name_is_changed_on_the_profile(client: FlaskClient, auth: AuthActions):
    auth.register("ada", display_name="Ada")
    response = client.post("/auth/profile", data={"display_name": "  Countess  ", "on_leaderboard": "y"})
    assert response.status_code == 302
    page = client.get("/auth/profile").get_data(as_text=True)
    assert 'value="Countess"' in page and "Download my data" in page and "Delete my account" in page


def test_download_my_data_has_attempts_answers_cards_reviews_and_settings(app: Flask, client: FlaskClient,
                                                                          auth: AuthActions):
    auth.register("ada", display_name="Ada L.")
    attempt_id = start_quiz(client, kinds=["truefalse"], length=5, feedback="end")
    assert answer_current(client, attempt_id).status_code == 302
    _rate_a_card(client)
    response = client.get("/auth/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "ada" and data["account"]["display_name"] == "Ada L."
    assert data["settings"]["desired_retention"] == 0.9 and data["settings"]["timezone"] == "UTC"
    [attempt] = data["attempts"]
    assert attempt["id"] == attempt_id and attempt["finished_at"] is None and len(attempt["questions"]) == 5
    first = attempt["questions"][0]
    assert first["prompt"] and first["answer"]["response"] is not None and "score" in first["answer"]
    assert all(q["answer"] is None for q in attempt["questions"][1:])
    # No answer key of an unfinished quiz is one download away.
    assert not any(key in first for key in ("answer_index", "options", "explanation", "data"))
    assert len(data["card_states"]) == 1 and len(data["review_log"]) == 1
    assert data["review_log"][0]["rating"] == 3
    assert "password" not in json.dumps(data["account"])


def test_download_needs_an_account(client: FlaskClient):
    response = client.get("/auth/my-data.json")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_delete_needs_the_password_and_keeps_everything_when_it_is_wrong(app: Flask, client: FlaskClient,
                                                                        auth: AuthActions):
    auth.register("ada")
    response = client.post("/auth/delete", data={"delete_password": "not-my-password"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "that is not your password; nothing was deleted" in text
    assert 'aria-invalid="true"' in text
    blank = client.post("/auth/delete", data={"delete_password": ""})
    assert blank.status_code == 400
    assert client.get("/auth/profile").status_code == 200  # still logged in
    with app.app_context():
        assert db.session.execute(select(User).filter_by(username="ada")).scalar_one().display_name == "Ada"


def test_delete_anonymises_the_account_ends_every_session_and_keeps_item_statistics(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug, shuffle="", attempts_allowed=0)
    learners = []
    for index, choice in enumerate(("1", "0", "1")):
        client = app.test_client()
        AuthActions(client).register(f"learner{index}", PASSWORD, display_name=f"Learner {index}")
        take(client, code, choice)
        learners.append(client)
    ada = learners[0]
    _rate_a_card(ada)
    other_device = app.test_client()
    assert AuthActions(other_device).login("learner0", PASSWORD).status_code == 302
    ada_id = _user_id(app, "learner0")

    def statistics() -> tuple[object, ...]:
        with app.app_context():
            quiz, items = item_analysis(db.session.get(Assignment, assignment_id))
            return quiz, [(item.stats, item.options) for item in items]

    before = statistics()
    assert before[0].attempts == 3 and before[1]
    with app.app_context():
        answers_before = db.session.execute(select(func.count(Answer.id))).scalar_one()

    response = ada.post("/auth/delete", data={"delete_password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/")
    assert "Your account is deleted" in ada.get("/").get_data(as_text=True)
    # This session and the other device are logged out; the old password no longer logs in.
    assert ada.get("/auth/profile").status_code == 302
    assert other_device.get("/auth/profile").status_code == 302
    assert AuthActions(app.test_client()).login("learner0", PASSWORD).status_code == 400

    user = _user(app, ada_id)
    assert user.username == f"deleted user #{ada_id}" and user.display_name == DELETED_NAME
    assert not user.on_leaderboard and not user.check_password(PASSWORD)
    with app.app_context():
        for model in (UserSession, CardState, ReviewLog):
            assert db.session.execute(select(func.count(model.id)).filter_by(user_id=ada_id)).scalar_one() == 0
        assert db.session.execute(select(func.count(QuizAttempt.id)).filter_by(user_id=ada_id)).scalar_one() == 1
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == answers_before
    assert statistics() == before
    report = teacher.get(f"/instructor/assignments/{assignment_id}").get_data(as_text=True)
    assert "Learner 0" not in report and "learner0" not in report and DELETED_NAME in report
    assert "Learner 1" in report
    # The name is free again, and a new account of that name sees nothing of the old one.
    fresh = app.test_client()
    assert AuthActions(fresh).register("learner0", "another-horse").status_code == 302
    assert json.loads(fresh.get("/auth/my-data.json").get_data(as_text=True))["attempts"] == []


def test_a_deleted_user_is_not_on_the_leaderboard(app: Flask, client: FlaskClient, auth: AuthActions):
    auth.register("ada", display_name="Ada Lovelace")
    attempt_id = start_quiz(client, kinds=["truefalse"], length=5)
    for _ in range(5):
        answer_current(client, attempt_id)
    assert "Ada Lovelace" in client.get("/leaderboard/llm-vs-genai").get_data(as_text=True)
    assert client.post("/auth/delete", data={"delete_password": PASSWORD}).status_code == 302
    board = client.get("/leaderboard/llm-vs-genai").get_data(as_text=True)
    assert "Ada Lovelace" not in board and DELETED_NAME not in board
