"""Issue 9, points 15, 19 and 20: the gradebook CSV neutralises formulas (the deck export: see
tests/core/test_csv_safety.py), the sub-deck review page works, and learning steps outside 1 s..365 d
(or more than 10) are refused naming the field."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import AuthActions
from tests.web.test_instructor import AIKEN, create_assignment, import_bank, make_instructor, take

HYPERLINK = '=HYPERLINK("http://e.x/","c")'


def test_the_gradebook_csv_neutralises_a_formula_display_name(app: Flask):
    teacher, learner = app.test_client(), app.test_client()
    make_instructor(app, teacher)
    AuthActions(learner).register("lea", display_name=HYPERLINK)
    slug = import_bank(teacher, AIKEN, "week1.txt")
    assignment_id, code = create_assignment(teacher, slug)
    take(learner, code)
    body = teacher.get(f"/instructor/assignments/{assignment_id}/gradebook.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "'" + HYPERLINK
    assert rows[1][1] == "lea" and rows[1][2] == "1"


def test_studying_a_sub_deck_shows_a_card(client: FlaskClient):
    response = client.get("/cards/llm-vs-genai/review?topic=faq")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="flashcard"' in html


def test_studying_two_sub_decks_names_both(client: FlaskClient):
    response = client.get("/cards/llm-vs-genai/review?topic=faq&topic=models")
    assert response.status_code == 200


def _settings(client: FlaskClient, **steps: str):
    data = {"new_per_day": 20, "reviews_per_day": 200, "rollover_hour": 4, "timezone": "UTC",
            "learning_steps": "1m 10m", "relearning_steps": "10m", "desired_retention": "0.9", **steps}
    return client.post("/cards/settings", data=data)


@pytest.mark.parametrize("steps", ["99999999999d", "9999999d", "0.0000001s", "0.5s", "366d", "1e3s",
                                   " ".join(["1m"] * 11), "10", "m", "-1m", "nan" + "s", "inf" + "d"])
@pytest.mark.parametrize("field", ["learning_steps", "relearning_steps"])
def test_steps_out_of_range_are_refused_naming_the_field(app: Flask, client: FlaskClient, field: str, steps: str):
    AuthActions(client).register("ada")
    response = _settings(client, **{field: steps})
    assert response.status_code in (200, 400), steps  # the settings page re-shows the form with its errors
    html = response.get_data(as_text=True)
    label = "Learning steps" if field == "learning_steps" else "Relearning steps"
    assert f"{label}:" in html, html[:3000]
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert (user.learning_steps, user.relearning_steps) == ("1m 10m", "10m")
    for page in ("/cards/", "/cards/stats", "/cards/llm-vs-genai/review"):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("steps", ["1s", "365d", "1s 1m 1h 1d 365d", " ".join(["10m"] * 10), "1.5m"])
def test_steps_in_range_are_kept(app: Flask, client: FlaskClient, steps: str):
    AuthActions(client).register("ada")
    assert _settings(client, learning_steps=steps, relearning_steps=steps).status_code == 302
    with app.app_context():
        assert db.session.execute(select(User.learning_steps)).scalar_one() == steps
    assert client.get("/cards/llm-vs-genai/review").status_code == 200
