"""Download my data, and delete my account (personal data removed, anonymised answers kept).

Deleting keeps the user row as a tombstone: its id still holds the account's quiz attempts and answers,
so item analysis, gradebooks and bank statistics count them as before, but nothing in it names a person.
The username becomes ``deleted user #<id>`` (a space, which registration refuses, so no one can take it
or log in as it), the display name "Deleted user", the password hash that of a random password nobody
knows; every session and remember cookie is revoked, and the flashcard schedule, review log, LMS
identities and log-in failure records are deleted. Banks and assignments an instructor made stay (their
learners' attempts depend on them), owned by the tombstone.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from ..core.imported import ImportedQuestion
from ..extensions import db
from ..lti.models import LtiContextInstructor, LtiGradeTarget, LtiScore, LtiUser
from ..models import CardState, LoginFailure, QuizAttempt, ReviewLog, User, UserSession

DELETED_NAME = "Deleted user"
SETTINGS = ("on_leaderboard", "new_per_day", "reviews_per_day", "rollover_hour", "timezone", "learning_steps",
            "relearning_steps", "desired_retention")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _attempt(attempt: QuizAttempt) -> dict[str, Any]:
    """An attempt with each question's prompt and the learner's answer; keys are left out (an unfinished
    attempt's key must not be one download away)."""
    questions = []
    for item in attempt.questions:
        question = item.question
        answer = item.answer
        questions.append({
            "position": item.position, "kind": item.kind,
            "prompt": question.text if isinstance(question, ImportedQuestion) else question.prompt,
            "flagged": item.flagged,
            "answer": None if answer is None else {"response": answer.response, "score": answer.score,
                                                   "answered_at": _time(answer.answered_at)}})
    return {"id": attempt.id, "bank": attempt.bank.slug, "assignment": attempt.assignment.title
            if attempt.assignment else None, "purpose": attempt.purpose, "kinds": attempt.kinds,
            "category": attempt.category, "feedback": attempt.feedback, "question_count": attempt.question_count,
            "score": attempt.score, "started_at": _time(attempt.started_at),
            "finished_at": _time(attempt.finished_at), "questions": questions}


def export_data(user: User) -> dict[str, Any]:
    """Everything the app keeps about ``user``, as JSON-ready data (the password hash excepted)."""
    attempts = db.session.execute(select(QuizAttempt).filter_by(user_id=user.id)
                                  .order_by(QuizAttempt.started_at, QuizAttempt.id)).scalars()
    states = db.session.execute(select(CardState).filter_by(user_id=user.id).order_by(CardState.id)).scalars()
    reviews = db.session.execute(select(ReviewLog).filter_by(user_id=user.id).order_by(ReviewLog.id)).scalars()
    return {
        "account": {"username": user.username, "display_name": user.display_name,
                    "is_instructor": user.is_instructor, "created_at": _time(user.created_at)},
        "settings": {name: getattr(user, name) for name in SETTINGS},
        "attempts": [_attempt(attempt) for attempt in attempts],
        "card_states": [{"bank_id": s.bank_id, "card_id": s.card_id, "state": s.state, "step": s.step,
                         "stability": s.stability, "difficulty": s.difficulty, "due": _time(s.due),
                         "last_review": _time(s.last_review), "reps": s.reps, "lapses": s.lapses} for s in states],
        "review_log": [{"bank_id": r.bank_id, "card_id": r.card_id, "rating": r.rating,
                        "reviewed_at": _time(r.reviewed_at), "duration_ms": r.duration_ms,
                        "state_before": r.state_before, "state_after": r.state_after} for r in reviews],
    }


def delete_account(user: User) -> None:
    """Anonymise ``user`` and delete their personal rows, in one transaction (see the module docstring)."""
    old_username_key = user.username_key
    targets = select(LtiGradeTarget.id).where(LtiGradeTarget.user_id == user.id)
    db.session.execute(delete(LtiScore).where(LtiScore.grade_target_id.in_(targets)))
    for model in (LtiGradeTarget, LtiUser, LtiContextInstructor, UserSession, CardState, ReviewLog):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == old_username_key))
    user.username = f"deleted user #{user.id}"
    user.display_name = DELETED_NAME
    user.set_password(secrets.token_urlsafe(32))
    user.on_leaderboard = False
    user.is_instructor = False
    user.session_version += 1
    user.session_token = None
    db.session.commit()
