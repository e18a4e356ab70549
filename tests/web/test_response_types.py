"""Every response type through the real app: its form, its grading, its review; old stored attempts still shown."""

from __future__ import annotations

import random
import re

from flask import Flask, request
from flask.testing import FlaskClient
from flask_wtf import FlaskForm

from quizapp.core.imported import Answer as ImportedAnswer
from quizapp.core.imported import ImportedQuestion, MatchPair
from quizapp.core.imported_quiz import stored_question
from quizapp.core.questions import Question
from quizapp.core.responses.registry import key_of
from quizapp.extensions import db
from quizapp.models import Answer, QuizAttempt
from quizapp.quiz.responses import RESPONSE_FORMS, answer_form
from tests.conftest import csrf_token_of, start_quiz

SEVERAL = Question(kind="classify", prompt="Which of these are LLMs?", options=("GPT-4", "DALL-E", "Claude", "GAN"),
                   answers=(0, 2), explanation="GPT-4 and Claude are LLMs.", source="Article").to_dict()


def imported(**fields: object) -> dict:
    question = ImportedQuestion(**{"name": "n", "text": "Imported question?", "text_format": "plain", **fields})
    return stored_question(question, random.Random(1), False, "week1.gift")


TRUE_FALSE = imported(qtype="truefalse", tf_answer=True, tf_feedback_wrong="It is.", general_feedback="Subset.")
SHORT = imported(qtype="shortanswer", answers=(ImportedAnswer("generative ai", 1.0, "Yes."),))
NUMBER = imported(qtype="numerical", answers=(ImportedAnswer("3", 1.0, tolerance=0.5),))
MATCHING = imported(qtype="matching", pairs=(MatchPair("GPT-4", "OpenAI"), MatchPair("Claude", "Anthropic"),
                                             MatchPair("", "Google")))


def quiz_holding(app: Flask, client: FlaskClient, questions: list[dict], feedback: str = "immediate") -> int:
    """A guest's attempt whose questions are ``questions`` (stored as the app stores them)."""
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback=feedback)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        for target, data in zip(attempt.questions, questions, strict=False):
            target.data, target.kind = data, data["kind"]
        attempt.questions = attempt.questions[:len(questions)]
        attempt.question_count = len(questions)
        db.session.commit()
    return attempt_id


def scores(app: Flask, attempt_id: int) -> list[float | None]:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        return [q.answer.score if q.answer else None for q in attempt.questions]


def test_every_response_type_has_a_form_and_a_partial(app: Flask):
    from quizapp.core.responses.registry import RESPONSE_TYPES

    assert set(RESPONSE_FORMS) == set(RESPONSE_TYPES)
    for form in RESPONSE_FORMS.values():
        app.jinja_env.get_template(form.partial)  # exists and compiles


def test_a_quiz_with_one_question_of_every_response_type(app: Flask, client: FlaskClient):
    attempt_id = quiz_holding(app, client, [SEVERAL, TRUE_FALSE, SHORT, NUMBER, MATCHING])
    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert page.count('type="checkbox"') == 4 and "Choose every right answer" in page
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": ["0", "9"]}).status_code == 400
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": ["0", "1", "2", "3"]}).status_code == 302
    feedback = client.get(f"/quiz/{attempt_id}/feedback/1").get_data(as_text=True)
    assert "Not quite." in feedback and feedback.count("✓ Right answer") == 2 and feedback.count("← your answer") == 4

    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert 'value="true"' in page and 'value="false"' in page and 'type="radio"' in page
    assert client.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "1"}).status_code == 400
    assert client.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "false"}).status_code == 302
    feedback = client.get(f"/quiz/{attempt_id}/feedback/2").get_data(as_text=True)
    assert "It is." in feedback and "Subset." in feedback

    assert 'type="text"' in client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert client.post(f"/quiz/{attempt_id}/answer/3", data={"choice": "x" * 501}).status_code == 400
    assert client.post(f"/quiz/{attempt_id}/answer/3", data={"choice": " Generative  AI "}).status_code == 302
    assert "Yes." in client.get(f"/quiz/{attempt_id}/feedback/3").get_data(as_text=True)

    assert 'inputmode="decimal"' in client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert client.post(f"/quiz/{attempt_id}/answer/4", data={"choice": "3,4"}).status_code == 302

    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert re.findall(r'name="(pair_\d+)"', page) == ["pair_0", "pair_1"]
    choices = MATCHING["choices"]
    right = {"pair_0": str(choices.index("OpenAI")), "pair_1": str(choices.index("Anthropic"))}
    assert client.post(f"/quiz/{attempt_id}/answer/5", data={**right, "pair_1": "3"}).status_code == 400
    assert client.post(f"/quiz/{attempt_id}/answer/5", data=right).status_code == 302

    assert scores(app, attempt_id) == [0.0, 0.0, 1.0, 1.0, 1.0]
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "60%" in results and "Right answer" in results and results.count("✓ right") == 2


