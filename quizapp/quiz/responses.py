"""The answer form and template partial of every response type, registered in one place.

The core (``quizapp.core.responses``) grades; here each response type gets a WTForms builder (its
fields, with validators, on a ``FlaskForm``; CSRFProtect checks the post's token), a reader that turns the
validated form into the response its grader expects, and its partial ``templates/quiz/responses/<name>.html``
(macros ``answer`` for the question page and ``review`` for feedback and results).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from flask_wtf import FlaskForm
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length

from ..core.responses.choice import ChoiceKey
from ..core.responses.description import DescriptionKey
from ..core.responses.essay import MAX_ESSAY_LENGTH, EssayKey
from ..core.responses.matching import MatchKey
from ..core.responses.numeric import NumericKey, parse_number
from ..core.responses.registry import RESPONSE_TYPES, key_of, response_name
from ..core.responses.text import TextKey
from .forms import MultiCheckboxField

# Longest typed answers the forms accept.
MAX_TEXT_ANSWER = 500
MAX_NUMBER_ANSWER = 50


def _choices(values: tuple[str, ...], texts: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in zip(values, texts, strict=True)]


def _single_fields(form: type[FlaskForm], key: ChoiceKey) -> None:
    form.choice = RadioField("Your answer", choices=_choices(key.form_values, key.options),
                             validators=[InputRequired("Choose an answer.")])


def _single_read(form: FlaskForm, key: ChoiceKey) -> int:
    return key.form_values.index(form.choice.data)


def _multiple_fields(form: type[FlaskForm], key: ChoiceKey) -> None:
    form.choice = MultiCheckboxField("Choose every right answer", choices=_choices(key.form_values, key.options),
                                     validators=[InputRequired("Choose at least one answer.")])


def _multiple_read(form: FlaskForm, key: ChoiceKey) -> list[int]:
    return sorted(key.form_values.index(value) for value in form.choice.data)


def _matching_fields(form: type[FlaskForm], key: MatchKey) -> None:
    values = tuple(str(i) for i in range(len(key.choices)))
    for i, item in enumerate(key.items):
        setattr(form, f"pair_{i}", SelectField(
            item, choices=[SelectChoice("", "Choose…"), *_choices(values, key.choices)],
            validators=[InputRequired(f"Choose a match for “{item}”.")]))


def _matching_read(form: FlaskForm, key: MatchKey) -> list[int]:
    return [int(form[f"pair_{i}"].data) for i in range(len(key.items))]


def _text_fields(form: type[FlaskForm], key: None) -> None:
    form.choice = StringField("Your answer", validators=[InputRequired("Type your answer."),
                                                         Length(max=MAX_TEXT_ANSWER)])


def _text_read(form: FlaskForm, key: TextKey) -> str:
    return str(form.choice.data).strip()


def _is_number(form: FlaskForm, field: Field) -> None:
    try:
        parse_number(field.data or "")
    except ValueError as exc:
        raise ValidationError("That is not a number (write e.g. 3.14 or 1e-3).") from exc


def _numeric_fields(form: type[FlaskForm], key: None) -> None:
    form.choice = StringField("Your answer (a number)", validators=[
        InputRequired("Type a number."), Length(max=MAX_NUMBER_ANSWER), _is_number])


def _numeric_read(form: FlaskForm, key: NumericKey) -> float:
    return parse_number(form.choice.data)


def _one_newline(text: str | None) -> str | None:
    """Browsers send a textarea's line breaks as CRLF; count each as one character, as the learner sees it."""
    return text.replace("\r\n", "\n") if text else text


def _not_blank(form: FlaskForm, field: Field) -> None:
    if not (field.data or "").strip():
        raise ValidationError("Write your answer.")


def _essay_fields(form: type[FlaskForm], key: EssayKey) -> None:
    form.choice = TextAreaField("Your answer", default=key.response_template, filters=[_one_newline],
                                render_kw={"maxlength": MAX_ESSAY_LENGTH, "rows": 12}, validators=[
        InputRequired("Write your answer."), _not_blank,
        Length(max=MAX_ESSAY_LENGTH, message=f"Your answer is too long: keep it within {MAX_ESSAY_LENGTH:,} "
                                             "characters.")])


def _essay_read(form: FlaskForm, key: EssayKey) -> str:
    return str(form.choice.data).rstrip()


def _description_fields(form: type[FlaskForm], key: None) -> None:
    """A description is shown with the question after it and never posted on its own."""


def _description_read(form: FlaskForm, key: DescriptionKey) -> None:
    return None


def _fill_single(form: FlaskForm, key: ChoiceKey, response: Any) -> None:
    form.choice.data = key.form_values[response]


def _fill_multiple(form: FlaskForm, key: ChoiceKey, response: Any) -> None:
    form.choice.data = [key.form_values[i] for i in response]


