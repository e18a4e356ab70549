"""Quiz views: start, one question per page, feedback, results."""

from __future__ import annotations

from datetime import UTC

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..attempt_rows import AttemptHeader, QuestionRow
from ..banks import bank_by_slug, enabled_banks, fact_bank
from ..core.progress import AnsweredRow, accuracy_by_category, accuracy_by_kind
from ..core.questions import KINDS
from ..core.responses.base import InvalidResponse
from ..core.responses.registry import response_text
from ..extensions import db
from ..models import Assignment, AttemptQuestion, Bank, QuizAttempt, utcnow
from ..owner import current_owner
from . import bp
from .forms import PractiseForm, StartQuizForm
from .question_page import attempt_page
from .responses import answer_form, response_from, unanswered_form
from .service import (
    QuizConflict,
    UnknownQuestion,
    answer_question,
    answerable,
    answers_at_the_end,
    answers_revealed,
    close_if_expired,
    ended_at,
    missed_questions,
    question_strip,
    start_attempt,
)
from .strip import strip_items

PRACTISE_LENGTH = 10


# The attempt; for the pages that show the quiz's title, with the columns they read of its bank and assignment
# (a lazy load of the bank was a twentieth of a question page). Built once, run with a parameter (service.py).
_ATTEMPT = select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt"))
_ATTEMPT_WITH_TITLES = _ATTEMPT.options(
    joinedload(QuizAttempt.bank).load_only(Bank.title),
    joinedload(QuizAttempt.assignment).load_only(Assignment.title, Assignment.closes_at))


NOT_YOURS = "There is no quiz with that number in your history."


def owned_attempt(attempt_id: int, with_titles: bool = False) -> QuizAttempt:
    """The attempt if it belongs to the current user or guest; 404 otherwise (never reveal others')."""
    attempt = db.session.scalars(_ATTEMPT_WITH_TITLES if with_titles else _ATTEMPT, {"attempt": attempt_id}).first()
    if attempt is None or not current_owner().owns(attempt):
        abort(404, description=NOT_YOURS)
    return attempt


def owned_page(attempt_id: int, position: int | None = None) -> tuple[AttemptHeader, QuestionRow | None]:
    """The attempt's header and a question (question_page.attempt_page) if the attempt belongs to the current user
    or guest; 404 otherwise."""
    page = attempt_page(attempt_id, position)
    if page is None or not current_owner().owns(page[0]):
        abort(404, description=NOT_YOURS)
    return page


@bp.route("/", methods=["GET", "POST"])
def start() -> str | Response | tuple[str, int]:
    """The start form: bank, kinds, length and when to show answers."""
    banks = enabled_banks()
    form = StartQuizForm()
    form.bank.choices = [SelectChoice(b.slug, b.title) for b in banks]
    if request.method == "GET" and banks:
        form.bank.data = request.args.get("bank") or banks[0].slug
        form.kinds.data = list(KINDS)  # kinds a bank has no facts for are simply not asked
    if form.validate_on_submit():
        bank_row = next(b for b in banks if b.slug == form.bank.data)  # the form accepts only their slugs
        try:
            attempt = start_attempt(current_owner(create_guest=True), bank_row, form.length.data,
                                    form.kinds.data, form.feedback.data)
        except QuizConflict as exc:
            form.kinds.errors = [str(exc)]
        else:
            if attempt.question_count < form.length.data:
                flash(f"This bank has only {attempt.question_count} questions of the kinds you chose; "
                      "the quiz has all of them.", "info")
            return redirect(url_for("quiz.question", attempt_id=attempt.id))
    status = 400 if request.method == "POST" else 200
    return render_template("quiz/start.html", form=form, banks=banks), status


@bp.post("/practise")
def practise() -> Response:
    """Start a short quiz on one category (the progress page's "Practise this")."""
    form = PractiseForm()
    if not form.validate_on_submit():
        abort(400, description="The practice form was incomplete.")
    bank_row = bank_by_slug(form.bank.data)
    if bank_row is None or form.category.data not in {c.id for c in fact_bank(bank_row).categories}:
        abort(400, description="Unknown bank or category.")
    try:
        attempt = start_attempt(current_owner(create_guest=True), bank_row, PRACTISE_LENGTH, None, "immediate",
                                category=form.category.data)
    except QuizConflict as exc:
        abort(400, description=str(exc))
    return redirect(url_for("quiz.question", attempt_id=attempt.id))


