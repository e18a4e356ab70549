"""Account views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..extensions import db, login_manager
from ..models import User, check_dummy_password, normalise_username
from ..owner import GUEST_KEY
from ..security import throttled_check
from . import bp
from .forms import USERNAME_TAKEN, ButtonForm, LoginForm, PasswordForm, ProfileForm, RegisterForm
from .service import adopt_guest_work
from .sessions import end_all_sessions, end_session, load_session_user

login_manager.id_attribute = "session_id"  # login_user opens a server-side session (see .sessions)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return load_session_user(session_id)


def _find_user(username: str) -> User | None:
    """The exact name first (two old accounts may differ only in case), then the normalised one."""
    for column, value in ((User.username, username), (User.username_key, normalise_username(username))):
        user = db.session.execute(select(User).where(column == value)).scalar_one_or_none()
        if user is not None:
            return user
    return None


def safe_next(default: str) -> str:
    """``next=`` when it is a path on this site; an absolute URL, ``//host`` or ``/\\host`` (which browsers
    read as another host) gives ``default``."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    same_site = target.startswith("/") and not target.startswith(("//", "/\\")) and not parts.netloc \
        and not parts.scheme and "\\" not in target and target.isprintable()
    return target if same_site else default


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
        return redirect(safe_next(url_for("main.index")))
    form = RegisterForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, display_name=form.display_name.data.strip())
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent registration of the same (normalised) name won
            db.session.rollback()
            form.username.errors = [USERNAME_TAKEN]
            return render_template("auth/register.html", form=form), 400
        adopted = adopt_guest_work(user.id)
        login_user(user)
        message = "Welcome! Your account is ready."
        cards = _count(adopted.cards, "flashcard", "flashcards")
        kept = [part for part in (_count(adopted.attempts, "quiz", "quizzes"), cards and f"your progress on {cards}")
                if part]
        if kept:
            message += f" What you did as a guest is kept: {' and '.join(kept)}."
        flash(message, "success")
        return redirect(safe_next(url_for("progress.index") if adopted.attempts else url_for("main.index")))
    return render_template("auth/register.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = _find_user(form.username.data)
        # An unknown name costs one password hash too, so timing does not tell which accounts exist.
        valid, wait = throttled_check(form.username.data, request.remote_addr or "unknown", lambda: (
            user.check_password(form.password.data) if user is not None
            else check_dummy_password(form.password.data) and False))
        if wait is not None:
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            form.password.errors = [f"Too many failed log-ins. For your safety, log-ins for this account are "
                                    f"paused: try again in {minutes} minute{'s' if minutes != 1 else ''}."]
            return render_template("auth/login.html", form=form), 429
        if user is None or not valid:
            form.password.errors = ["Wrong username or password."]
        else:
            adopt_guest_work(user.id)
            login_user(user, remember=form.remember.data)
            flash(_sentence(f"Logged in as {user.display_name}"), "success")
            return redirect(safe_next(url_for("main.index")))
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
def logout() -> Response:
    """Log out here: this session's token is revoked on the server, so a copy of the cookie is useless."""
    if current_user.is_authenticated:
        end_session(current_user)
    logout_user()
    session.pop(GUEST_KEY, None)
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    """Log out every browser and device, remember cookies included."""
    if ButtonForm().validate_on_submit():
        end_all_sessions(current_user)
        logout_user()
        session.pop(GUEST_KEY, None)
        flash("You are logged out on every device.", "info")
        return redirect(url_for("main.index"))
    return redirect(url_for("auth.profile"))


@bp.post("/password")
@login_required
def change_password() -> str | Response | tuple[str, int]:
    """A new password; every other session is logged out, this one stays."""
    form = PasswordForm(current_user)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        user.set_password(form.password.data)
        end_all_sessions(user)
        login_user(user, remember=bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME",
                                                                                  "remember_token"))))
        flash("Password changed. You are logged out on every other device.", "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=ProfileForm(formdata=None, obj=current_user), password_form=form,
                           everywhere=ButtonForm()), 429 if form.paused else 400


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
    return render_template("auth/profile.html", form=form, password_form=PasswordForm(current_user, formdata=None),
                           everywhere=ButtonForm(formdata=None))
