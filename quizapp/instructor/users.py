"""Instructors promote learners."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import User
from . import bp
from .access import instructor_required
from .forms import ButtonForm


@bp.get("/instructor/users")
@instructor_required
def users() -> str:
    people = db.session.execute(select(User).order_by(User.is_instructor.desc(), User.username)).scalars().all()
    return render_template("instructor/users.html", people=people, button=ButtonForm())


@bp.post("/instructor/users/<int:user_id>/promote")
@instructor_required
def promote(user_id: int) -> Response:
    """Give a learner instructor rights."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, description="There is no such user.")
    if ButtonForm().validate_on_submit():
        user.is_instructor = True
        db.session.commit()
        flash(f"{user.display_name} is now an instructor.", "success")
    return redirect(url_for("instructor.users"))
