"""What a question's page and an answer read, as plain values: the attempt with its title, and one question.

They are the quiz's most requested pages. As ORM objects, the attempt with its bank and assignment and the question
cost about 270 and 350 µs to load here; the same columns as Core rows, 110 and 155 µs (benchmarks/README.md). The
other views of an attempt (changing answers, results, conflicts) keep the ORM objects.
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
class QuestionRow:
    """A question of an attempt (see AttemptQuestion), and whether it has an answer."""

    id: int
    position: int
    flagged: bool
    data: dict[str, Any]
    answered: bool

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
_QUESTION = select(AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.flagged, AttemptQuestion.data,
                   _answered).where(AttemptQuestion.attempt_id == bindparam("attempt"))
_FIRST_UNANSWERED = _QUESTION.where(~_answered).order_by(AttemptQuestion.position).limit(1)
_AT_POSITION = _QUESTION.where(AttemptQuestion.position == bindparam("position"))


def attempt_header(attempt_id: int) -> AttemptHeader | None:
    """The attempt's header, on the session's connection; None if there is no such attempt."""
    row = db.session.connection().execute(_HEADER, {"attempt": attempt_id}).first()
    return AttemptHeader(*row) if row is not None else None


def current_question(attempt: AttemptHeader) -> QuestionRow | None:
    """The first unanswered question, or None when all are answered: one statement, not the whole attempt."""
    row = db.session.connection().execute(_FIRST_UNANSWERED, {"attempt": attempt.id}).first()
    return QuestionRow(*row) if row is not None else None


def question_row_at(attempt_id: int, position: int) -> QuestionRow | None:
    """The attempt's question at ``position``, or None if it has none there."""
    row = db.session.connection().execute(_AT_POSITION, {"attempt": attempt_id, "position": position}).first()
    return QuestionRow(*row) if row is not None else None
