"""Quiz attempts: starting one, recording answers, finishing. The rules live here, not in views."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import lti
from ..attempt_rows import AttemptHeader, QuestionRow
from ..bank_questions import draw_questions
from ..banks import fact_bank
from ..core.generators import POOL_SEEDS, generate_quiz
from ..core.imported_quiz import grade_stored
from ..core.responses.registry import manually_graded
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, Bank, QuizAttempt, utcnow
from ..owner import Owner
from .question_page import attempt_page

# Answers that arrive this long after a time limit still count (network and page latency).
GRACE = timedelta(seconds=15)

# The tables the writes below address without the ORM's unit of work (see _create and answer_question).
_ANSWERS, _ATTEMPTS = cast(Table, Answer.__table__), cast(Table, QuizAttempt.__table__)
_QUESTIONS = cast(Table, AttemptQuestion.__table__)


class QuizConflict(Exception):
    """The action does not fit the attempt's state (already answered, finished, ...)."""


def _questions_for(bank_row: Bank, count: int, seed: int, kinds: Sequence[str] | None,
                   categories: Sequence[str] | None, shuffle: bool = True) -> list[dict[str, Any]]:
    if bank_row.is_factbank:
        # The pools on one of POOL_SEEDS seeds, which the process keeps; the quiz is drawn on its own seed.
        return [q.to_dict() for q in generate_quiz(fact_bank(bank_row), count=count, seed=seed, kinds=kinds or None,
                                                   category=categories or None, pool_seed=seed % POOL_SEEDS)]
    source = f"{bank_row.title} ({bank_row.filename or bank_row.slug})"
    return draw_questions(bank_row, count, seed, source=source, kinds=kinds or None, categories=categories or None,
                          shuffle=shuffle)


@dataclass(frozen=True)
class StartedAttempt:
    """A new attempt: what the views need to send the learner to it (read the rest with ``db.session.get``)."""

    id: int
    question_count: int


# Built once, run with parameters: built with .values() per start, the statement cost 30 coercions and a cache key.
_INSERT_ATTEMPT = insert(_ATTEMPTS).returning(_ATTEMPTS.c.id)
_INSERT_QUESTIONS = insert(_QUESTIONS)


def _create(owner: Owner, bank_row: Bank, questions: list[dict[str, Any]], seed: int,
            **fields: Any) -> StartedAttempt:
    """Store the attempt and its questions in two statements (the questions in one executemany) and commit: the
    ORM's unit of work for the same rows was a sixth of a quiz start."""
    if not questions:
        raise QuizConflict("This bank has no questions of the kinds you chose.")
    attempt_id = db.session.execute(_INSERT_ATTEMPT, {**owner.columns(), "bank_id": bank_row.id, "seed": seed,
                                                      "question_count": len(questions), **fields}).scalar_one()
    db.session.execute(_INSERT_QUESTIONS, [{"attempt_id": attempt_id, "position": i, "kind": q["kind"], "data": q}
                                           for i, q in enumerate(questions, 1)])
    db.session.commit()
    return StartedAttempt(attempt_id, len(questions))


def start_attempt(owner: Owner, bank_row: Bank, count: int, kinds: Sequence[str] | None,
                  feedback: str, category: str | None = None, seed: int | None = None) -> StartedAttempt:
    """Generate the questions and store them, keys included, so the attempt is reproducible.

    A quiz on one category is a practise quiz (the progress page's "Practise this") and says so in the history.
    """
    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = _questions_for(bank_row, count, seed, kinds, [category] if category else None)
    return _create(owner, bank_row, questions, seed, kinds=list(kinds or []), category=category, feedback=feedback,
                   purpose="practise" if category else "quiz")


