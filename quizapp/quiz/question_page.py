"""What a question's page reads, as plain values: the attempt with its title, and its first unanswered question.

It is the quiz's most requested page. As ORM objects, the attempt with its bank and assignment and the question
cost about 270 and 350 µs to load here; the same columns as Core rows, 110 and 155 µs (benchmarks/README.md). The
views that change an attempt, or show its answers, keep the ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from ..core.imported import ImportedQuestion
from ..core.questions import Question
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, Bank, QuizAttempt, question_of


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
class UnansweredQuestion:
    """A question of an attempt that has no answer yet (see AttemptQuestion)."""

    id: int
    position: int
    flagged: bool
    data: dict[str, Any]

    @property
    def is_imported(self) -> bool:
        return "imported" in self.data

    @property
    def question(self) -> Question | ImportedQuestion:
        return question_of(self.data)


# Built once, run with parameters (building a statement cost more than running it).
_HEADER = select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.guest_token, QuizAttempt.feedback,
                 QuizAttempt.question_count, QuizAttempt.deadline, QuizAttempt.finished_at, Assignment.closes_at,
                 func.coalesce(Assignment.title, Bank.title)) \
    .join(Bank, Bank.id == QuizAttempt.bank_id) \
    .outerjoin(Assignment, Assignment.id == QuizAttempt.assignment_id) \
    .where(QuizAttempt.id == bindparam("attempt"))
_answered = select(Answer.id).where(Answer.attempt_question_id == AttemptQuestion.id).exists()
_FIRST_UNANSWERED = select(AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.flagged,
                           AttemptQuestion.data) \
    .where(AttemptQuestion.attempt_id == bindparam("attempt"), ~_answered) \
    .order_by(AttemptQuestion.position).limit(1)


def attempt_header(attempt_id: int) -> AttemptHeader | None:
    """The attempt's header, on the session's connection; None if there is no such attempt."""
    row = db.session.connection().execute(_HEADER, {"attempt": attempt_id}).first()
    return AttemptHeader(*row) if row is not None else None


def current_question(attempt: AttemptHeader) -> UnansweredQuestion | None:
    """The first unanswered question, or None when all are answered: one statement, not the whole attempt."""
    row = db.session.connection().execute(_FIRST_UNANSWERED, {"attempt": attempt.id}).first()
    return UnansweredQuestion(*row) if row is not None else None
