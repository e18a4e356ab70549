"""Forms for starting a quiz (the answer forms are built per response type in ``responses.py``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.questions import KINDS

FEEDBACK_CHOICES = [SelectChoice("immediate", "After each question"),
                    SelectChoice("end", "At the end, on the results page")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartQuizForm(FlaskForm):
    bank = SelectField("Question bank", validators=[InputRequired()])
    kinds = MultiCheckboxField("Question kinds", choices=[SelectChoice(k, label) for k, label in KINDS.items()],
                               validators=[InputRequired("Choose at least one kind of question.")])
    length = IntegerField("Number of questions (5–50)", default=10,
                          validators=[InputRequired("Give a number from 5 to 50."),
                                      NumberRange(5, 50, "Choose between 5 and 50 questions.")])
    feedback = RadioField("Show answers", choices=FEEDBACK_CHOICES, default="immediate",
                          validators=[InputRequired()])
    submit = SubmitField("Start quiz")


class PractiseForm(FlaskForm):
    """A one-button form that starts a short quiz on one category."""

    bank = HiddenField(validators=[InputRequired()])
    category = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Practise this")
