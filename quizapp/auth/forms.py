"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, ValidationError

from ..core.passwords import MAX_LENGTH, MIN_LENGTH, password_problems
from ..extensions import db
from ..models import User


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
        taken = db.session.execute(select(User.id).filter(db.func.lower(User.username) == field.data.lower()))
        if taken.first() is not None:
            raise ValidationError("That username is taken.")


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[InputRequired(), Length(1, 40)])
    on_leaderboard = BooleanField("Show me on leaderboards")
    submit = SubmitField("Save")