def _fill_matching(form: FlaskForm, key: MatchKey, response: Any) -> None:
    for i, choice in enumerate(response):
        form[f"pair_{i}"].data = str(choice)


def _fill_typed(form: FlaskForm, key: Any, response: Any) -> None:
    form.choice.data = response if isinstance(response, str) else f"{response:g}"


def _fill_nothing(form: FlaskForm, key: Any, response: Any) -> None:
    """Nothing to show again."""


def _whole_key(key: Any) -> Hashable:
    return cast(Hashable, key)


def _no_key(key: Any) -> None:
    """For fields that are the same for every question of the type."""
    return None


@dataclass(frozen=True)
class ResponseForm:
    """How the shell asks for and shows one response type."""

    fields: Callable[[type[FlaskForm], Any], None]  # add the answer fields to a form class, given ``class_key(key)``
    read: Callable[[FlaskForm, Any], Any]  # the validated form's response, as the type grades it
    partial: str  # the template with the ``answer`` and ``review`` macros
    fill: Callable[[FlaskForm, Any, Any], None] = _fill_nothing  # show a recorded response in the form again
    # The partial writes the empty fields itself from the key when no form is given (a question's first showing):
    # building the WTForms form for that cost a single-choice page 140 µs and a matching page half its calls.
    writes_empty_fields: bool = False
    # What of the key the fields are built from: the form class is kept per response type and this value, so it
    # must be small and hashable (a description's key holds its question, embedded images included).
    class_key: Callable[[Any], Hashable] = _whole_key


RESPONSE_FORMS: dict[str, ResponseForm] = {
    "single": ResponseForm(_single_fields, _single_read, "quiz/responses/single.html", _fill_single, True),
    "multiple": ResponseForm(_multiple_fields, _multiple_read, "quiz/responses/multiple.html", _fill_multiple, True),
    "matching": ResponseForm(_matching_fields, _matching_read, "quiz/responses/matching.html", _fill_matching, True),
    "text": ResponseForm(_text_fields, _text_read, "quiz/responses/text.html", _fill_typed, class_key=_no_key),
    "numeric": ResponseForm(_numeric_fields, _numeric_read, "quiz/responses/numeric.html", _fill_typed,
                            class_key=_no_key),
    "essay": ResponseForm(_essay_fields, _essay_read, "quiz/responses/essay.html", _fill_typed),
    "description": ResponseForm(_description_fields, _description_read, "quiz/responses/description.html",
                                class_key=_no_key),
}
if set(RESPONSE_FORMS) != set(RESPONSE_TYPES):
    raise RuntimeError(f"response types without a form: {sorted(set(RESPONSE_TYPES) - set(RESPONSE_FORMS))}")


def response_form(data: dict[str, Any]) -> ResponseForm:
    """The form and partial of a stored question's response type."""
    return RESPONSE_FORMS[response_name(data)]


def answer_form(data: dict[str, Any], formdata: object | None = None) -> FlaskForm:
    """A form for one stored question (radio buttons, checkboxes, one select per item, a text box).

    Choice values are option indices (or "true"/"false"); WTForms rejects any value that is not
    one of them, so a tampered form never reaches grading.
    """

    name = response_name(data)
    form_class = _answer_form_class(name, RESPONSE_FORMS[name].class_key(key_of(data)))
    return form_class(formdata=formdata) if formdata is not None else form_class()


@lru_cache(maxsize=1024)
def _answer_form_class(name: str, class_key: Hashable) -> type[FlaskForm]:
    """The form class of a response type and the part of a key its fields read, kept: building it (a class and its
    fields) was half the cost of an answer form, the rest binding it to a request (benchmarks/README.md)."""

    class AnswerForm(FlaskForm):
        class Meta:
            # CSRFProtect has checked the post's token before the view, and the page writes its token with
            # csrf_token(): a second check and a new signed token per form were 40 % of the form's cost.
            csrf = False

        submit = SubmitField("Submit answer")

    RESPONSE_FORMS[name].fields(AnswerForm, class_key)
    return AnswerForm


def unanswered_form(data: dict[str, Any]) -> FlaskForm | None:
    """The form a question shows before anything is posted: None for the types whose partial writes the empty
    fields itself (``writes_empty_fields``), else the empty WTForms form. The post is validated by
    :func:`answer_form` either way."""
    return None if response_form(data).writes_empty_fields else answer_form(data)


def filled_form(data: dict[str, Any], response: Any) -> FlaskForm:
    """The answer form showing a recorded response, to change it before the quiz is submitted."""
    form = answer_form(data)
    response_form(data).fill(form, key_of(data), response)
    return form


def response_from(form: FlaskForm, data: dict[str, Any]) -> Any:
    """The validated form's answer in the shape grading expects."""
    return response_form(data).read(form, key_of(data))


def response_partial(data: dict[str, Any]) -> str:
    return response_form(data).partial