def missed_questions(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The questions of a finished attempt answered wrongly or partly, or left unanswered (essays, marked by
    hand, are left out: a retry grades itself)."""
    return [q for q in attempt.questions
            if not manually_graded(q.data) and (q.answer is None or q.answer.score < 1)]


def start_retry(owner: Owner, attempt: QuizAttempt, seed: int | None = None) -> StartedAttempt:
    """"Retry my mistakes": a new quiz of the finished attempt's missed questions, as stored, in a new order."""
    if attempt.finished_at is None:
        raise QuizConflict("Finish the quiz before retrying its mistakes.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = [dict(q.data) for q in missed_questions(attempt)]
    if not questions:
        raise QuizConflict("Every question of this quiz was answered right: there are no mistakes to retry.")
    random.Random(seed).shuffle(questions)
    return _create(owner, attempt.bank, questions, seed, kinds=list(attempt.kinds), category=attempt.category,
                   feedback="immediate", purpose="retry")


# How often a start that lost a race for its attempt number is retried before the learner is told.
START_RETRIES = 3


def attempts_used(assignment: Assignment, user_id: int) -> int:
    return db.session.execute(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.assignment_id == assignment.id, QuizAttempt.user_id == user_id)).scalar_one()


def _last_attempt_number(assignment_id: int, user_id: int) -> int:
    last = db.session.execute(select(func.max(QuizAttempt.attempt_number)).where(
        QuizAttempt.assignment_id == assignment_id, QuizAttempt.user_id == user_id)).scalar_one()
    return last or 0


def start_assignment_attempt(user_id: int, assignment: Assignment, now: datetime,
                             seed: int | None = None) -> StartedAttempt:
    """Start an attempt under the assignment's settings: open dates, attempts allowed, time limit."""
    if assignment.opens_at is not None and now < assignment.opens_at:
        raise QuizConflict(f"This assignment opens at {assignment.opens_at:%Y-%m-%d %H:%M} UTC.")
    if assignment.closes_at is not None and now >= assignment.closes_at:
        raise QuizConflict(f"This assignment closed at {assignment.closes_at:%Y-%m-%d %H:%M} UTC.")
    if assignment.bank.deleted_at is not None:
        raise QuizConflict("This assignment's question bank has been deleted.")
    assignment_id, allowed = assignment.id, assignment.attempts_allowed
    if allowed and _last_attempt_number(assignment_id, user_id) >= allowed:
        raise QuizConflict(f"You have used all {allowed} attempt(s) of this assignment.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = _questions_for(assignment.bank, assignment.question_count, seed, assignment.kinds,
                               assignment.categories, assignment.shuffle)
    deadline = now + timedelta(minutes=assignment.time_limit_minutes) if assignment.time_limit_minutes else None
    if deadline is not None and assignment.closes_at is not None:
        deadline = min(deadline, assignment.closes_at)
    settings = {"kinds": list(assignment.kinds), "feedback": assignment.feedback}
    bank_row = assignment.bank
    # The limit is held by the unique key (assignment, user, attempt number): of concurrent starts only one
    # gets each number, and the others count again.
    for _ in range(START_RETRIES):
        number = _last_attempt_number(assignment_id, user_id) + 1
        if allowed and number > allowed:
            raise QuizConflict(f"You have used all {allowed} attempt(s) of this assignment.")
        try:
            return _create(Owner(user_id, None), bank_row, questions, seed, category=None,
                           assignment_id=assignment_id, deadline=deadline, started_at=now, attempt_number=number,
                           **settings)
        except IntegrityError:
            db.session.rollback()
    raise QuizConflict("Another attempt at this assignment was started at the same moment; try again.")


class AttemptState(Protocol):
    """What tells whether an attempt has ended: the ORM attempt, or the question page's plain header."""

    @property
    def id(self) -> int: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def deadline(self) -> datetime | None: ...
    @property
    def closes_at(self) -> datetime | None: ...


def ended_at(attempt: AttemptState, now: datetime) -> datetime | None:
    """When an unfinished attempt ended, if it has: its time limit (plus GRACE) or its assignment's close.

    No grace after the close: answers may be revealed from then on, so none may arrive later.
    """
    if attempt.finished_at is not None:
        return None
    if attempt.deadline is not None and now > attempt.deadline + GRACE:
        return attempt.deadline
    closes = attempt.closes_at
    if closes is not None and now >= closes:
        return closes
    return None


def close_if_expired(attempt: QuizAttempt, now: datetime) -> bool:
    """Finish an attempt whose time limit has passed or whose assignment has closed (unanswered questions
    score 0); True if it did."""
    ended = ended_at(attempt, now)
    if ended is not None:
        db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.finished_at.is_(None))
                           .values(finished_at=ended))
        lti.enqueue_finished_attempt(attempt.id)  # the LMS score goes to the outbox in this same transaction
        db.session.commit()
        db.session.refresh(attempt)
        return True
    return False


def answers_revealed(attempt: QuizAttempt, now: datetime) -> bool:
    """Whether right answers may be shown: at once, or for "after close" assignments once closed."""
    if attempt.feedback != "after_close":
        return True
    closes = attempt.assignment.closes_at if attempt.assignment else None
    return closes is not None and now >= closes


