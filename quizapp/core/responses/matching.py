"""Matching: pick a right-hand choice for each item (one select per item), scored by the share of right pairs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from ..imported import ImportedQuestion, matching_choices
from .base import InvalidResponse, ResponseType, StoredData, check_index, gift_escape
from .choice import imported_question


@dataclass(frozen=True)
class MatchKey:
    """The items in order, the right-hand choices in the order shown, and each item's right choice (text)."""

    items: tuple[str, ...]
    choices: tuple[str, ...]
    keys: tuple[str, ...]
    text_format: str = "plain"

    @property
    def key_indices(self) -> list[int]:
        at = {choice: i for i, choice in reversed(list(enumerate(self.choices)))}  # first place of each, as .index
        return [at[right] for right in self.keys]


class Matching(ResponseType[MatchKey]):
    name = "matching"
    label = "Matching"
    imported_kinds: ClassVar[dict[str, str]] = {"matching": "Matching"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "matching" if question.qtype == "matching" else None

    def prepare(self, question: ImportedQuestion, rng: random.Random,
                shuffle: bool) -> tuple[ImportedQuestion, dict[str, Any]]:
        choices = matching_choices(question)
        if shuffle:
            rng.shuffle(choices)
        return question, {"choices": choices}

    def key(self, data: StoredData) -> MatchKey:
        question = imported_question(data)
        if question is None:
            pairs = [(str(left), str(right)) for left, right in data["pairs"]]
            return MatchKey(tuple(left for left, _ in pairs), tuple(data["options"]),
                            tuple(right for _, right in pairs))
        pairs = [(p.left, p.right) for p in question.pairs if p.left]
        return MatchKey(tuple(left for left, _ in pairs), tuple(data["choices"]), tuple(right for _, right in pairs),
                        question.text_format)

    def picks(self, key: MatchKey, response: Any) -> list[int]:
        if not isinstance(response, (list, tuple)) or len(response) != len(key.items):
            raise InvalidResponse(f"expected one choice for each of the {len(key.items)} items")
        return [check_index(choice, len(key.choices)) for choice in response]

    def grade(self, key: MatchKey, response: Any) -> float:
        picks = self.picks(key, response)
        return sum(1 for pick, right in zip(picks, key.keys, strict=True) if key.choices[pick] == right) / len(picks)

    def response_text(self, key: MatchKey, response: Any) -> str:
        return "; ".join(f"{item} → {key.choices[pick]}"
                         for item, pick in zip(key.items, self.picks(key, response), strict=True))

    def right_answer_text(self, key: MatchKey) -> str:
        return "; ".join(f"{item} → {right}" for item, right in zip(key.items, key.keys, strict=True))

    def gift(self, key: MatchKey) -> str:
        pairs = " ".join(f"={gift_escape(item)} -> {gift_escape(right)}"
                         for item, right in zip(key.items, key.keys, strict=True))
        keyed = set(key.keys)
        return pairs + "".join(f" = -> {gift_escape(c)}" for c in key.choices if c not in keyed)

    def json(self, key: MatchKey) -> dict[str, Any]:
        return {"options": list(key.choices),
                "pairs": [[item, right] for item, right in zip(key.items, key.keys, strict=True)]}


MATCHING = Matching()