def _deadline_ms(attempt: QuizAttempt | AttemptHeader) -> int | None:
    """The time limit in UTC milliseconds since the epoch, for the page's countdown (the server's is the truth)."""
    return int(attempt.deadline.replace(tzinfo=UTC).timestamp() * 1000) if attempt.deadline else None


def countdown(attempt: QuizAttempt | AttemptHeader) -> dict[str, object]:
    """What templates/quiz/_timer.html needs: the seconds left (None without a limit) and both clocks. Its form
    and the other one-button forms (flag, submit) write their CSRF token with ``csrf_token()``: a FlaskForm built
    for that cost a question page 100 (built, not shown) to 500 Python calls."""
    now = utcnow()
    seconds_left = None
    if attempt.deadline is not None:
        seconds_left = max(0, int((attempt.deadline - now).total_seconds()))
    return {"seconds_left": seconds_left, "deadline_ms": _deadline_ms(attempt),
            "now_ms": int(now.replace(tzinfo=UTC).timestamp() * 1000)}


def position_prefix(attempt: QuizAttempt | AttemptHeader) -> str:
    """The ``question_at_position`` link without its position (the URL ends with it), for the strip: one
    ``url_for`` instead of one per entry, which was a tenth of a 50-question page's time."""
    return url_for("quiz.question_at_position", attempt_id=attempt.id, position=0).removesuffix("/0")


def render_question(attempt: QuizAttempt | AttemptHeader, target: AttemptQuestion | QuestionRow,
                    form: FlaskForm | None,
                    changing: bool = False) -> str:
    """The question page; in answers-at-the-end quizzes with the navigation strip and the flag. ``form`` is the
    posted, recorded or empty answer form, or None where the partial writes the empty fields itself."""
    action = url_for("quiz.change" if changing else "quiz.answer", attempt_id=attempt.id, position=target.position)
    navigable = answers_at_the_end(attempt)
    strip = strip_items(question_strip(attempt), position_prefix(attempt), target.position) if navigable else None
    return render_template("quiz/question.html", attempt=attempt, target=target, q=target.question,
                           data=target.data, form=form, action=action, navigable=navigable, strip=strip,
                           changing=changing, **countdown(attempt))


def time_is_up(attempt: QuizAttempt) -> Response | None:
    if close_if_expired(attempt, utcnow()):
        flash("Time is up: the attempt was submitted with the answers given so far.", "info")
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    return None


@bp.get("/<int:attempt_id>")
def question(attempt_id: int) -> str | Response:
    """The current (first unanswered) question; when all are answered, the results, or in an answers-at-the-end
    quiz the summary page, where the learner submits."""
    attempt, target = owned_page(attempt_id)  # with its first unanswered question
    if ended_at(attempt, utcnow()) is not None:
        expired = time_is_up(owned_attempt(attempt_id))  # closes it, through the ORM attempt
        if expired is not None:
            return expired
    if attempt.finished_at is not None:
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    if target is None:  # every question answered: an answers-at-the-end quiz waits for its submission
        return redirect(url_for("quiz.summary", attempt_id=attempt.id))
    return render_question(attempt, target, unanswered_form(target.data))


def conflict_page(attempt: QuizAttempt, target: AttemptQuestion | None, title: str, message: str,
                  typed: str | None = None) -> tuple[str, int]:
    """A 409 that explains what happened, shows the recorded (or the typed) answer and links the way on."""
    recorded = target.answer.response if target is not None and target.answer is not None else None
    return render_template("quiz/conflict.html", attempt=attempt, target=target, title=title, message=message,
                           recorded=recorded, typed=typed, navigable=answers_at_the_end(attempt)), 409


def _typed_answer(target: AttemptQuestion | None) -> str | None:
    """What the learner posted, in words, if it was a valid answer (kept on the time-up page)."""
    if target is None:
        return None
    form = answer_form(target.data, request.form)
    if not form.validate():
        return None
    try:
        return response_text(target.data, response_from(form, target.data))
    except InvalidResponse:
        return None


