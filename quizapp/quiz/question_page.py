"""What a question's page and an answer read, as plain values: the attempt with its title, and one question.

They are the quiz's most requested pages. As ORM objects, the attempt with its bank and assignment and the question
cost about 270 and 350 µs to load here; the same columns as Core rows, 110 and 155 µs (benchmarks/README.md). The
other views of an attempt (changing answers, results, conflicts) keep the ORM objects.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from ..attempt_rows import AttemptHeader, QuestionRow
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, Bank, QuizAttempt


# Built once, run with parameters (building a statement cost more than running it).
def _answered(question: type[AttemptQuestion] | Any) -> Exists:
    return select(Answer.id).where(Answer.attempt_question_id == question.id).exists()


_HEADER = select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.guest_token, QuizAttempt.feedback,
                 QuizAttempt.question_count, QuizAttempt.deadline, QuizAttempt.finished_at, Assignment.closes_at,
                 func.coalesce(Assignment.title, Bank.title)) \
    .join(Bank, Bank.id == QuizAttempt.bank_id) \
    .outerjoin(Assignment, Assignment.id == QuizAttempt.assignment_id) \
    .where(QuizAttempt.id == bindparam("attempt"))
_HEADER_COLUMNS = len(_HEADER.selected_columns)
_QUESTION_COLUMNS = (AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.flagged, AttemptQuestion.data,
                     _answered(AttemptQuestion))
_other = aliased(AttemptQuestion)
# The first unanswered question's id, on the attempt's parameter rather than correlated with the outer row: so
# PostgreSQL works it out once, then joins that one question by its key (correlated, a MIN of the positions made
# it hash-join all of the attempt's questions and run the subquery twice: 0.43 against 0.30 ms by EXPLAIN ANALYZE).
_FIRST_UNANSWERED_ID = select(_other.id).where(_other.attempt_id == bindparam("attempt"), ~_answered(_other)) \
    .order_by(_other.position).limit(1).scalar_subquery()


def _with_question(which: ColumnElement[bool]) -> Select[Any]:
    """The header and, outer-joined, the attempt's question that ``which`` names (NULLs where there is none)."""
    return _HEADER.add_columns(*_QUESTION_COLUMNS).outerjoin(
        AttemptQuestion, and_(AttemptQuestion.attempt_id == QuizAttempt.id, which))


_WITH_FIRST_UNANSWERED = _with_question(AttemptQuestion.id == _FIRST_UNANSWERED_ID)
_WITH_POSITION = _with_question(AttemptQuestion.position == bindparam("position"))


def attempt_page(attempt_id: int, position: int | None = None) -> tuple[AttemptHeader, QuestionRow | None] | None:
    """The attempt's header and its question at ``position``, by default its first unanswered one, in one
    statement on the session's connection (two statements cost a question page 2 % more calls here, and a round
    trip more on PostgreSQL). None if there is no such attempt; the question is None if it has none there (or every
    question is answered)."""
    if position is None:
        row = db.session.connection().execute(_WITH_FIRST_UNANSWERED, {"attempt": attempt_id}).first()
    else:
        row = db.session.connection().execute(_WITH_POSITION, {"attempt": attempt_id, "position": position}).first()
    if row is None:
        return None
    header, question = row[:_HEADER_COLUMNS], row[_HEADER_COLUMNS:]
    return AttemptHeader(*header), QuestionRow(*question) if question[0] is not None else None
