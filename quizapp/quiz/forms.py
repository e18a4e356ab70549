"""Forms for starting a quiz and answering a question."""

from __future__ import annotations

import math
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.imported_quiz import imported_of, is_imported
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


def answer_form(data: dict[str, Any], formdata: object | None = None) -> FlaskForm:
    """A form for one stored question: radio buttons, checkboxes, a text box, or one select per item.

    Choice values are option indices; WTForms rejects any value that is not one
    of them, so a tampered form never reaches grading.
    """

    class AnswerForm(FlaskForm):
        submit = SubmitField("Submit answer")

    kind = data["kind"]
    if is_imported(data):
        question = imported_of(data)
        if kind == "matching":
            _add_selects(AnswerForm, [p.left for p in question.pairs if p.left], data["choices"])
        elif kind == "single":
            AnswerForm.choice = RadioField("Your answer", choices=_choices([a.text for a in question.answers]),
                                           validators=[InputRequired("Choose an answer.")])
        elif kind == "multiple":
            AnswerForm.choice = MultiCheckboxField("Choose every right answer",
                                                   choices=_choices([a.text for a in question.answers]),
                                                   validators=[InputRequired("Choose at least one answer.")])
        elif kind == "truefalse":
            AnswerForm.choice = RadioField("Your answer", choices=[SelectChoice("true", "True"),
                                                                   SelectChoice("false", "False")],
                                           validators=[InputRequired("Choose True or False.")])
        elif kind == "numerical":
            AnswerForm.choice = StringField("Your answer (a number)", validators=[
                InputRequired("Type a number."), Length(max=50), _is_number])
        else:
            AnswerForm.choice = StringField("Your answer", validators=[InputRequired("Type your answer."),
                                                                       Length(max=500)])
    else:
        question = Question.from_dict(data)
        if question.is_match:
            _add_selects(AnswerForm, question.left_items, list(question.options))
        else:
            AnswerForm.choice = RadioField("Your answer", choices=_choices(list(question.options)),
                                           validators=[InputRequired("Choose an answer.")])
    return AnswerForm(formdata=formdata) if formdata is not None else AnswerForm()


def _choices(texts: list[str]) -> list[SelectChoice]:
    return [SelectChoice(str(i), text) for i, text in enumerate(texts)]


def _add_selects(form_class: type, lefts: list[str], rights: list[str]) -> None:
    for i, left in enumerate(lefts):
        setattr(form_class, f"pair_{i}", SelectField(
            left, choices=[SelectChoice("", "Choose…"), *_choices(rights)],
            validators=[InputRequired(f"Choose a match for “{left}”.")]))


def _parse_number(text: str) -> float:
    value = float(text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _is_number(form: FlaskForm, field: StringField) -> None:
    try:
        _parse_number(field.data or "")
    except ValueError as exc:
        raise ValidationError("That is not a number (write e.g. 3.14 or 1e-3).") from exc


def response_from(form: FlaskForm, data: dict[str, Any]) -> Any:
    """The validated form's answer in the shape grading expects."""
    kind = data["kind"]
    if kind in ("match", "matching"):
        count = sum(1 for name in form._fields if name.startswith("pair_"))
        return [int(form[f"pair_{i}"].data) for i in range(count)]
    if not is_imported(data) or kind == "single":
        return int(form.choice.data)
    if kind == "multiple":
        return sorted(int(v) for v in form.choice.data)
    if kind == "truefalse":
        return form.choice.data == "true"
    if kind == "numerical":
        return _parse_number(form.choice.data)
    return form.choice.data.strip()
