"""Flashcard forms."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.scheduling import MAX_DESIRED_RETENTION, MIN_DESIRED_RETENTION, parse_steps

# Steps outside these bounds made the settings page (overflow) or every flashcard page (zero or a huge
# step) fail with a 500 (issue 9).
MIN_STEP, MAX_STEP, MAX_STEPS = timedelta(seconds=1), timedelta(days=365), 10
_STEP = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhd])", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _check_steps(field: StringField, name: str) -> None:
    """1 to 10 steps, each from 1 s to 365 d; the message names the field."""
    tokens = (field.data or "").split()
    if not 1 <= len(tokens) <= MAX_STEPS:
        raise ValidationError(f"{name}: give 1 to {MAX_STEPS} steps, e.g. 1m 10m.")
    for token in tokens:
        match = _STEP.fullmatch(token)
        if match is None:
            raise ValidationError(f"{name}: '{token[:20]}' is not a step like 30s, 10m, 2h or 1d.")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        if seconds < MIN_STEP.total_seconds():
            raise ValidationError(f"{name}: '{token}' is shorter than 1 second.")
        if seconds > MAX_STEP.total_seconds():
            raise ValidationError(f"{name}: '{token[:20]}' is longer than 365 days.")
    try:
        parse_steps(field.data or "")
    except ValueError as exc:
        raise ValidationError(f"{name}: {exc}") from exc


class RateForm(FlaskForm):
    """The four rating buttons post ``rating``; the card and when it was shown ride along.

    Validates the post only: the review page writes these inputs itself (rendering WTForms fields was a
    tenth of the page's time).
    """

    class Meta:
        csrf = False  # CSRFProtect has checked the post's token before the view; the form only signed a new one

    card_id = HiddenField(validators=[InputRequired()])
    shown_at = HiddenField()
    rating = IntegerField(validators=[InputRequired("Choose Again, Hard, Good or Easy."),
                                      NumberRange(1, 4, "The rating must be 1 (Again) to 4 (Easy).")])


class UndoForm(FlaskForm):
    """The undo button's post (its CSRF token); the review and done pages write the button themselves."""

    submit = SubmitField("Undo last rating")


class CardSettingsForm(FlaskForm):
    new_per_day = IntegerField("New cards per day", validators=[InputRequired(), NumberRange(0, 9999)])
    reviews_per_day = IntegerField("Maximum reviews per day", validators=[InputRequired(), NumberRange(0, 99999)])
    rollover_hour = IntegerField("Next day starts at (hour, 0–23)", validators=[InputRequired(), NumberRange(0, 23)])
    timezone = SelectField("Your time zone", validators=[InputRequired()])
    learning_steps = StringField("Learning steps (e.g. 1m 10m)", validators=[InputRequired(), Length(max=64)])
    relearning_steps = StringField("Relearning steps (e.g. 10m)", validators=[InputRequired(), Length(max=64)])
    desired_retention = FloatField(
        "Desired retention", validators=[
            InputRequired("Give the desired retention as a number from 0.70 to 0.97."),
            NumberRange(MIN_DESIRED_RETENTION, MAX_DESIRED_RETENTION,
                        f"Desired retention must be from {MIN_DESIRED_RETENTION:.2f} to {MAX_DESIRED_RETENTION:.2f}.")],
        description="The share of cards you want to still remember when they come due: higher means shorter "
                    "intervals and more reviews a day (0.70–0.97; 0.90 is FSRS's default).")
    submit = SubmitField("Save settings")

    def validate_learning_steps(self, field: StringField) -> None:
        _check_steps(field, "Learning steps")

    def validate_relearning_steps(self, field: StringField) -> None:
        _check_steps(field, "Relearning steps")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(tz, tz) for tz in sorted(available_timezones())]
