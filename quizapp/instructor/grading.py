"""Essay grading: an assignment's queue of essay answers, and the page where an instructor marks one.

Marks are *released when graded*: the learner sees the mark and comment on their results as soon as
the instructor saves them (no separate release step). Saving replaces the answer's provisional 0
with mark / max mark, moves the attempt's score by the difference in SQL (so concurrent saves add
up), and queues the new score for the LMS when the attempt came from an LTI launch.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import FloatField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.responses.essay import EssayKey, mark_fraction
from ..core.responses.registry import key_of, manually_graded
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, EssayGrade, QuizAttempt, utcnow
from . import bp
from .access import instructor_required, require_own_assignment

MAX_COMMENT = 5_000


class GradeForm(FlaskForm):
    mark = FloatField("Mark", validators=[InputRequired("Give a mark (0 is a mark too).")])
    comment = TextAreaField("Comment for the learner (optional)", render_kw={"rows": 5},
                            validators=[Length(max=MAX_COMMENT, message=f"Keep the comment within {MAX_COMMENT:,} "
                                                                        "characters.")])
    save_next = SubmitField("Save and next ungraded")
    save = SubmitField("Save")


@dataclass(frozen=True)
class QueueEntry:
    """One essay answer of a finished attempt, for the queue."""

    answer: Answer
    target: AttemptQuestion
    attempt: QuizAttempt

    @property
    def graded(self) -> bool:
        return self.answer.essay_grade is not None


def awaiting_mark(target: AttemptQuestion) -> bool:
    """An essay answer without a mark yet: provisional in the gradebook, left out of the item analysis. Asks the
    question's type first, so a page listing many answers loads the marks of essay answers only."""
    return manually_graded(target.data) and target.answer is not None and target.answer.essay_grade is None


def awaiting_grading(item: QuizAttempt | AttemptQuestion) -> int:
    """How many essay answers of an attempt (or of one of its questions) have no mark yet."""
    targets = item.questions if isinstance(item, QuizAttempt) else [item]
    return sum(1 for t in targets if awaiting_mark(t))


def essay_queue(assignment: Assignment) -> list[QueueEntry]:
    """Every essay answer of the assignment's finished attempts, ungraded first, then by when it was answered."""
    attempts = db.session.execute(
        select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id, QuizAttempt.finished_at.is_not(None))
        .options(selectinload(QuizAttempt.user), selectinload(QuizAttempt.questions)
                 .selectinload(AttemptQuestion.answer).selectinload(Answer.essay_grade))
        .order_by(QuizAttempt.finished_at, QuizAttempt.id)).scalars()
    entries = [QueueEntry(t.answer, t, attempt) for attempt in attempts for t in attempt.questions
               if t.answer is not None and manually_graded(t.data)]
    return sorted(entries, key=lambda e: e.graded)  # stable: keeps the finishing order within each group


def _next_ungraded(assignment: Assignment) -> Answer | None:
    return next((e.answer for e in essay_queue(assignment) if not e.graded), None)


def save_grade(answer: Answer, mark: float, comment: str, grader_id: int) -> EssayGrade:
    """Store the mark and comment (replacing an earlier one) and move the scores; commits.

    Raises ValueError for a mark outside 0..the question's max mark, changing nothing.
    """
    target = answer.question
    key: EssayKey = key_of(target.data)
    fraction = mark_fraction(mark, key.max_mark)
    delta = fraction - answer.score
    grade = answer.essay_grade or EssayGrade(answer_id=answer.id)
    grade.mark, grade.max_mark, grade.comment = mark, key.max_mark, comment
    grade.grader_id, grade.graded_at = grader_id, utcnow()
    db.session.add(grade)
    answer.score = fraction
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == target.attempt_id)
                       .values(score=QuizAttempt.score + delta))
    if target.attempt.finished_at is not None:
        from ..lti.outbox import enqueue_finished_attempt  # light import path, as quizapp.lti's own hook does

        # A new reason per save: the LMS gets every regrade (AGS posts carry a timestamp, so the latest wins).
        enqueue_finished_attempt(target.attempt_id, reason=f"graded-{answer.id}-{secrets.token_hex(4)}")
    db.session.commit()
    db.session.refresh(target.attempt)
    return grade


def _owned_essay(assignment: Assignment, answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if (answer is None or answer.question.attempt.assignment_id != assignment.id
            or not manually_graded(answer.question.data) or answer.question.attempt.finished_at is None):
        abort(404, description="This assignment has no essay answer with that number.")
    return answer


bp.add_app_template_global(awaiting_grading)


@bp.get("/instructor/assignments/<int:assignment_id>/grading")
@instructor_required
def grading_queue(assignment_id: int) -> str:
    """The essay answers to mark, ungraded first."""
    assignment = require_own_assignment(db.session.get(Assignment, assignment_id))
    entries = essay_queue(assignment)
    return render_template("instructor/grading.html", assignment=assignment, entries=entries,
                           ungraded=sum(1 for e in entries if not e.graded))


@bp.get("/instructor/assignments/<int:assignment_id>/grading/next")
@instructor_required
def grade_next(assignment_id: int) -> Response:
    assignment = require_own_assignment(db.session.get(Assignment, assignment_id))
    answer = _next_ungraded(assignment)
    if answer is None:
        flash("Every essay of this assignment is graded.", "success")
        return redirect(url_for("instructor.grading_queue", assignment_id=assignment.id))
    return redirect(url_for("instructor.grade_essay", assignment_id=assignment.id, answer_id=answer.id))


@bp.route("/instructor/assignments/<int:assignment_id>/grading/<int:answer_id>", methods=["GET", "POST"])
@instructor_required
def grade_essay(assignment_id: int, answer_id: int) -> str | Response | tuple[str, int]:
    """One essay: the question, the bank's grader information, the answer, and the mark and comment."""
    assignment = require_own_assignment(db.session.get(Assignment, assignment_id))
    answer = _owned_essay(assignment, answer_id)
    target = answer.question
    key: EssayKey = key_of(target.data)
    form = GradeForm()
    form.mark.validators = [*form.mark.validators, NumberRange(
        0, key.max_mark, message=f"The mark must be between 0 and {key.max_mark:g}.")]
    if not form.is_submitted() and answer.essay_grade is not None:
        form.mark.data, form.comment.data = answer.essay_grade.mark, answer.essay_grade.comment
    if form.validate_on_submit():
        save_grade(answer, float(form.mark.data or 0), (form.comment.data or "").strip(), current_user.id)
        learner = target.attempt.user.display_name if target.attempt.user else "the learner"
        flash(f"Saved {form.mark.data:g} out of {key.max_mark:g} for {learner}; they can see it now.", "success")
        if form.save_next.data:
            return redirect(url_for("instructor.grade_next", assignment_id=assignment.id))
        return redirect(url_for("instructor.grade_essay", assignment_id=assignment.id, answer_id=answer.id))
    page = render_template("instructor/grading_answer.html", assignment=assignment, answer=answer, target=target,
                           q=target.question, key=key, form=form)
    return (page, 400) if form.is_submitted() else page
