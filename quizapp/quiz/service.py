"""Quiz attempts: starting one, recording answers, finishing. The rules live here, not in views."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..banks import fact_bank
from ..core.generators import generate_quiz
from ..core.questions import grade
from ..extensions import db
from ..models import Answer, AttemptQuestion, Bank, QuizAttempt, utcnow
from ..owner import Owner


class QuizConflict(Exception):
    """The action does not fit the attempt's state (already answered, finished, ...)."""


def start_attempt(owner: Owner, bank_row: Bank, count: int, kinds: Sequence[str] | None,
                  feedback: str, category: str | None = None, seed: int | None = None) -> QuizAttempt:
    """Generate the questions and store them, keys included, so the attempt is reproducible."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = generate_quiz(fact_bank(bank_row), count=count, seed=seed, kinds=kinds, category=category)
    if not questions:
        raise QuizConflict("This bank has no questions of the kinds you chose.")
    attempt = QuizAttempt(
        **owner.columns(), bank_id=bank_row.id, seed=seed, kinds=list(kinds or []), category=category,
        feedback=feedback, question_count=len(questions),
    )
    attempt.questions = [AttemptQuestion(position=i, kind=q.kind, data=q.to_dict())
                         for i, q in enumerate(questions, start=1)]
    db.session.add(attempt)
    db.session.commit()
    return attempt


def current_question(attempt: QuizAttempt) -> AttemptQuestion | None:
    """The first unanswered question, or None when all are answered."""
    return next((q for q in attempt.questions if q.answer is None), None)


class UnknownQuestion(LookupError):
    """The attempt has no question at that position."""


def question_to_answer(attempt: QuizAttempt, position: int) -> AttemptQuestion:
    """The question at ``position`` if it may be answered now; raises QuizConflict or UnknownQuestion."""
    if attempt.finished_at is not None:
        raise QuizConflict("This quiz is already finished; answers can no longer change.")
    target = next((q for q in attempt.questions if q.position == position), None)
    if target is None:
        raise UnknownQuestion(f"This quiz has no question {position}.")
    if target.answer is not None:
        raise QuizConflict(f"Question {position} has already been answered; it counts once.")
    return target


def record_answer(attempt: QuizAttempt, position: int, response: int | list[int]) -> Answer:
    """Grade and store one answer. Raises QuizConflict, UnknownQuestion or InvalidResponse and changes nothing."""
    target = question_to_answer(attempt, position)
    score = grade(target.question, response)
    answer = Answer(attempt_question_id=target.id, response=response, score=score)
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent duplicate submit lost the race
        db.session.rollback()
        raise QuizConflict(f"Question {position} has already been answered.") from exc
    # Add the score in SQL so two concurrent answers cannot overwrite each other's total.
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id)
                       .values(score=QuizAttempt.score + score))
    answered = db.session.execute(
        select(db.func.count(Answer.id)).join(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)).scalar_one()
    if answered == attempt.question_count:
        db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.finished_at.is_(None))
                           .values(finished_at=utcnow()))
    db.session.commit()
    db.session.refresh(attempt)
    return answer


def claim_guest_attempts(guest_token: str, user_id: int) -> int:
    """Give an account the attempts its guest session made (not committed); returns how many."""
    result = db.session.execute(update(QuizAttempt).where(QuizAttempt.guest_token == guest_token,
                                                          QuizAttempt.user_id.is_(None))
                                .values(user_id=user_id, guest_token=None))
    return result.rowcount or 0