def finish_attempt(attempt: QuizAttempt, now: datetime) -> bool:
    """Submit an unfinished attempt now ("Submit all and finish", or the countdown reaching zero); unanswered
    questions score 0. True if this call finished it: of concurrent submissions exactly one does, so the
    attempt is graded and sent to the LMS once."""
    finished = db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                            QuizAttempt.finished_at.is_(None))
                                  .values(finished_at=now))
    won = bool(finished.rowcount)  # type: ignore[attr-defined]
    if won:
        lti.enqueue_finished_attempt(attempt.id)
    db.session.commit()
    db.session.refresh(attempt)
    return won


def answers_at_the_end(attempt: QuizAttempt | AttemptHeader) -> bool:
    """Whether right answers wait for the results: then the learner may move freely, flag and change answers."""
    return attempt.feedback != "immediate"


# The question pages' statements, built once and run with parameters (building one cost more than running it).
_AT_POSITION = select(AttemptQuestion).where(AttemptQuestion.attempt_id == bindparam("attempt"),
                                             AttemptQuestion.position == bindparam("position"))
_STRIP = select(AttemptQuestion.position, AttemptQuestion.flagged, Answer.id) \
    .outerjoin(Answer, Answer.attempt_question_id == AttemptQuestion.id) \
    .where(AttemptQuestion.attempt_id == bindparam("attempt")).order_by(AttemptQuestion.position)


@dataclass(frozen=True)
class StripEntry:
    """One question in the navigation strip of an answers-at-the-end quiz."""

    position: int
    flagged: bool
    answered: bool


def question_strip(attempt: QuizAttempt | AttemptHeader) -> list[StripEntry]:
    """Every question's position, flag and answered state: one statement that reads no question data, run on the
    session's connection (plain rows: the ORM's result handling was 40 % of the statement's Python calls)."""
    rows = db.session.connection().execute(_STRIP, {"attempt": attempt.id})
    return [StripEntry(position, flagged, answer_id is not None) for position, flagged, answer_id in rows]


class UnknownQuestion(LookupError):
    """The attempt has no question at that position."""


def question_to_answer(attempt: AttemptState, position: int) -> QuestionRow:
    """The question at ``position`` if it may be answered now; raises QuizConflict or UnknownQuestion."""
    page = attempt_page(attempt.id, position)
    return answerable(attempt, position, page[1] if page is not None else None)


def answerable(attempt: AttemptState, position: int, target: QuestionRow | None) -> QuestionRow:
    """``target``, the attempt's question at ``position`` as read, if it may be answered now; raises QuizConflict
    or UnknownQuestion."""
    if attempt.finished_at is not None:
        raise QuizConflict("This quiz is already finished; answers can no longer change.")
    closes = attempt.closes_at
    if closes is not None and utcnow() >= closes:
        raise QuizConflict(f"This assignment closed at {closes:%Y-%m-%d %H:%M} UTC; answers are no longer accepted.")
    if target is None:
        raise UnknownQuestion(f"This quiz has no question {position}.")
    if target.answered:
        raise QuizConflict(f"Question {position} has already been answered; it counts once.")
    return target


def question_at(attempt: QuizAttempt, position: int) -> AttemptQuestion:
    """The attempt's question at ``position`` with its answer (one statement: not the attempt's other questions and
    their JSON); raises UnknownQuestion."""
    target = db.session.scalars(_AT_POSITION, {"attempt": attempt.id, "position": position}).first()
    if target is None:
        raise UnknownQuestion(f"This quiz has no question {position}.")
    return target


def _changeable(attempt: QuizAttempt, position: int) -> AttemptQuestion:
    if not answers_at_the_end(attempt):
        raise QuizConflict("In this quiz each answer is final: the right answer was shown after it.")
    if attempt.finished_at is not None:
        raise QuizConflict("This quiz is already finished; answers can no longer change.")
    return question_at(attempt, position)


def set_flag(attempt: QuizAttempt, position: int, flagged: bool) -> None:
    """Flag a question for review (or clear the flag) before submitting."""
    target = _changeable(attempt, position)
    target.flagged = flagged
    db.session.commit()


