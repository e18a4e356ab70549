"""Account pages beside the profile: download my data, delete my account (see .account)."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from . import bp
from .account import delete_account, export_data
from .forms import ButtonForm, DeleteAccountForm, PasswordForm, ProfileForm


@bp.context_processor
def account_forms() -> dict[str, object]:
    """The delete form for the profile page, whichever auth view renders it (a view's own value wins)."""
    if not current_user.is_authenticated:
        return {}
    return {"delete_form": DeleteAccountForm(current_user, formdata=None)}


@bp.get("/my-data.json")
@login_required
def download_data() -> Response:
    """Everything kept about me, as a JSON file: account, settings, attempts and answers, cards, reviews."""
    body = json.dumps(export_data(current_user), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="quizapp-my-data.json"'})


@bp.post("/delete")
@login_required
def delete() -> str | Response | tuple[str, int]:
    """Delete my account after the password confirms it; this session ends with it."""
    form = DeleteAccountForm(current_user)
    if form.validate_on_submit():
        delete_account(current_user._get_current_object())
        logout_user()
        session.clear()
        flash("Your account is deleted: your name and settings are gone, and your answers are kept only as "
              "anonymous numbers in the question statistics.", "info")
        return redirect(url_for("main.index"))
    return render_template("auth/profile.html", form=ProfileForm(formdata=None, obj=current_user),
                           password_form=PasswordForm(current_user, formdata=None),
                           everywhere=ButtonForm(formdata=None), delete_form=form), 429 if form.paused else 400
