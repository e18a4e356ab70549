"""Accounts, guest results kept on registering, My progress and leaderboards."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import QuizAttempt, User
from tests.conftest import answer_current, start_quiz


def finish_quiz(client: FlaskClient, choice: int = 0, **kwargs) -> int:
    attempt_id = start_quiz(client, **kwargs)
    while client.get(f"/quiz/{attempt_id}").status_code == 200:
        answer_current(client, attempt_id, choice)
    return attempt_id


def test_register_hashes_the_password_and_logs_in(app: Flask, client: FlaskClient, auth):
    response = auth.register("ada", "correct-horse")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="ada")).scalar_one()
        assert user.password_hash.startswith("scrypt:") and "correct-horse" not in user.password_hash
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_register_rejects_taken_name_weak_and_mismatched_passwords(client: FlaskClient, auth):
    auth.register("ada")
    auth.logout()
    assert "That username is taken." in auth.register("ADA").get_data(as_text=True)
    assert auth.register("bob", "short").status_code == 400
    response = client.post("/auth/register", data={"username": "bob", "display_name": "Bob",
                                                   "password": "long-enough-1", "confirm": "other-thing-2"})
    assert response.status_code == 400 and "The two passwords differ." in response.get_data(as_text=True)


def test_login_logout_and_wrong_password(client: FlaskClient, auth):
    auth.register("ada")
    auth.logout()
    bad = auth.login("ada", "wrong-password")
    assert bad.status_code == 400 and "Wrong username or password." in bad.get_data(as_text=True)
    assert auth.login("ada").status_code == 302
    assert client.get("/auth/profile").status_code == 200
    auth.logout()
    assert client.get("/auth/profile").status_code == 302


def test_login_redirect_ignores_external_next(client: FlaskClient, auth):
    auth.register("ada")
    auth.logout()
    response = client.post("/auth/login?next=https://evil.example/", data={"username": "ada",
                                                                          "password": "correct-horse"})
    assert response.location == "/"


def test_guest_results_are_kept_when_registering_in_the_same_session(app: Flask, client: FlaskClient, auth):
    attempt_id = finish_quiz(client, kinds=["classify"], length=5)
    progress = client.get("/progress").get_data(as_text=True)
    assert "this browser session" in progress and f"/quiz/{attempt_id}/results" in progress
    response = auth.register("grace")
    assert response.location == "/progress"
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        user = db.session.execute(select(User).filter_by(username="grace")).scalar_one()
        assert attempt.user_id == user.id and attempt.guest_token is None
    # A different browser (no session) cannot see it.
    assert app.test_client().get(f"/quiz/{attempt_id}/results").status_code == 404


def test_progress_page_shows_history_chart_breakdowns_and_weakest(client: FlaskClient, auth):
    auth.register("ada")
    assert "No quizzes yet" in client.get("/progress").get_data(as_text=True)
    finish_quiz(client, choice=0, kinds=["classify", "method", "organization"], length=12)
    finish_quiz(client, choice=1, kinds=["classify", "method", "organization"], length=12)
    html = client.get("/progress").get_data(as_text=True)
    assert html.count("/results") >= 2
    assert "<svg" in html and "<polyline" in html
    assert "Accuracy by kind of question" in html and "Accuracy by category" in html
    assert "LLM (LLMs vs Generative AI)" in html or "Generative AI (LLMs vs Generative AI)" in html
    if "Weakest category" in html:  # present unless every category was answered perfectly
        assert 'action="/quiz/practise"' in html


def test_practise_starts_a_quiz_on_one_category(app: Flask, client: FlaskClient):
    response = client.post("/quiz/practise", data={"bank": "llm-vs-genai", "category": "llm"})
    assert response.status_code == 302
    attempt_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.category == "llm"
        assert all("llm" in q.data["categories"] for q in attempt.questions)
    assert client.post("/quiz/practise", data={"bank": "llm-vs-genai", "category": "nope"}).status_code == 400


def test_leaderboard_shows_best_scores_and_respects_opt_out(app: Flask, auth):
    first, second = app.test_client(), app.test_client()
    from tests.conftest import AuthActions

    AuthActions(first).register("ada", display_name="Ada L.")
    AuthActions(second).register("bob", display_name="Bob B.")
    finish_quiz(first, choice=0, kinds=["truefalse"], length=5)
    finish_quiz(second, choice=1, kinds=["truefalse"], length=5)
    html = first.get("/leaderboard/llm-vs-genai").get_data(as_text=True)
    assert "Ada L." in html and "Bob B." in html and ">ada<" not in html and ">bob<" not in html
    second.post("/auth/profile", data={"display_name": "Bob B."})  # checkbox unticked = opt out
    html = first.get("/leaderboard/llm-vs-genai").get_data(as_text=True)
    assert "Ada L." in html and "Bob B." not in html
    assert first.get("/leaderboard/unknown").status_code == 404
    assert "No registered learner" in first.get("/leaderboard/sql-vs-nosql").get_data(as_text=True)


def test_home_page_has_the_ways_in(client: FlaskClient):
    html = client.get("/").get_data(as_text=True)
    for link in ('href="/quiz/"', 'href="/cards/"', 'href="/progress"'):
        assert link in html
    assert client.get("/cards/").status_code == 200
    assert "LLMs vs Generative AI" in html


def test_welcome_and_log_in_messages_read_as_plain_sentences(client: FlaskClient, auth):
    finish_quiz(client, kinds=["classify"], length=5)
    welcome = client.get(auth.register("ada", display_name="Alice L.").location).get_data(as_text=True)
    assert "What you did as a guest is kept: 1 quiz." in welcome
    assert "quiz(zes)" not in welcome and "flashcard(s)" not in welcome and "in progress" not in welcome
    auth.logout()
    logged_in = client.get(auth.login("ada").location).get_data(as_text=True)
    assert "Logged in as Alice L." in logged_in and "Alice L.." not in logged_in
