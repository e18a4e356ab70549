"""Forms: registering a platform, and the deep linking choice of bank and settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a platform URL quizapp will call: https, or http only on this machine (testing)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Enter a full URL starting with https://."
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "Use https:// (plain http is accepted only for a platform on this machine)."
    return None


def https_url(form: FlaskForm, field: Field) -> None:
    problem = url_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def deployment_ids(text: str) -> list[str]:
    """One or more deployment ids, separated by commas, spaces or new lines."""
    return [part for part in text.replace(",", " ").split() if part]


class PlatformForm(FlaskForm):
    name = StringField("Name (for you, e.g. \"Moodle — Science faculty\")", validators=[InputRequired(),
                                                                                        Length(max=200)])
    issuer = StringField("Issuer (Platform ID)", validators=[InputRequired(), Length(max=255)])
    client_id = StringField("Client ID", validators=[InputRequired(), Length(max=255)])
    auth_login_url = StringField("Authentication request URL (OIDC auth)", validators=[
        InputRequired(), Length(max=1000), https_url])
    auth_token_url = StringField("Access token URL", validators=[InputRequired(), Length(max=1000), https_url])
    auth_audience = StringField("Access token audience (only if the platform asks for one)", validators=[
        Optional(), Length(max=1000)])
    key_set_url = StringField("Public keyset URL (the platform's JWKS)", validators=[
        InputRequired(), Length(max=1000), https_url])
    deployment_ids = StringField("Deployment ID(s), separated by commas", validators=[InputRequired(),
                                                                                      Length(max=1000)])
    submit = SubmitField("Register platform")

    def validate_deployment_ids(self, field: StringField) -> None:
        ids = deployment_ids(field.data or "")
        if not ids:
            raise ValidationError("Enter at least one deployment ID.")
        if any(len(i) > 255 for i in ids):
            raise ValidationError("A deployment ID is at most 255 characters.")


class PlatformDeleteForm(FlaskForm):
    platform_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Remove")


class RetryForm(FlaskForm):
    assignment_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Retry now")


class DeepLinkForm(FlaskForm):
    bank = SelectField("Question bank", validators=[InputRequired()])
    title = StringField("Title in the course", validators=[InputRequired(), Length(max=200)])
    question_count = IntegerField("Number of questions", default=10, validators=[InputRequired(),
                                                                                   NumberRange(1, 200)])
    attempts_allowed = IntegerField("Attempts allowed (0 = unlimited)", default=1,
                                    validators=[InputRequired(), NumberRange(0, 100)])
    time_limit_minutes = IntegerField("Time limit in minutes (empty = none)",
                                      validators=[Optional(), NumberRange(1, 600)])
    submit = SubmitField("Add to the course")
