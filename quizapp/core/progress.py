"""Score breakdowns for the results and progress pages. Pure: rows in, figures out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MIN_ANSWERS_FOR_WEAKEST = 3


@dataclass(frozen=True)
class AnsweredRow:
    """One answered question: its kind, the categories it is about, and the score it got (0..1)."""

    kind: str
    categories: Sequence[str]
    score: float


@dataclass(frozen=True)
class Accuracy:
    key: str
    answered: int
    score: float  # sum of scores

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.answered if self.answered else 0.0


def _accumulate(rows: Iterable[AnsweredRow], keys: Callable[[AnsweredRow], Iterable[str]]) -> list[Accuracy]:
    totals: dict[str, list[float]] = {}
    for row in rows:
        for key in keys(row):
            total = totals.setdefault(key, [0, 0.0])
            total[0] += 1
            total[1] += row.score
    return [Accuracy(key, int(n), s) for key, (n, s) in sorted(totals.items())]


def accuracy_by_kind(rows: Iterable[AnsweredRow]) -> list[Accuracy]:
    return _accumulate(rows, lambda r: [r.kind])


def accuracy_by_category(rows: Iterable[AnsweredRow]) -> list[Accuracy]:
    """A question about several categories (a match question) counts towards each of them."""
    return _accumulate(rows, lambda r: set(r.categories))


def weakest(accuracies: Sequence[Accuracy], min_answered: int = MIN_ANSWERS_FOR_WEAKEST) -> Accuracy | None:
    """The lowest-scoring entry with enough answers to mean something (ties: fewer answers first)."""
    candidates = [a for a in accuracies if a.answered >= min_answered and a.percent < 100.0]
    if not candidates:
        return None
    return min(candidates, key=lambda a: (a.percent, a.answered, a.key))
