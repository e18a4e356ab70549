"""An instructor's own assignment: edit its settings, close or reopen it, delete it, read one learner's attempt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..core.responses.registry import response_text, right_answer_text
from ..core.timezones import offered_zone, utc_to_local
from ..extensions import db
from ..models import Assignment, QuizAttempt, utcnow
from . import bp
from .access import instructor_required, require_own_assignment
from .assignments import _kind_and_category_choices, apply_settings
from .forms import AssignmentForm, ButtonForm
from .grading import awaiting_mark


def _own(assignment_id: int) -> Assignment:
    return require_own_assignment(db.session.get(Assignment, assignment_id))


@bp.route("/instructor/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_assignment(assignment_id: int) -> str | Response | tuple[str, int]:
    """Change the settings; attempts already started keep the questions they drew."""
    item = _own(assignment_id)
    form = AssignmentForm(obj=item)
    form.submit.label.text = "Save changes"
    form.kinds.choices, form.categories.choices = _kind_and_category_choices(item.bank)
    if request.method == "GET":
        zone_name = form.timezone.data = offered_zone(current_user.timezone)
        for field, stored in ((form.opens_at, item.opens_at), (form.closes_at, item.closes_at)):
            local = utc_to_local(stored, zone_name)
            field.data = local.replace(tzinfo=None) if local else None
    if form.validate_on_submit():
        apply_settings(item, form)
        db.session.commit()
        flash("Assignment saved.", "success")
        return redirect(url_for("instructor.assignment", assignment_id=item.id))
    return render_template("instructor/assignment_form.html", form=form, bank=item.bank, assignment=item), \
        400 if request.method == "POST" else 200


def _change_by_button(assignment_id: int, change: Callable[[Assignment, datetime], str]) -> Response:
    """A one-button action on the assignment: ``change`` alters it (given now) and says what it did."""
    item = _own(assignment_id)
    if ButtonForm().validate_on_submit():
        message = change(item, utcnow())
        db.session.commit()
        flash(message, "info")
    return redirect(url_for("instructor.assignment", assignment_id=item.id))


def _close(item: Assignment, now: datetime) -> str:
    item.closes_at = now
    if item.opens_at is not None and item.opens_at >= now:
        item.opens_at = None
    return f"{item.title} is closed. Reopen it to let learners start again."


def _reopen(item: Assignment, now: datetime) -> str:
    item.closes_at = None
    if item.feedback == "after_close":  # it needs a closing time, which reopening removed
        item.feedback = "immediate"
    if item.opens_at is not None and item.opens_at > now:
        item.opens_at = None
    return f"{item.title} is open again, with no closing time."


@bp.post("/instructor/assignments/<int:assignment_id>/close")
@instructor_required
def close_assignment(assignment_id: int) -> Response:
    """Close now: no new attempts; answers shown "after the assignment closes" are revealed."""
    return _change_by_button(assignment_id, _close)


@bp.post("/instructor/assignments/<int:assignment_id>/reopen")
@instructor_required
def reopen_assignment(assignment_id: int) -> Response:
    """Reopen: open now with no closing time (set one with Edit)."""
    return _change_by_button(assignment_id, _reopen)


@bp.post("/instructor/assignments/<int:assignment_id>/delete")
@instructor_required
def delete_assignment(assignment_id: int) -> Response:
    """Delete: the link stops working and it leaves the dashboard; its attempts are kept (learners' results)."""
    item = _own(assignment_id)
    if ButtonForm().validate_on_submit():
        item.deleted_at = utcnow()
        db.session.commit()
        flash(f"{item.title} deleted. Learners' attempts and results are kept.", "info")
        return redirect(url_for("instructor.dashboard"))
    return redirect(url_for("instructor.assignment", assignment_id=item.id))


@bp.get("/instructor/assignments/<int:assignment_id>/attempts/<int:attempt_id>")
@instructor_required
def attempt_detail(assignment_id: int, attempt_id: int) -> str:
    """One learner's attempt: every question, their answer, the right answer, the score and the time."""
    item = _own(assignment_id)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.assignment_id != item.id:
        abort(404, description="There is no such attempt at this assignment.")
    rows: list[dict[str, object]] = []
    for target in attempt.questions:  # descriptions travel with the question after them: never a row here
        answer = target.answer
        rows.append({"position": len(rows) + 1, "prompt": target.data.get("prompt", ""),
                     "response": "(no answer)" if answer is None else response_text(target.data, answer.response),
                     "right": right_answer_text(target.data), "score": None if answer is None else answer.score,
                     "awaiting": awaiting_mark(target)})
    return render_template("instructor/attempt.html", assignment=item, attempt=attempt, rows=rows,
                           zone=current_user.timezone)
