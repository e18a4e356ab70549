"""No dead ends in a quiz: Back and re-answer, answers after the time limit, answers-at-the-end navigation
(strip, flags, changed answers, Review and submit, one grading), Retry my mistakes and the history labels."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from markupsafe import Markup
from sqlalchemy import func, select, update

from quizapp.extensions import db
from quizapp.models import Answer, AttemptQuestion, QuizAttempt, utcnow
from quizapp.quiz.service import QuizConflict, StripEntry, change_answer, finish_attempt, record_answer
from quizapp.quiz.strip import strip_items
from tests.conftest import answer_current, csrf_token_of, start_quiz
from tests.web.test_quiz import key_of, right_answer_form, stored


def answers_of(app: Flask, attempt_id: int) -> list[tuple[int, float]]:
    with app.app_context():
        rows = db.session.execute(select(AttemptQuestion.position, Answer.score).join(Answer)
                                  .where(AttemptQuestion.attempt_id == attempt_id).order_by(AttemptQuestion.position))
        return [(position, score) for position, score in rows]


def wrong_choice(data: dict) -> str:
    return str(next(i for i in range(len(data["options"])) if i != data["answer"]))


def test_back_and_re_answer_shows_the_recorded_answer_and_a_way_on(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    data = key_of(app, attempt_id, 1)
    assert client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": str(data["answer"])}).status_code == 302
    again = client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": wrong_choice(data)})
    html = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "<h1>Question 1 is already answered</h1>" in html and "has already been answered" in html
    recorded = re.search(r"data-recorded-answer>([^<]+)<", html).group(1)
    assert recorded == data["options"][data["answer"]]
    assert f'href="/quiz/{attempt_id}">Continue the quiz</a>' in html
    assert answers_of(app, attempt_id) == [(1, 1.0)]


def test_an_answer_after_the_time_limit_gets_a_page_with_the_typed_answer_and_the_results(app: Flask,
                                                                                          client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    answer_current(client, attempt_id)
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).deadline = utcnow() - timedelta(minutes=2)
        db.session.commit()
    data = key_of(app, attempt_id, 2)
    late = client.post(f"/quiz/{attempt_id}/answer/2", data={"choice": "0"})
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and "<h1>Time is up</h1>" in html
    assert re.search(r"data-typed-answer>([^<]+)<", html).group(1) == data["options"][0]
    assert f'href="/quiz/{attempt_id}/results">See your results</a>' in html
    assert [p for p, _ in answers_of(app, attempt_id)] == [1]
    assert stored(app, attempt_id).finished_at is not None


def test_the_countdown_carries_the_server_deadline_in_utc_milliseconds(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    assert "/static/quiz.js" not in client.get(f"/quiz/{attempt_id}").get_data(as_text=True)  # no limit, no countdown
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.deadline = utcnow() + timedelta(minutes=3)
        deadline = attempt.deadline
        db.session.commit()
    html = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    from datetime import UTC
    expected = int(deadline.replace(tzinfo=UTC).timestamp() * 1000)
    assert f'data-deadline-ms="{expected}"' in html
    assert 'aria-live="polite" data-timer-warning' in html
    assert f'action="/quiz/{attempt_id}/submit" data-time-up-submit' in html
    assert html.count("/static/quiz.js") == 1


def test_answers_at_the_end_navigate_flag_change_and_submit_once(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    keys = {p: key_of(app, attempt_id, p) for p in range(1, 6)}
    client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": wrong_choice(keys[1])})
    client.post(f"/quiz/{attempt_id}/answer/3", data=right_answer_form(keys[3]))
    # The strip shows each question's state; question 1 is flagged for review.
    assert client.post(f"/quiz/{attempt_id}/flag/1", data={"flagged": "1"}).status_code == 302
    page = client.get(f"/quiz/{attempt_id}/q/1").get_data(as_text=True)
    states = dict(re.findall(r'href="/quiz/\d+/q/(\d)"\s+class="[^"]*" data-nav-state="([^"]+)"', page))
    assert states == {"1": "answered flagged", "2": "unanswered", "3": "answered", "4": "unanswered",
                      "5": "unanswered"}
    # The recorded answer is shown, ready to change; changing it regrades, still one row per question.
    assert re.search(rf'value="{wrong_choice(keys[1])}"[^>]*checked|checked[^>]*value="{wrong_choice(keys[1])}"', page)
    assert f'action="/quiz/{attempt_id}/change/1"' in page
    changed = client.post(f"/quiz/{attempt_id}/change/1", data=right_answer_form(keys[1]))
    assert changed.status_code == 302 and changed.location.endswith(f"/quiz/{attempt_id}/q/2")
    assert answers_of(app, attempt_id) == [(1, 1.0), (3, 1.0)]
    assert stored(app, attempt_id).score == 2
    # Review and submit lists the unanswered questions.
    summary = client.get(f"/quiz/{attempt_id}/summary").get_data(as_text=True)
    assert "2 of 5 questions answered" in summary
    listed = re.search(r"data-unanswered>(.*?)</p>", summary, re.S).group(1)
    assert re.findall(r"question (\d)</a>", listed) == ["2", "4", "5"]
    assert "Flagged for review" in summary
    # Submitting twice grades once; afterwards nothing changes.
    assert client.post(f"/quiz/{attempt_id}/submit").location.endswith("/results")
    assert client.post(f"/quiz/{attempt_id}/submit").location.endswith("/results")
    attempt = stored(app, attempt_id)
    assert attempt.finished_at is not None and attempt.score == 2
    refused = client.post(f"/quiz/{attempt_id}/change/3", data={"choice": wrong_choice(keys[3])})
    assert refused.status_code == 409 and "already finished" in refused.get_data(as_text=True)
    assert stored(app, attempt_id).score == 2


def test_answering_the_last_question_leads_to_review_and_submit_and_only_submit_finishes(app: Flask,
                                                                                       client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    keys = {p: key_of(app, attempt_id, p) for p in range(1, 6)}
    for p in range(1, 6):
        form = {"choice": wrong_choice(keys[p])} if p == 2 else right_answer_form(keys[p])
        assert client.post(f"/quiz/{attempt_id}/answer/{p}", data=form).status_code == 302
    # Every question answered: the summary page, not the results; nothing is finished yet.
    onward = client.get(f"/quiz/{attempt_id}")
    assert onward.status_code == 302 and onward.location.endswith(f"/quiz/{attempt_id}/summary")
    summary = client.get(f"/quiz/{attempt_id}/summary").get_data(as_text=True)
    assert "<h1>Review and submit</h1>" in summary and "5 of 5 questions answered" in summary
    assert "data-all-answered" in summary and "data-unanswered" not in summary
    assert f'action="/quiz/{attempt_id}/submit"' in summary and "Submit all and finish" in summary
    assert stored(app, attempt_id).finished_at is None
    held = client.get(f"/quiz/{attempt_id}/results")
    assert held.status_code == 302 and held.location.endswith(f"/quiz/{attempt_id}/summary")
    assert "Submit the quiz to see your results" in client.get(held.location).get_data(as_text=True)
    # The summary lists the flagged questions with a link back to each.
    assert client.post(f"/quiz/{attempt_id}/flag/4", data={"flagged": "1"}).status_code == 302
    listed = re.search(r"data-flagged>(.*?)</p>", client.get(f"/quiz/{attempt_id}/summary").get_data(as_text=True),
                       re.S).group(1)
    assert re.findall(r'href="/quiz/\d+/q/(\d)">question \d</a>', listed) == ["4"]
    # Change question 2 from the summary's link: back to the summary, still unfinished, regraded in place.
    page = client.get(f"/quiz/{attempt_id}/q/2").get_data(as_text=True)
    assert "Save changed answer" in page and f'action="/quiz/{attempt_id}/change/2"' in page
    changed = client.post(f"/quiz/{attempt_id}/change/2", data=right_answer_form(keys[2]))
    assert changed.status_code == 302 and changed.location.endswith(f"/quiz/{attempt_id}/summary")
    assert answers_of(app, attempt_id) == [(p, 1.0) for p in range(1, 6)]
    attempt = stored(app, attempt_id)
    assert attempt.finished_at is None and attempt.score == 5
    # Submit (twice): finished once, the score counted once.
    first = client.post(f"/quiz/{attempt_id}/submit")
    assert first.location.endswith(f"/quiz/{attempt_id}/results")
    results = client.get(first.location).get_data(as_text=True)
    assert "Your quiz is submitted." in results and "<h1>Your results</h1>" in results
    finished_at = stored(app, attempt_id).finished_at
    assert client.post(f"/quiz/{attempt_id}/submit").location.endswith(f"/quiz/{attempt_id}/results")
    assert "Your quiz is submitted." not in client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    attempt = stored(app, attempt_id)
    assert attempt.finished_at == finished_at and attempt.score == 5
    assert answers_of(app, attempt_id) == [(p, 1.0) for p in range(1, 6)]
    assert client.get(f"/quiz/{attempt_id}/summary").location.endswith(f"/quiz/{attempt_id}/results")


def test_an_immediate_feedback_quiz_still_finishes_with_its_last_answer(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    for p in range(1, 6):
        assert client.post(f"/quiz/{attempt_id}/answer/{p}",
                           data=right_answer_form(key_of(app, attempt_id, p))).status_code == 302
    attempt = stored(app, attempt_id)
    assert attempt.finished_at is not None and attempt.score == 5
    assert client.get(f"/quiz/{attempt_id}").location.endswith(f"/quiz/{attempt_id}/results")


def _submitted_meanwhile(attempt_id: int, finished: bool = True) -> None:
    """Another request (another tab, the countdown at zero) submits the attempt, on a connection of its own."""
    with db.engine.begin() as other:
        other.execute(update(QuizAttempt).where(QuizAttempt.id == attempt_id)
                      .values(finished_at=utcnow() if finished else None))


def test_an_answer_or_a_change_that_loses_the_race_to_a_submission_changes_nothing(app: Flask,
                                                                                 client: FlaskClient):
    """The request read the attempt while it was open, and the submission committed before its write: the late
    answer or change is refused and rolled back, and the total stays what was submitted."""
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    keys = {p: key_of(app, attempt_id, p) for p in range(1, 6)}
    client.post(f"/quiz/{attempt_id}/answer/1", data={"choice": wrong_choice(keys[1])})
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.finished_at is None and attempt.questions[0].answer is not None  # read while open
        _submitted_meanwhile(attempt_id)
        with pytest.raises(QuizConflict, match="already finished"):
            change_answer(attempt, 1, keys[1]["answer"])
    assert answers_of(app, attempt_id) == [(1, 0.0)] and stored(app, attempt_id).score == 0
    with app.app_context():
        _submitted_meanwhile(attempt_id, finished=False)
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.finished_at is None and attempt.questions[1].answer is None
        _submitted_meanwhile(attempt_id)
        with pytest.raises(QuizConflict, match="already finished"):
            record_answer(attempt, 2, keys[2]["answer"])
    assert answers_of(app, attempt_id) == [(1, 0.0)] and stored(app, attempt_id).score == 0


def test_a_timed_summary_counts_down_and_the_deadline_submits_it(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    for p in range(1, 6):
        client.post(f"/quiz/{attempt_id}/answer/{p}", data=right_answer_form(key_of(app, attempt_id, p)))
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).deadline = utcnow() + timedelta(minutes=3)
        db.session.commit()
    summary = client.get(f"/quiz/{attempt_id}/summary").get_data(as_text=True)
    assert "data-deadline-ms=" in summary and f'action="/quiz/{attempt_id}/submit" data-time-up-submit' in summary
    assert summary.count("/static/quiz.js") == 1
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.deadline = deadline = utcnow() - timedelta(minutes=2)  # past the grace period: nobody submitted
        db.session.commit()
    assert client.get(f"/quiz/{attempt_id}/summary").location.endswith(f"/quiz/{attempt_id}/results")
    attempt = stored(app, attempt_id)
    assert attempt.finished_at == deadline and attempt.score == 5
    assert answers_of(app, attempt_id) == [(p, 1.0) for p in range(1, 6)]


def test_an_immediate_feedback_answer_cannot_be_changed(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    answer_current(client, attempt_id)
    refused = client.post(f"/quiz/{attempt_id}/change/1", data={"choice": "1"})
    assert refused.status_code == 409 and "each answer is final" in refused.get_data(as_text=True)
    assert client.get(f"/quiz/{attempt_id}/q/2").status_code == 302


def test_concurrent_submissions_finish_the_attempt_once(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5, feedback="end")
    answer_current(client, attempt_id)
    barrier = threading.Barrier(2)
    won: list[bool] = []

    def submit() -> None:
        with app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            barrier.wait()
            won.append(finish_attempt(attempt, utcnow()))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]
    assert len(answers_of(app, attempt_id)) == 1


def test_retry_my_mistakes_asks_the_wrong_ones_again_and_the_history_labels_it(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    keys = {p: key_of(app, attempt_id, p) for p in range(1, 6)}
    for p in range(1, 6):
        form = right_answer_form(keys[p]) if p in (1, 4) else {"choice": wrong_choice(keys[p])}
        client.post(f"/quiz/{attempt_id}/answer/{p}", data=form)
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Retry my mistakes (3 questions)" in results
    assert '<p class="big-score"' not in results and "<h1>Your results</h1>" in results
    retry = client.post(f"/quiz/{attempt_id}/retry")
    assert retry.status_code == 302
    retry_id = int(retry.location.rsplit("/", 1)[1])
    with app.app_context():
        retried = db.session.get(QuizAttempt, retry_id)
        assert retried.purpose == "retry" and retried.question_count == 3
        prompts = sorted(q.data["prompt"] for q in retried.questions)
        assert [q.position for q in retried.questions] == [1, 2, 3]
    assert prompts == sorted(keys[p]["prompt"] for p in (2, 3, 5))
    history = client.get("/progress").get_data(as_text=True)
    assert history.count("Retry of mistakes</span>") == 1
    assert f'href="/quiz/{attempt_id}/results">Review' in history
    assert f'href="/quiz/{retry_id}">Continue' in history


def test_a_quiz_with_no_mistakes_offers_no_retry(app: Flask, client: FlaskClient):
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    for p in range(1, 6):
        client.post(f"/quiz/{attempt_id}/answer/{p}", data=right_answer_form(key_of(app, attempt_id, p)))
    assert "Retry my mistakes" not in client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    refused = client.post(f"/quiz/{attempt_id}/retry")
    assert refused.location.endswith("/results")
    with app.app_context():
        assert db.session.execute(select(func.count(QuizAttempt.id))).scalar_one() == 1


def test_practise_quizzes_are_labelled_in_the_history(app: Flask, client: FlaskClient):
    page = client.get("/progress").get_data(as_text=True)
    assert "Practise</span>" not in page
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    answer_current(client, attempt_id)
    with app.app_context():
        category = key_of(app, attempt_id, 1)["categories"][0]
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', client.get("/progress").get_data(as_text=True))
    data = {"bank": "llm-vs-genai", "category": category, **({"csrf_token": token.group(1)} if token else {})}
    assert client.post("/quiz/practise", data=data).status_code == 302
    history = client.get("/progress").get_data(as_text=True)
    assert history.count("Practise</span>") == 1


def test_the_feedback_page_of_a_timed_quiz_counts_down_too(app: Flask, client: FlaskClient):
    """In immediate mode the learner reads feedback between questions: the countdown and its submit at zero
    are there as well, and gone once the quiz is finished."""
    attempt_id = start_quiz(client, kinds=["classify"], length=5)
    with app.app_context():
        db.session.get(QuizAttempt, attempt_id).deadline = utcnow() + timedelta(minutes=3)
        db.session.commit()
    client.post(f"/quiz/{attempt_id}/answer/1", data=right_answer_form(key_of(app, attempt_id, 1)))
    feedback = client.get(f"/quiz/{attempt_id}/feedback/1").get_data(as_text=True)
    assert "data-deadline-ms=" in feedback and f'action="/quiz/{attempt_id}/submit" data-time-up-submit' in feedback
    assert feedback.count("/static/quiz.js") == 1
    for p in range(2, 6):
        client.post(f"/quiz/{attempt_id}/answer/{p}", data=right_answer_form(key_of(app, attempt_id, p)))
    assert stored(app, attempt_id).finished_at is not None
    assert "data-time-up-submit" not in client.get(f"/quiz/{attempt_id}/feedback/5").get_data(as_text=True)


def test_the_strip_links_every_position_as_url_for_does(app: Flask, client: FlaskClient):
    """The strip's links come from one url_for (quiz.routes.position_prefix): each must be the route's own URL."""
    attempt_id = start_quiz(client, kinds=["truefalse"], length=12, feedback="end")
    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    links = re.findall(r'<li><a href="([^"]+)"\s+class="[^"]*" data-nav-state=', page)
    with app.test_request_context():
        assert links == [url_for("quiz.question_at_position", attempt_id=attempt_id, position=p) for p in range(1, 13)]


def test_the_strip_entries_state_each_question_three_ways_and_escape_nothing_else():
    """quiz.strip.strip_items writes the entries as HTML itself (no template escaping per entry): each state's
    class, data-nav-state, aria-label and flag mark, aria-current on the question shown, and only ints."""
    strip = [StripEntry(1, False, True), StripEntry(2, True, False), StripEntry(3, True, True),
             StripEntry(4, False, False)]
    html = strip_items(strip, '/quiz/7/q"&', current=3)
    assert isinstance(html, Markup)
    assert html.split("\n") == [
        '<li><a href="/quiz/7/q&#34;&amp;/1" class="answered" data-nav-state="answered" '
        'aria-label="Question 1: answered">1</a></li>',
        '<li><a href="/quiz/7/q&#34;&amp;/2" class="unanswered flagged" data-nav-state="unanswered flagged" '
        'aria-label="Question 2: unanswered, flagged">2<span aria-hidden="true">⚑</span></a></li>',
        '<li><a href="/quiz/7/q&#34;&amp;/3" class="answered flagged" data-nav-state="answered flagged" '
        'aria-label="Question 3: answered, flagged" aria-current="step">3<span aria-hidden="true">⚑</span></a></li>',
        '<li><a href="/quiz/7/q&#34;&amp;/4" class="unanswered" data-nav-state="unanswered" '
        'aria-label="Question 4: unanswered">4</a></li>']
    with pytest.raises(ValueError):  # a position that is not an int is never written unescaped
        strip_items([StripEntry("<b>", False, False)], "/quiz/7/q", current=1)  # type: ignore[arg-type]


def form_token(html: str, action: str) -> str:
    """The CSRF token inside the form posting to ``action``."""
    form = re.search(rf'<form [^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None, action
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.group(1)).group(1)


def test_the_flag_timer_and_summary_forms_carry_a_token_that_is_accepted(csrf_app: Flask):
    """The one-button forms write their CSRF token with csrf_token() (no FlaskForm built for them): with CSRF on,
    the flag form's token flags, the timer's and Review and submit's submit; without one nothing happens."""
    client = csrf_app.test_client()
    token = csrf_token_of(client)
    attempt_id = start_quiz(client, kinds=["classify"], feedback="end", csrf_token=token)
    with csrf_app.app_context():
        db.session.get(QuizAttempt, attempt_id).deadline = utcnow() + timedelta(minutes=5)
        db.session.commit()
    page = client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    flag, submit = f"/quiz/{attempt_id}/flag/1", f"/quiz/{attempt_id}/submit"
    assert client.post(flag, data={"flagged": "1"}).status_code == 400
    assert client.post(flag, data={"csrf_token": form_token(page, flag), "flagged": "1"}).status_code == 302
    assert 'data-nav-state="unanswered flagged"' in client.get(f"/quiz/{attempt_id}").get_data(as_text=True)
    summary = client.get(f"/quiz/{attempt_id}/summary").get_data(as_text=True)
    assert summary.count(f'action="{submit}"') == 2  # the timer's form and Submit all and finish
    assert client.post(submit).status_code == 400 and stored(csrf_app, attempt_id).finished_at is None
    assert client.post(submit, data={"csrf_token": form_token(page, submit)}).status_code == 302
    assert stored(csrf_app, attempt_id).finished_at is not None


