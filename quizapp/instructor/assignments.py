"""Assignments: instructors create them and read results; learners open them by code and take them."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..bank_questions import kinds_and_categories
from ..banks import fact_bank
from ..core.generators import available_kinds
from ..core.imported_quiz import IMPORTED_KINDS
from ..core.questions import KINDS
from ..core.timezones import local_to_utc, offered_zone, utc_to_local
from ..extensions import db
from ..models import Assignment, Bank, QuizAttempt, utcnow
from ..quiz.service import QuizConflict, start_assignment_attempt
from . import bp
from .access import instructor_required, require_own_assignment
from .banks import bank_or_404
from .codes import new_share_code
from .forms import AssignmentForm, ButtonForm
from .reports import attempts_of, essays_awaiting, gradebook, gradebook_csv, item_analysis, learners_attempts


@bp.app_template_filter("local_time")
def local_time(stored: datetime | None, zone_name: str | None) -> str:
    """A stored UTC time as "2026-12-01 21:30 CET" in ``zone_name``; "—" for none."""
    local = utc_to_local(stored, zone_name)
    return "—" if local is None else f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def _kind_and_category_choices(bank: Bank) -> tuple[list[SelectChoice], list[SelectChoice]]:
    if bank.is_factbank:
        facts = fact_bank(bank)
        return ([SelectChoice(k, KINDS[k]) for k in available_kinds(facts)],
                [SelectChoice(c.id, c.name) for c in facts.categories])
    kinds, categories = kinds_and_categories(bank)  # "description" among the kinds if the bank has descriptions
    return ([SelectChoice(k, IMPORTED_KINDS[k]) for k in kinds], [SelectChoice(c, c) for c in categories])


@bp.route("/instructor/banks/<slug>/assign", methods=["GET", "POST"])
@instructor_required
def new_assignment(slug: str) -> str | Response | tuple[str, int]:
    """Set an assignment from a bank."""
    bank = bank_or_404(slug)
    form = AssignmentForm()
    form.kinds.choices, form.categories.choices = _kind_and_category_choices(bank)
    if request.method == "GET":
        form.title.data, form.timezone.data = bank.title, offered_zone(current_user.timezone)
    if form.validate_on_submit():
        assignment = Assignment(code=new_share_code(), instructor_id=current_user.id, bank_id=bank.id)
        apply_settings(assignment, form)
        db.session.add(assignment)
        db.session.commit()
        flash("Assignment created. Share its link or code with your learners.", "success")
        return redirect(url_for("instructor.assignment", assignment_id=assignment.id))
    return render_template("instructor/assignment_form.html", form=form, bank=bank, assignment=None), \
        400 if request.method == "POST" else 200


def apply_settings(assignment: Assignment, form: AssignmentForm) -> None:
    """The form's settings onto ``assignment``; its dates are in the chosen zone, stored as UTC, and the
    zone becomes the instructor's."""
    zone_name = form.timezone.data or current_user.timezone
    assignment.title = form.title.data.strip()
    assignment.kinds, assignment.categories = form.kinds.data or [], form.categories.data or []
    assignment.question_count, assignment.shuffle = form.question_count.data, form.shuffle.data
    assignment.feedback, assignment.time_limit_minutes = form.feedback.data, form.time_limit_minutes.data
    assignment.attempts_allowed = form.attempts_allowed.data
    assignment.opens_at = local_to_utc(form.opens_at.data, zone_name)
    assignment.closes_at = local_to_utc(form.closes_at.data, zone_name)
    current_user.timezone = zone_name


@bp.get("/instructor/assignments/<int:assignment_id>")
@instructor_required
def assignment(assignment_id: int) -> str:
    """Results per learner, the share link, and the item analysis."""
    item = require_own_assignment(db.session.get(Assignment, assignment_id))
    attempts = attempts_of(item)  # loaded once for every report on the page
    quiz, items = item_analysis(item, attempts)
    return render_template("instructor/assignment.html", assignment=item, rows=gradebook(item, attempts), quiz=quiz,
                           items=items, share_url=url_for("instructor.assignment_landing", code=item.code,
                                                          _external=True),
                           attempts=learners_attempts(attempts), essays_waiting=essays_awaiting(attempts),
                           now=utcnow(), button=ButtonForm(), zone=current_user.timezone)


@bp.get("/instructor/assignments/<int:assignment_id>/gradebook.csv")
@instructor_required
def gradebook_download(assignment_id: int) -> Response:
    item = require_own_assignment(db.session.get(Assignment, assignment_id))
    return Response(gradebook_csv(item), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="gradebook-{item.code}.csv"'})


def _by_code(code: str) -> Assignment:
    """Codes match as given (older codes are mixed-case), else upper-cased (new codes, typed in lower case)."""
    item = None
    for candidate in dict.fromkeys((code, code.upper())):
        item = db.session.execute(select(Assignment).filter_by(code=candidate, deleted_at=None)) \
            .scalar_one_or_none()
        if item is not None:
            break
    if item is None:
        abort(404, description="There is no assignment with that code. Check the link you were given.")
    return item


@bp.get("/a/<code>")
@login_required
def assignment_landing(code: str) -> str:
    """What a learner sees on opening a shared link: the settings, their attempts, a Start button."""
    item = _by_code(code)
    mine = db.session.execute(select(QuizAttempt).filter_by(assignment_id=item.id, user_id=current_user.id)
                              .order_by(QuizAttempt.started_at)).scalars().all()
    return render_template("instructor/landing.html", assignment=item, attempts=mine, now=utcnow(),
                           start=ButtonForm(), used=len(mine))


@bp.post("/a/<code>/start")
@login_required
def start_assignment(code: str) -> Response:
    item = _by_code(code)
    if not ButtonForm().validate_on_submit():
        abort(400, description="The start form was not valid.")
    try:
        attempt = start_assignment_attempt(current_user.id, item, utcnow())
    except QuizConflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("instructor.assignment_landing", code=code))
    return redirect(url_for("quiz.question", attempt_id=attempt.id))


@bp.post("/a")
@login_required
def join() -> Response:
    """Open an assignment from a typed code."""
    code = (request.form.get("code") or "").strip()
    if not code:
        flash("Type the assignment code you were given.", "error")
        return redirect(url_for("main.index"))
    return redirect(url_for("instructor.assignment_landing", code=code))