def test_multiple_answer_partial_credit_is_shown(app: Flask, client: FlaskClient):
    attempt_id = quiz_holding(app, client, [SEVERAL])
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": ["2"]}).status_code == 302
    assert "Partly correct: 50%" in client.get(f"/quiz/{attempt_id}/feedback/1").get_data(as_text=True)


def test_attempts_stored_in_the_old_shape_are_still_shown(app: Flask, client: FlaskClient):
    """Before stored questions named their response type: no "response", true/false answers as booleans."""
    old_tf = {k: v for k, v in TRUE_FALSE.items() if k != "response"}
    old_single = {k: v for k, v in Question(kind="classify", prompt="Is GPT-4 an LLM?", options=("LLM", "Other"),
                                            answer=0, explanation="It is.", source="A").to_dict().items()
                  if k != "response"}
    attempt_id = quiz_holding(app, client, [old_tf, old_single])
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.add_all([Answer(attempt_question_id=attempt.questions[0].id, response=False, score=0.0),
                            Answer(attempt_question_id=attempt.questions[1].id, response=0, score=1.0)])
        attempt.finished_at = attempt.started_at
        db.session.commit()
    results = client.get(f"/quiz/{attempt_id}/results")
    html = results.get_data(as_text=True)
    assert results.status_code == 200 and "It is." in html
    reviews = html.split('class="reviewed"')[1:]
    assert re.search(r"False\s*<span class=\"verdict\">← your answer", reviews[0])
    assert re.search(r"True\s*<span class=\"verdict\">✓ Right answer", reviews[0])
    assert re.search(r"LLM\s*<span class=\"verdict\">✓ Right answer</span>\s*<span class=\"verdict\">← your answer",
                     reviews[1])


def test_answer_forms_keep_csrf(csrf_app: Flask):
    client = csrf_app.test_client()
    token = csrf_token_of(client)
    attempt_id = start_quiz(client, kinds=["classify"], feedback="end", csrf_token=token)
    with csrf_app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.questions[0].data = SEVERAL
        db.session.commit()
    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'type="checkbox"' in page
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": ["0", "2"]}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/quiz/{attempt_id}/answer/1",
                       data={"csrf_token": token, "choice": ["0", "2"]}).status_code == 302
    assert scores(csrf_app, attempt_id)[0] == 1.0


def test_choice_options_are_written_as_wtforms_renders_them(app: Flask, client: FlaskClient):
    """templates/quiz/responses/_choices.html writes the options itself: the same inputs, checked as posted."""
    attempt_id = quiz_holding(app, client, [SEVERAL, TRUE_FALSE])
    posted = {"choice": ["0", "2", "9"]}  # 9 is no option: the page comes back with 0 and 2 ticked
    page = client.post(f"/quiz/{attempt_id}/answer/1", data=posted).get_data(as_text=True)
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": ["1"]}).status_code == 302
    single = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    for html, data, formdata in ((page, SEVERAL, posted), (single, TRUE_FALSE, None)):
        with app.test_request_context(method="POST", data=formdata or {}):
            form = answer_form(data, request.form if formdata else None)
            expected = [str(option(**{"data-key": i})) for i, option in enumerate(form.choice, 1)]
        assert re.findall(r'<input [^>]*name="choice"[^>]*>', html) == expected
    assert page.count(" checked ") == 2


def _wtforms_selects(data: dict, formdata: dict | None) -> list[str]:
    """The matching rows as WTForms renders them (label and select, then the errors once validated)."""
    with request_context(formdata):
        form = answer_form(data, request.form if formdata is not None else None)
        if formdata is not None:
            form.validate()
        return [f"{field.label}|{field()}|{' '.join(field.errors)}" for field in form if field.name.startswith("pair_")]


def _written_selects(html: str) -> list[str]:
    rows = re.findall(r'<th scope="row">(<label [^>]*>[^<]*</label>)</th><td>(<select .*?</select>)(.*?)</td>', html,
                      re.S)
    return [f"{label}|{select}|{' '.join(re.findall(r'<li>([^<]*)</li>', errors))}" for label, select, errors in rows]


def request_context(formdata: dict | None):
    from flask import current_app

    return current_app.test_request_context(method="POST", data=formdata or {})


