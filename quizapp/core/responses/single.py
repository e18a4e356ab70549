"""Single choice: one option from a list (radio buttons). True/false is a single choice of two."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any, ClassVar

from ..imported import ImportedQuestion
from .base import ResponseType, StoredData
from .choice import Choice, ChoiceKey, generated_key, gift_choices, imported_key, imported_question

_TRUE_FALSE = ("True", "False")


def _true_false_key(question: ImportedQuestion) -> ChoiceKey:
    right, wrong = question.tf_feedback_right, question.tf_feedback_wrong
    truth = bool(question.tf_answer)
    return ChoiceKey((Choice("True", 1.0 if truth else 0.0, right if truth else wrong),
                      Choice("False", 0.0 if truth else 1.0, wrong if truth else right)),
                     question.text_format, values=("true", "false"), boolean=True)


class SingleChoice(ResponseType[ChoiceKey]):
    name = "single"
    label = "Single choice"
    imported_kinds: ClassVar[dict[str, str]] = {"single": "Multiple choice (one answer)",
                                                "truefalse": "True or false"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        if question.qtype == "truefalse":
            return "truefalse"
        return "single" if question.qtype == "multichoice" and question.single else None

    def prepare(self, question: ImportedQuestion, rng: random.Random,
                shuffle: bool) -> tuple[ImportedQuestion, dict[str, Any]]:
        if shuffle and question.answers:
            answers = list(question.answers)
            rng.shuffle(answers)
            question = replace(question, answers=tuple(answers))
        return question, {}

    def key(self, data: StoredData) -> ChoiceKey:
        question = imported_question(data)
        if question is None:
            return generated_key(data, {int(data["answer"])}, wrong_share=False)
        if question.qtype == "truefalse":
            return _true_false_key(question)
        return imported_key(question)

    def grade(self, key: ChoiceKey, response: Any) -> float:
        return max(0.0, key.choices[key.pick(response)].fraction)

    def response_text(self, key: ChoiceKey, response: Any) -> str:
        return key.options[key.pick(response)]

    def right_answer_text(self, key: ChoiceKey) -> str:
        return key.options[key.best_index]

    def feedback(self, key: ChoiceKey, response: Any) -> list[str]:
        text = key.choices[key.pick(response)].feedback
        return [text] if text else []

    def gift(self, key: ChoiceKey) -> str:
        if key.options == _TRUE_FALSE and not any(c.feedback for c in key.choices):
            return "TRUE" if key.best_index == 0 else "FALSE"
        return gift_choices(key, single=True)

    def json(self, key: ChoiceKey) -> dict[str, Any]:
        return {"options": list(key.options), "answer": key.best_index}


SINGLE = SingleChoice()
