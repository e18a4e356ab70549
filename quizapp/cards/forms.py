"""Flashcard forms."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange


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
    submit = SubmitField("Save settings")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(tz, tz) for tz in sorted(available_timezones())]