def test_matching_selects_are_written_as_wtforms_renders_them(app: Flask, client: FlaskClient):
    """templates/quiz/responses/matching.html writes the selects itself: the same tags WTForms renders, empty on a
    first showing, with the posted match and its error after a refused post, with the recorded match to change."""
    attempt_id = quiz_holding(app, client, [MATCHING, SEVERAL], feedback="end")
    choices = MATCHING["choices"]
    first = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    posted = {"pair_0": str(choices.index("Anthropic"))}  # pair_1 missing: refused, pair_0 kept
    refused = client.post(f"/quiz/{attempt_id}/answer/1", data=posted)
    assert refused.status_code == 400
    right = {"pair_0": str(choices.index("OpenAI")), "pair_1": str(choices.index("Anthropic"))}
    assert client.post(f"/quiz/{attempt_id}/answer/1", data=right).status_code == 302
    changing = client.get(f"/quiz/{attempt_id}/q/1").get_data(as_text=True)
    with app.app_context():
        expected = {"first": _wtforms_selects(MATCHING, None), "refused": _wtforms_selects(MATCHING, posted),
                    "changing": _wtforms_selects(MATCHING, right)}
    assert _written_selects(first) == expected["first"] and " selected " not in first
    assert _written_selects(refused.get_data(as_text=True)) == expected["refused"]
    assert "Choose a match for “Claude”." in expected["refused"][1]
    assert _written_selects(changing) == expected["changing"] and changing.count(" selected ") == 2


def test_the_answer_forms_token_and_button_are_written_as_wtforms_renders_them(csrf_app: Flask):
    """templates/quiz/question.html writes the answer form's CSRF token and button itself: the same tags WTForms
    renders (the token's value aside, which is signed per request), asking and changing an answer. The answer form
    has no token field of its own: CSRFProtect checks the post's token, and refuses a post without it."""
    client = csrf_app.test_client()
    token = csrf_token_of(client)
    attempt_id = start_quiz(client, kinds=["classify"], feedback="end", csrf_token=token)
    asked = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    for refused in ({"choice": "0"}, {"csrf_token": token[:-2] + "xx", "choice": "0"}):
        response = client.post(f"/quiz/{attempt_id}/answer/1", data=refused)
        assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    with csrf_app.app_context():
        assert db.session.query(Answer).count() == 0
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"csrf_token": token, "choice": "0"}).status_code == 302
    changing = client.get(f"/quiz/{attempt_id}/q/1").get_data(as_text=True)
    with csrf_app.test_request_context():
        form = answer_form({"kind": "classify", "prompt": "?", "options": ["a", "b"], "answer": 0})
        assert "csrf_token" not in form
        wtforms_token = re.sub(r'value="[^"]+"', 'value=""', str(FlaskForm().csrf_token))
        buttons = [str(form.submit(**{"class": "button primary", "value": value}))
                   for value in ("Submit answer", "Save changed answer")]
    for html, button in ((asked, buttons[0]), (changing, buttons[1])):
        form_html = re.search(r"<form [^>]*data-question[^>]*>(.*?)</form>", html, re.S).group(1)
        assert re.sub(r'value="[^"]+"', 'value=""', re.search(r'<input [^>]*name="csrf_token"[^>]*>',
                                                              form_html).group(0)) == wtforms_token
        assert re.findall(r'<input [^>]*type="submit"[^>]*>', form_html) == [button]


def test_answer_form_classes_are_kept_per_key_and_validate_their_own_choices(app: Flask):
    """The form class is built once per response type and key (responses._answer_form_class): the same question
    gets the same class, another question its own, and each form still refuses the other's values."""
    other = {**SEVERAL, "options": ["A", "B", "C", "D", "E", "F"]}
    with app.test_request_context(method="POST", data={"choice": ["5"]}):
        assert type(answer_form(SEVERAL)) is type(answer_form(dict(SEVERAL)))
        assert type(answer_form(other)) is not type(answer_form(SEVERAL))
        assert type(answer_form(MATCHING)) is type(answer_form(MATCHING))
        assert answer_form(other, request.form).validate()
        assert not answer_form(SEVERAL, request.form).validate()  # option 5 is not one of its four
    # Fields the same for every question of a type: one class, kept without the question's key (a description's
    # holds its whole question, embedded images included).
    other_short = imported(qtype="shortanswer", answers=(ImportedAnswer("llm", 1.0, "Yes."),))
    with app.test_request_context():
        assert type(answer_form(SHORT)) is type(answer_form(other_short))
        assert type(answer_form(NUMBER)) is not type(answer_form(SHORT))
    described = imported(qtype="description")
    assert key_of(described).question.qtype == "description"
    assert RESPONSE_FORMS["description"].class_key(key_of(described)) is None