@bp.post("/<int:attempt_id>/answer/<int:position>")
def answer(attempt_id: int, position: int) -> str | Response | tuple[str, int]:
    """Grade one answer. Tampered, replayed or late answers get a 4xx and change nothing."""
    attempt, stored = owned_page(attempt_id, position)
    if ended_at(attempt, utcnow()) is not None:
        return _too_late(owned_attempt(attempt_id), position)
    try:
        target = answerable(attempt, position, stored)
    except UnknownQuestion as exc:
        abort(404, description=str(exc))
    except QuizConflict as exc:
        return _answer_conflict(attempt_id, position, str(exc))
    form = answer_form(target.data, request.form)
    if not form.validate():
        return render_question(attempt, target, form), 400
    try:
        answer_question(attempt, target, response_from(form, target.data))
    except InvalidResponse as exc:
        abort(400, description=str(exc))
    except QuizConflict as exc:
        return _answer_conflict(attempt_id, position, str(exc))
    if not answers_at_the_end(attempt):
        return redirect(url_for("quiz.feedback", attempt_id=attempt_id, position=position))
    return redirect(url_for("quiz.question", attempt_id=attempt_id))  # the first unanswered question


def _too_late(attempt: QuizAttempt, position: int) -> tuple[str, int]:
    """An answer after the time limit or the assignment's close: the attempt is submitted without it."""
    if not close_if_expired(attempt, utcnow()):  # a submission finished it in between
        return _answer_conflict(attempt.id, position, "This quiz is already finished; answers can no longer change.")
    target = next((q for q in attempt.questions if q.position == position), None)
    return conflict_page(attempt, None, "Time is up", "Time is up: this attempt was submitted with the answers "
                         "given so far, as its time limit ended or the assignment closed. The answer below "
                         "arrived too late to count.", typed=_typed_answer(target))


def _answer_conflict(attempt_id: int, position: int, message: str) -> tuple[str, int]:
    """Already answered (the Back button, a double click) or already finished."""
    attempt = owned_attempt(attempt_id)  # as the conflict left it
    target = next((q for q in attempt.questions if q.position == position), None)
    title = "Quiz already finished" if attempt.finished_at else f"Question {position} is already answered"
    return conflict_page(attempt, target, title, message)


def next_in_order(attempt: QuizAttempt, position: int) -> str:
    """Where an answers-at-the-end quiz goes after a question: the next unanswered one, else the summary."""
    if attempt.finished_at is not None:
        return url_for("quiz.results", attempt_id=attempt.id)
    later = [q for q in attempt.questions if q.answer is None and q.position > position]
    if later:
        return url_for("quiz.question_at_position", attempt_id=attempt.id, position=later[0].position)
    return url_for("quiz.summary", attempt_id=attempt.id)


@bp.get("/<int:attempt_id>/feedback/<int:position>")
def feedback(attempt_id: int, position: int) -> str:
    """Right or wrong, the right answer, the explanation and its source, after answering."""
    attempt = owned_attempt(attempt_id)
    target = next((q for q in attempt.questions if q.position == position), None)
    if target is None or target.answer is None:
        abort(404, description="That question has not been answered yet.")
    if attempt.feedback != "immediate" and not (attempt.finished_at and answers_revealed(attempt, utcnow())):
        abort(403, description="Answers are shown on the results page when the quiz is finished"
                               + (" and the assignment has closed." if attempt.feedback == "after_close" else "."))
    return render_template("quiz/feedback.html", attempt=attempt, target=target, q=target.question,
                           data=target.data, given=target.answer.response, **countdown(attempt))


@bp.get("/<int:attempt_id>/results")
def results(attempt_id: int) -> str | Response:
    """Score, time taken, every question reviewed, and breakdowns by kind and category."""
    attempt = owned_attempt(attempt_id)
    close_if_expired(attempt, utcnow())
    if attempt.finished_at is None:
        if answers_at_the_end(attempt):
            flash("Submit the quiz to see your results: review your answers, then press Submit all and finish.",
                  "info")
            return redirect(url_for("quiz.summary", attempt_id=attempt.id))
        flash("Finish the quiz to see your results.", "info")
        return redirect(url_for("quiz.question", attempt_id=attempt.id))
    if not answers_revealed(attempt, utcnow()):
        return render_template("quiz/submitted.html", attempt=attempt)
    rows = [AnsweredRow(t.kind, t.data.get("categories", []), t.answer.score) for t in attempt.questions if t.answer]
    names = {c.id: c.name for c in fact_bank(attempt.bank).categories} if attempt.bank.is_factbank else {}
    return render_template("quiz/results.html", attempt=attempt, by_kind=accuracy_by_kind(rows),
                           by_category=accuracy_by_category(rows), category_names=names,
                           missed=len(missed_questions(attempt)))


from . import navigation  # noqa: E402,F401  (answers-at-the-end views, registered on bp)
