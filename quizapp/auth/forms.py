"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, ValidationError

from ..core.passwords import MAX_LENGTH, MIN_LENGTH, password_problems
from ..extensions import db
from ..models import User, normalise_username
from ..security import confirm_password, pause_message

USERNAME_TAKEN = "That username is taken."


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired()], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[InputRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[
        InputRequired(), Length(3, 32),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="Use letters, digits, '.', '_' or '-'.")],
        render_kw={"autocomplete": "username"})
    display_name = StringField("Display name (shown on leaderboards)", validators=[InputRequired(), Length(1, 40)])
    password = PasswordField(f"Password (at least {MIN_LENGTH} characters)", validators=[
        InputRequired(), Length(max=MAX_LENGTH)], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat password", validators=[
        InputRequired(), EqualTo("password", "The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Create account")

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", self.username.data or "")
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_username(self, field: StringField) -> None:
        taken = db.session.execute(select(User.id).filter_by(username_key=normalise_username(field.data)))
        if taken.first() is not None:
            raise ValidationError(USERNAME_TAKEN)


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[InputRequired(), Length(1, 40)])
    on_leaderboard = BooleanField("Show me on leaderboards")
    submit = SubmitField("Save")


class PasswordForm(FlaskForm):
    """Change the password; every other session and remember cookie is logged out."""

    current = PasswordField("Current password", validators=[InputRequired()],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(f"New password (at least {MIN_LENGTH} characters)", validators=[
        InputRequired(), Length(max=MAX_LENGTH)], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password", validators=[
        InputRequired(), EqualTo("password", "The two passwords differ.")], render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.paused = False  # the password was not checked: too many wrong ones (429)

    def validate_current(self, field: PasswordField) -> None:
        right, wait = confirm_password(self.user, field.data or "")
        if wait is not None:
            self.paused = True
            raise ValidationError(pause_message(wait))
        if not right:
            raise ValidationError("Current password: that is not your password.")

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", self.user.username)
        if problems:
            raise ValidationError(" ".join(problems))


class ButtonForm(FlaskForm):
    """A CSRF-protected one-button POST (log out everywhere)."""

    submit = SubmitField("Log out everywhere")


class DeleteAccountForm(FlaskForm):
    """Delete the account: the password confirms it is the account's owner at the keyboard."""

    delete_password = PasswordField("Your password, to confirm", validators=[InputRequired()],
                                    render_kw={"autocomplete": "current-password"})
    delete = SubmitField("Delete my account")

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.paused = False  # the password was not checked: too many wrong ones (429)

    def validate_delete_password(self, field: PasswordField) -> None:
        right, wait = confirm_password(self.user, field.data or "")
        if wait is not None:
            self.paused = True
            raise ValidationError(pause_message(wait) + " Nothing was deleted.")
        if not right:
            raise ValidationError("Password: that is not your password; nothing was deleted.")