def change_answer(attempt: QuizAttempt, position: int, response: Any) -> Answer:
    """Replace an answer before the quiz is submitted (answers-at-the-end quizzes only).

    The attempt's row is locked first, on the condition that it is not finished: a change that meets a
    submission either lands before it (and counts) or is refused (and changes nothing). The answer row stays
    the one row of its question; the total is then recomputed from the answers, so a change never counts twice.
    """
    target = _changeable(attempt, position)
    if target.answer is None:
        raise QuizConflict(f"Question {position} has not been answered yet.")
    score = grade_stored(target.data, response)
    answer = target.answer
    _lock_unfinished(attempt)
    db.session.execute(update(Answer).where(Answer.id == answer.id).values(response=response, score=score,
                                                                           answered_at=utcnow()))
    total = (select(func.coalesce(func.sum(Answer.score), 0.0)).join(AttemptQuestion)
             .where(AttemptQuestion.attempt_id == attempt.id).scalar_subquery())
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(score=total))
    db.session.commit()
    db.session.refresh(attempt)
    db.session.refresh(answer)
    return answer


def _lock_unfinished(attempt: QuizAttempt) -> None:
    """Lock the attempt's row if it is still unfinished (PostgreSQL: a row lock; SQLite: the write lock), so
    no submission can pass in between; else roll back and raise QuizConflict."""
    locked = db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                          QuizAttempt.finished_at.is_(None))
                                .values(score=QuizAttempt.score))
    if not locked.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        raise QuizConflict("This quiz is already finished; answers can no longer change.")


# An answer's two writes, built once (see the question pages' statements above) and run without the ORM's unit of
# work (a flush and the update's session synchronisation were a tenth of an answer's Python calls): nothing reads
# them back before the commit, which expires the session.
_ADD_ANSWER = insert(_ANSWERS).values(attempt_question_id=bindparam("question"), response=bindparam("response"),
                                      score=bindparam("score"), answered_at=bindparam("answered_at"))
# The score is added in SQL so two concurrent answers cannot overwrite each other's total; only while the attempt
# is unfinished, so an answer racing a submission (or the time limit) is refused rather than counted after it.
_ADD_SCORE = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt"), _ATTEMPTS.c.finished_at.is_(None)) \
    .values(score=_ATTEMPTS.c.score + bindparam("score"))
# Immediate feedback: how many of the attempt's questions are answered (the last answer finishes the quiz).
_ANSWERED = select(func.count(Answer.id)).join(AttemptQuestion) \
    .where(AttemptQuestion.attempt_id == bindparam("attempt"))


def record_answer(attempt: QuizAttempt, position: int, response: int | list[int]) -> None:
    """Grade and store one answer. Raises QuizConflict, UnknownQuestion or InvalidResponse and changes nothing.

    An immediate-feedback quiz is finished by its last answer. An answers-at-the-end quiz is not: it waits on
    its summary page for the learner's submission (finish_attempt), or for its time limit.
    """
    answer_question(attempt, question_to_answer(attempt, position), response)


def answer_question(attempt: QuizAttempt | AttemptHeader, target: QuestionRow, response: Any) -> None:
    """record_answer for a question just returned by :func:`answerable` (the answer view reads it with the attempt's
    header, in one statement, to build its form). Raises QuizConflict or InvalidResponse and changes nothing."""
    position = target.position
    score = grade_stored(target.data, response)
    try:
        db.session.execute(_ADD_ANSWER, {"question": target.id, "response": response, "score": score,
                                         "answered_at": utcnow()})
    except IntegrityError as exc:  # a concurrent duplicate submit lost the race
        db.session.rollback()
        raise QuizConflict(f"Question {position} has already been answered.") from exc
    added = db.session.execute(_ADD_SCORE, {"attempt": attempt.id, "score": score})
    if not added.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        raise QuizConflict("This quiz is already finished; answers can no longer change.")
    if not answers_at_the_end(attempt):
        if db.session.execute(_ANSWERED, {"attempt": attempt.id}).scalar_one() == attempt.question_count:
            db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                         QuizAttempt.finished_at.is_(None))
                               .values(finished_at=utcnow()))
            lti.enqueue_finished_attempt(attempt.id)  # the LMS score goes to the outbox in this same transaction
    db.session.commit()  # expires the attempt: it is read again only if the caller looks at it


def claim_guest_attempts(guest_token: str, user_id: int) -> int:
    """Give an account the attempts its guest session made (not committed); returns how many."""
    result = db.session.execute(update(QuizAttempt).where(QuizAttempt.guest_token == guest_token,
                                                          QuizAttempt.user_id.is_(None))
                                .values(user_id=user_id, guest_token=None))
    return getattr(result, "rowcount", 0) or 0  # a CursorResult for UPDATE; Result's type lacks rowcount
