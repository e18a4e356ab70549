"""An attempt and one of its questions as plain rows (quiz/question_page.py reads them in one statement).

They stand in for the ORM objects (models.QuizAttempt, models.AttemptQuestion) on the pages that only read, with
the same attribute names, so templates and rules take either. Kept outside the quiz blueprint: what a stored
question's data holds is read here and in models.py, not in the shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .core.imported import ImportedQuestion
from .core.imported_quiz import is_imported, question_of
from .core.questions import Question


@dataclass(frozen=True, slots=True)
class AttemptHeader:
    """An attempt's row as its question page reads it (see QuizAttempt for the columns)."""

    id: int
    user_id: int | None
    guest_token: str | None
    feedback: str
    question_count: int
    deadline: datetime | None
    finished_at: datetime | None
    closes_at: datetime | None  # its assignment's close, if any
    title: str  # its assignment's title, or its bank's


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A question of an attempt (see AttemptQuestion), and whether it has an answer."""

    id: int
    position: int
    flagged: bool
    data: dict[str, Any]
    answered: bool

    @property
    def is_imported(self) -> bool:
        return is_imported(self.data)

    @property
    def question(self) -> Question | ImportedQuestion:
        return question_of(self.data)
