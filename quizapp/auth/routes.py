"""Account views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db, login_manager
from ..models import User
from ..owner import GUEST_KEY
from ..security import clear_failures, lockout_remaining, record_failure
from . import bp
from .forms import LoginForm, ProfileForm, RegisterForm
from .service import adopt_guest_work


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    return target if target.startswith("/") and not parts.netloc and not parts.scheme else default


def _count(number: int, one: str, many: str) -> str:
    """ "1 quiz", "2 quizzes"; empty for none."""
    return f"{number} {one if number == 1 else many}" if number else ""


def _sentence(text: str) -> str:
    """``text`` with one full stop: a display name such as "Alice L." already ends the sentence."""
    return text if text.endswith((".", "!", "?")) else text + "."


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int]:
    """Create an account; quizzes taken as a guest in this session become the account's."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, display_name=form.display_name.data.strip())
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.commit()
        adopted = adopt_guest_work(user.id)
        login_user(user)
        message = "Welcome! Your account is ready."
        cards = _count(adopted.cards, "flashcard", "flashcards")
        kept = [part for part in (_count(adopted.attempts, "quiz", "quizzes"), cards and f"your progress on {cards}")
                if part]
        if kept:
            message += f" What you did as a guest is kept: {' and '.join(kept)}."
        flash(message, "success")
        return redirect(url_for("progress.index") if adopted.attempts else url_for("main.index"))
    return render_template("auth/register.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        wait = lockout_remaining(form.username.data, address)
        if wait is not None:
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            form.password.errors = [f"Too many failed log-ins. For your safety, log-ins for this account are "
                                    f"paused: try again in {minutes} minute{'s' if minutes != 1 else ''}."]
            return render_template("auth/login.html", form=form), 429
        user = db.session.execute(select(User).filter_by(username=form.username.data)).scalar_one_or_none()
        if user is None or not user.check_password(form.password.data):
            record_failure(form.username.data, address)
            form.password.errors = ["Wrong username or password."]
        else:
            clear_failures(form.username.data)
            adopt_guest_work(user.id)
            login_user(user, remember=form.remember.data)
            flash(_sentence(f"Logged in as {user.display_name}"), "success")
            return redirect(_safe_next(url_for("main.index")))
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.pop(GUEST_KEY, None)
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.on_leaderboard = form.on_leaderboard.data
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)
