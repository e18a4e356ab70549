"""Forms for starting a quiz and answering a question."""

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

from ..core.questions import KINDS, Question

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


def answer_form(question: Question, formdata: object | None = None) -> FlaskForm:
    """A form for one question: radio buttons, or one select per left item for a match question.

    Choice values are option indices; WTForms rejects any value that is not one
    of them, so a tampered form never reaches grading.
    """

    class AnswerForm(FlaskForm):
        submit = SubmitField("Submit answer")

    choices = [SelectChoice(str(i), option) for i, option in enumerate(question.options)]
    if question.is_match:
        for i, left in enumerate(question.left_items):
            setattr(AnswerForm, f"pair_{i}", SelectField(
                left, choices=[SelectChoice("", "Choose…"), *choices],
                validators=[InputRequired(f"Choose a match for “{left}”.")]))
    else:
        AnswerForm.choice = RadioField("Your answer", choices=choices,
                                       validators=[InputRequired("Choose an answer.")])
    return AnswerForm(formdata=formdata) if formdata is not None else AnswerForm()


def response_from(form: FlaskForm, question: Question) -> int | list[int]:
    """The validated form's answer as option indices."""
    if question.is_match:
        return [int(form[f"pair_{i}"].data) for i in range(len(question.pairs))]
    return int(form.choice.data)
