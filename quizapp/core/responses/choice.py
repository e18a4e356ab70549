"""The key of a choice question (single or multiple choice), read from a stored question of either origin."""

from __future__ import annotations

from dataclasses import dataclass

from ..imported import ImportedQuestion
from .base import StoredData, check_index, gift_escape, gift_percent, is_generated


@dataclass(frozen=True)
class Choice:
    """One option as shown: its text, the fraction of the mark it earns (-1..1), its feedback."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class ChoiceKey:
    """The options in the order shown, with what each earns.

    ``values`` are what the form posts for each option (their indices unless set). A true/false
    question posts "true"/"false"; attempts stored before true/false was a single choice kept the
    response as a boolean, which ``pick`` still reads (True is the first option).
    """

    choices: tuple[Choice, ...]
    text_format: str = "plain"
    values: tuple[str, ...] = ()
    boolean: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.choices)

    @property
    def form_values(self) -> tuple[str, ...]:
        return self.values or tuple(str(i) for i in range(len(self.choices)))

    @property
    def best_index(self) -> int:
        """The option earning the most (the first of equals)."""
        return max(range(len(self.choices)), key=lambda i: self.choices[i].fraction)

    @property
    def earning(self) -> list[int]:
        """The options that earn marks."""
        return [i for i, c in enumerate(self.choices) if c.fraction > 0]

    def pick(self, choice: object) -> int:
        """The index ``choice`` names; raises InvalidResponse for anything else."""
        if self.boolean and isinstance(choice, bool):
            return 0 if choice else 1
        return check_index(choice, len(self.choices))


def generated_key(data: StoredData, right: set[int], wrong_share: bool) -> ChoiceKey:
    """A generated question's options: the right ones share +1; with ``wrong_share`` the wrong ones share -1."""
    options = list(data["options"])
    wrong = len(options) - len(right)
    penalty = -1.0 / wrong if wrong_share and wrong else 0.0
    return ChoiceKey(tuple(Choice(text, 1.0 / len(right) if i in right else penalty)
                           for i, text in enumerate(options)))


def imported_key(question: ImportedQuestion) -> ChoiceKey:
    """An imported multiple-choice question's answers, in the order they were stored (shown)."""
    return ChoiceKey(tuple(Choice(a.text, a.fraction, a.feedback) for a in question.answers), question.text_format)


def imported_question(data: StoredData) -> ImportedQuestion | None:
    """The imported question a stored dict keeps, or None for a generated one."""
    return None if is_generated(data) else ImportedQuestion.from_dict(data["imported"])


def gift_choices(key: ChoiceKey, single: bool) -> str:
    """``=right ~wrong`` for a plain single choice, otherwise every option with its weight."""
    parts = []
    for choice in key.choices:
        if single and choice.fraction == 1.0:
            mark = "="
        elif single and choice.fraction == 0.0:
            mark = "~"
        else:
            mark = f"~%{gift_percent(choice.fraction)}%"
        feedback = f"#{gift_escape(choice.feedback)}" if choice.feedback else ""
        parts.append(mark + gift_escape(choice.text) + feedback)
    return " ".join(parts)