def test_the_question_page_reads_the_first_unanswered_question_whatever_the_order(app: Flask, client: FlaskClient):
    """quiz/question_page.attempt_page: one statement gives the header and the lowest unanswered position, also
    when later questions were answered first; a position gives that question with its answered state."""
    from quizapp.quiz.question_page import attempt_page

    attempt_id = start_quiz(client, kinds=["classify"], feedback="end", length=5)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        keys = {q.position: q.data for q in attempt.questions}
        record_answer(attempt, 2, keys[2]["answer"])
        record_answer(db.session.get(QuizAttempt, attempt_id), 4, keys[4]["answer"])
        header, first = attempt_page(attempt_id)
        assert header.id == attempt_id and header.question_count == 5 and header.finished_at is None
        assert (first.position, first.answered, first.data) == (1, False, keys[1])
        record_answer(db.session.get(QuizAttempt, attempt_id), 1, keys[1]["answer"])
        assert attempt_page(attempt_id)[1].position == 3
        assert attempt_page(attempt_id, 4)[1].answered and not attempt_page(attempt_id, 3)[1].answered
        assert attempt_page(attempt_id, 9)[1] is None and attempt_page(attempt_id + 100) is None
        for position in (3, 5):
            record_answer(db.session.get(QuizAttempt, attempt_id), position, keys[position]["answer"])
        assert attempt_page(attempt_id)[1] is None  # every question answered
    assert client.get(f"/quiz/{attempt_id}").location.endswith(f"/quiz/{attempt_id}/summary")
