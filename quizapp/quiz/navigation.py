"""Moving around a quiz before submitting it: any question, flags, changed answers, the summary, submission;
and, after the results, "Retry my mistakes"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..core.responses.base import InvalidResponse
from ..models import utcnow
from ..owner import current_owner
from . import bp
from .responses import answer_form, filled_form, response_from, unanswered_form
from .routes import conflict_page, countdown, next_in_order, owned_attempt, render_question, time_is_up
from .service import (
    QuizConflict,
    UnknownQuestion,
    answers_at_the_end,
    change_answer,
    close_if_expired,
    finish_attempt,
    question_at,
    set_flag,
    start_retry,
)


@bp.get("/<int:attempt_id>/q/<int:position>")
def question_at_position(attempt_id: int, position: int) -> str | Response:
    """Any question of an answers-at-the-end quiz, with its recorded answer ready to change."""
    attempt = owned_attempt(attempt_id, with_titles=True)
    expired = time_is_up(attempt)
    if expired is not None:
        return expired
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    if not answers_at_the_end(attempt):
        return redirect(url_for("quiz.question", attempt_id=attempt.id))
    try:
        target = question_at(attempt, position)
    except UnknownQuestion as exc:
        abort(404, description=str(exc))
    if target.answer is None:
        return render_question(attempt, target, unanswered_form(target.data))
    return render_question(attempt, target, filled_form(target.data, target.answer.response), changing=True)


@bp.post("/<int:attempt_id>/change/<int:position>")
def change(attempt_id: int, position: int) -> str | Response | tuple[str, int]:
    """Replace a recorded answer before the quiz is submitted."""
    attempt = owned_attempt(attempt_id)
    if close_if_expired(attempt, utcnow()):
        return conflict_page(attempt, None, "Time is up", "Time is up: this attempt was submitted with the answers "
                             "recorded before the limit; the change arrived too late to count.")
    try:
        target = question_at(attempt, position)
    except UnknownQuestion as exc:
        abort(404, description=str(exc))
    form = answer_form(target.data, request.form)
    if not form.validate():
        return render_question(attempt, target, form, changing=True), 400
    try:
        change_answer(attempt, position, response_from(form, target.data))
    except InvalidResponse as exc:
        abort(400, description=str(exc))
    except QuizConflict as exc:
        return conflict_page(attempt, target, "The answer cannot change", str(exc))
    flash(f"Your answer to question {position} is changed.", "info")
    return redirect(next_in_order(attempt, position))


@bp.post("/<int:attempt_id>/flag/<int:position>")
def flag(attempt_id: int, position: int) -> Response | tuple[str, int]:
    """Flag a question for review, or clear its flag; back to the same question."""
    attempt = owned_attempt(attempt_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400, description="The flag form was incomplete; reload the page and try again.")
    try:
        set_flag(attempt, position, request.form.get("flagged") == "1")
    except UnknownQuestion as exc:
        abort(404, description=str(exc))
    except QuizConflict as exc:
        return conflict_page(attempt, None, "Flags can no longer change", str(exc))
    return redirect(url_for("quiz.question_at_position", attempt_id=attempt.id, position=position))


@bp.get("/<int:attempt_id>/summary")
def summary(attempt_id: int) -> str | Response:
    """"Review and submit": every question answered or not, and flagged or not, with a link to each."""
    attempt = owned_attempt(attempt_id, with_titles=True)
    expired = time_is_up(attempt)
    if expired is not None:
        return expired
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    unanswered = [q for q in attempt.questions if q.answer is None]
    flagged = [q for q in attempt.questions if q.flagged]
    return render_template("quiz/summary.html", attempt=attempt, unanswered=unanswered, flagged=flagged,
                           **countdown(attempt))


@bp.post("/<int:attempt_id>/submit")
def submit(attempt_id: int) -> Response:
    """Submit the attempt as it stands (the summary's button, or the countdown at zero). Twice is harmless."""
    attempt = owned_attempt(attempt_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description="The submit form was incomplete; reload the page and try again.")
    if not close_if_expired(attempt, utcnow()) and finish_attempt(attempt, utcnow()):
        flash("Your quiz is submitted.", "info")
    return redirect(url_for("quiz.results", attempt_id=attempt.id))


@bp.post("/<int:attempt_id>/retry")
def retry(attempt_id: int) -> Response:
    """"Retry my mistakes": a quiz of the questions this attempt got wrong, in a new order."""
    attempt = owned_attempt(attempt_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description="The retry form was incomplete; reload the page and try again.")
    try:
        retried = start_retry(current_owner(create_guest=True), attempt)
    except QuizConflict as exc:
        flash(str(exc), "info")
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    return redirect(url_for("quiz.question", attempt_id=retried.id))
