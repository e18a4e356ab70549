"""Multiple choice: tick every right option (checkboxes), with partial credit.

Each option carries a fraction of the mark: for generated questions the right options share
+1 and the wrong ones share -1, so ticking every box scores 0; imported questions keep their
Moodle fractions. The ticked fractions are summed and the total kept within [0, 1], as Moodle does.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from ..imported import ImportedQuestion
from .base import InvalidResponse, ResponseType, StoredData, check_indices, settled
from .choice import ChoiceKey, generated_key, gift_choices, imported_key, imported_question
from .single import SINGLE


class MultipleChoice(ResponseType[ChoiceKey]):
    name = "multiple"
    label = "Multiple choice (select all that apply)"
    imported_kinds: ClassVar[dict[str, str]] = {"multiple": "Multiple choice (several answers)"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "multiple" if question.qtype == "multichoice" and not question.single else None

    def prepare(self, question: ImportedQuestion, rng: random.Random,
                shuffle: bool) -> tuple[ImportedQuestion, dict[str, Any]]:
        return SINGLE.prepare(question, rng, shuffle)

    def key(self, data: StoredData) -> ChoiceKey:
        question = imported_question(data)
        if question is None:
            return generated_key(data, {int(i) for i in data["answer"]}, wrong_share=True)
        return imported_key(question)

    def picks(self, key: ChoiceKey, response: Any) -> list[int]:
        picks = check_indices(response, len(key.choices))
        if len(set(picks)) != len(picks):
            raise InvalidResponse("expected a list of distinct choices")
        return picks

    def grade(self, key: ChoiceKey, response: Any) -> float:
        return settled(sum(key.choices[i].fraction for i in self.picks(key, response)))

    def response_text(self, key: ChoiceKey, response: Any) -> str:
        return "; ".join(key.options[i] for i in self.picks(key, response))

    def right_answer_text(self, key: ChoiceKey) -> str:
        return "; ".join(key.options[i] for i in key.earning)

    def feedback(self, key: ChoiceKey, response: Any) -> list[str]:
        return [key.choices[i].feedback for i in self.picks(key, response) if key.choices[i].feedback]

    def gift(self, key: ChoiceKey) -> str:
        return gift_choices(key, single=False)

    def json(self, key: ChoiceKey) -> dict[str, Any]:
        return {"options": list(key.options), "answer": key.earning}


MULTIPLE = MultipleChoice()
