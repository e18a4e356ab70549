"""A whole quiz through the real app and a real SQLite file: scores stored, tampering rejected."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, AttemptQuestion, QuizAttempt
from tests.conftest import answer_current, start_quiz


def stored(app: Flask, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def answer_count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Answer.id))).scalar_one()


def key_of(app: Flask, attempt_id: int, position: int) -> dict:
    with app.app_context():
        return db.session.execute(select(AttemptQuestion.data).filter_by(
            attempt_id=attempt_id, position=position)).scalar_one()


def right_answer_form(data: dict) -> dict:
    if data["kind"] == "match":
        return {f"pair_{i}": str(data["options"].index(right)) for i, (_, right) in enumerate(data["pairs"])}
    return {"choice": str(data["answer"])}


def test_start_page_lists_banks_kinds_and_lengths(client: FlaskClient):
    html = client.get("/quiz/").get_data(as_text=True)
    assert "LLMs vs Generative AI" in html and "Match models and applications to their makers" in html
    assert 'name="length"' in html and "After each question" in html


def test_whole_quiz_with_right_answers_scores_full_marks(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify", "match", "method", "truefalse", "dimension"], length=5)
    for position in range(1, 6):
        page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
        assert f"Question {position} of 5" in page
        response = client.post(f"/quiz/{attempt_id}/answer/{position}",
                               data=right_answer_form(key_of(app, attempt_id, position)))
        assert response.status_code == 302
        feedback = client.get(response.location).get_data(as_text=True)
        assert "Correct!" in feedback and "Why:" in feedback and "Source:" in feedback
    results = client.get(f"/quiz/{attempt_id}/results")
    html = results.get_data(as_text=True)
    assert results.status_code == 200 and "100%" in html and "By kind of question" in html
    assert "By category" in html and html.count('class="reviewed"') == 5
    attempt = stored(app, attempt_id)
    assert attempt.score == 5 and attempt.finished_at is not None and attempt.question_count == 5


def test_feedback_at_the_end_shows_nothing_until_results(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    response = answer_current(client, attempt_id, choice=0)
    assert response.location.endswith(f"/quiz/{attempt_id}")
    assert client.get(f"/quiz/{attempt_id}/feedback/1").status_code == 403
    assert client.get(f"/quiz/{attempt_id}/results").status_code == 302  # not finished yet
    for _ in range(4):
        answer_current(client, attempt_id, choice=0)
    # The last answer does not finish the quiz: it waits on Review and submit for the learner's submission.
    assert client.get(f"/quiz/{attempt_id}").location.endswith(f"/quiz/{attempt_id}/summary")
    assert client.get(f"/quiz/{attempt_id}/results").location.endswith(f"/quiz/{attempt_id}/summary")
    assert stored(app, attempt_id).finished_at is None
    assert client.post(f"/quiz/{attempt_id}/submit").location.endswith(f"/quiz/{attempt_id}/results")
    html = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Why:" in html and html.count("Source:") == 5


def test_key_never_reaches_the_browser_before_answering(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify", "match"], length=5)
    for position in range(1, 6):
        data = key_of(app, attempt_id, position)
        response = client.get(f"/quiz/{attempt_id}")
        html = response.get_data(as_text=True)
        assert data["explanation"] not in html and "Source:" not in html and "correct" not in html.lower()
        # Options are rendered in stored order with index values only: no marker distinguishes the key.
        values = re.findall(r'<(?:option|input)[^>]*value="(\d+)"', html)
        assert values and len(set(values)) == len(data["options"])
        cookies = " ".join(c.value for c in client._cookies.values())
        assert data["explanation"][:20] not in cookies
        answer_current(client, attempt_id)


def test_tampered_option_is_rejected_and_changes_nothing(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    for bad in ({"choice": "99"}, {"choice": "-1"}, {"choice": "x"}, {}):
        response = client.post(f"/quiz/{attempt_id}/answer/1", data=bad)
        assert response.status_code == 400
    assert answer_count(app) == 0


def test_tampered_match_select_is_rejected(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["match"], length=5)
    data = right_answer_form(key_of(app, attempt_id, 1))
    data["pair_0"] = "7"
    assert client.post(f"/quiz/{attempt_id}/answer/1", data=data).status_code == 400
    del data["pair_0"]
    page = client.post(f"/quiz/{attempt_id}/answer/1", data=data)
    assert page.status_code == 400 and "Choose a match for" in page.get_data(as_text=True)
    assert answer_count(app) == 0


def test_replayed_answer_never_counts_twice(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    form = right_answer_form(key_of(app, attempt_id, 1))
    assert client.post(f"/quiz/{attempt_id}/answer/1", data=form).status_code == 302
    assert client.post(f"/quiz/{attempt_id}/answer/1", data=form).status_code == 409
    assert answer_count(app) == 1 and stored(app, attempt_id).score == 1


def test_unknown_question_and_finished_attempt_are_rejected(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["truefalse"], length=5)
    assert client.post(f"/quiz/{attempt_id}/answer/6", data={"choice": "0"}).status_code == 404
    assert client.get("/quiz/9999").status_code == 404
    for _ in range(5):
        answer_current(client, attempt_id)
    before = answer_count(app)
    assert client.post(f"/quiz/{attempt_id}/answer/5", data={"choice": "0"}).status_code == 409
    assert answer_count(app) == before == 5


def test_another_users_attempt_is_not_found(app: Flask, client: FlaskClient, auth):
    auth.register("ada")
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    auth.logout()
    other = app.test_client()
    assert other.get(f"/quiz/{attempt_id}").status_code == 404
    assert other.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "0"}).status_code == 404
    assert other.get(f"/quiz/{attempt_id}/results").status_code == 404
    assert answer_count(app) == 0


def test_start_form_validates_length_and_kinds(client: FlaskClient):
    for data in ({"bank": "llm-vs-genai", "kinds": ["classify"], "length": 4, "feedback": "end"},
                 {"bank": "llm-vs-genai", "kinds": ["classify"], "length": 51, "feedback": "end"},
                 {"bank": "llm-vs-genai", "length": 10, "feedback": "end"},
                 {"bank": "nope", "kinds": ["classify"], "length": 10, "feedback": "end"},
                 {"bank": "llm-vs-genai", "kinds": ["bogus"], "length": 10, "feedback": "end"}):
        response = client.post("/quiz/", data=data)
        assert response.status_code == 400, data
    html = client.post("/quiz/", data={"bank": "llm-vs-genai", "kinds": ["classify"], "length": 4,
                                       "feedback": "end"}).get_data(as_text=True)
    assert "Choose between 5 and 50 questions." in html


def test_questions_are_stored_so_results_survive_a_bank_change(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    before = key_of(app, attempt_id, 1)
    with app.app_context():
        from quizapp.banks import store_bank
        from tests.conftest import DEFAULT_BANK

        text = DEFAULT_BANK.read_text().replace("title: LLMs vs Generative AI", "title: Changed title", 1)
        assert store_bank(text, "llm-vs-genai.yaml").status == "updated"
    assert key_of(app, attempt_id, 1) == before
    assert client.get(f"/quiz/{attempt_id}").status_code == 200


def test_csrf_token_is_required(csrf_app: Flask):
    client = csrf_app.test_client()
    response = client.post("/quiz/", data={"bank": "llm-vs-genai", "kinds": ["classify"], "length": 5,
                                           "feedback": "end"})
    assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    page = client.get("/quiz/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/quiz/", data={"csrf_token": token, "bank": "llm-vs-genai", "kinds": ["classify"],
                                           "length": 5, "feedback": "end"})
    assert response.status_code == 302
    attempt_id = int(response.location.rsplit("/", 1)[1])
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": "0"}).status_code == 400


def test_quiz_starts_draw_on_their_seed_from_pools_of_a_few_pool_seeds(app):
    """The app generates a quiz's pools on its seed modulo POOL_SEEDS (so a worker keeps them) and draws the quiz
    on the seed itself: two seeds POOL_SEEDS apart share their pools, yet ask different quizzes."""
    from quizapp.banks import bank_by_slug, fact_bank
    from quizapp.core.generators import POOL_SEEDS, generate_quiz, question_pool
    from quizapp.owner import Owner
    from quizapp.quiz.service import start_attempt

    with app.app_context():
        row = bank_by_slug("llm-vs-genai")
        asked = []
        for seed in (5, 5 + POOL_SEEDS):
            started = start_attempt(Owner(None, "guest"), row, 10, None, "immediate", seed=seed)
            asked.append([q.data for q in db.session.get(QuizAttempt, started.id).questions])
        pooled = [q.to_dict() for qs in question_pool(fact_bank(row), 5).values() for q in qs]
        assert all(q in pooled for quiz in asked for q in quiz)
        assert asked[0] != asked[1]
        assert asked[0] == [q.to_dict() for q in generate_quiz(fact_bank(row), count=10, seed=5, pool_seed=5)]
