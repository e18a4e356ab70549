"""Flashcard forms."""

from __future__ import annotations

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


def _check_steps(field: StringField) -> None:
    try:
        steps = parse_steps(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not steps or len(steps) > 10:
        raise ValidationError("Give 1 to 10 steps, e.g. 1m 10m.")


class RateForm(FlaskForm):
    """The four rating buttons post ``rating``; the card and when it was shown ride along."""

    card_id = HiddenField(validators=[InputRequired()])
    shown_at = HiddenField()
    rating = IntegerField(validators=[InputRequired("Choose Again, Hard, Good or Easy."),
                                      NumberRange(1, 4, "The rating must be 1 (Again) to 4 (Easy).")])


class UndoForm(FlaskForm):
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
        _check_steps(field)

    def validate_relearning_steps(self, field: StringField) -> None:
        _check_steps(field)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(tz, tz) for tz in sorted(available_timezones())]
