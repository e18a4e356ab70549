"""The score outbox: finished attempts become rows here, in the submission's own transaction; workers send them.

A worker claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never pick the same row;
SQLite has one writer at a time, and the conditional UPDATE below is the guard there) by giving them a lease,
commits, sends each score with pylti1p3, then marks it sent. A worker killed mid-send leaves its rows leased;
when the lease runs out another worker sends them again. The re-sent AGS score carries the timestamp fixed
when the row was written, so the platform sees the same score again, not a new one.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.flask import FlaskServiceConnector
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core.responses.registry import manually_graded
from ..extensions import db
from ..models import Answer, AttemptQuestion, EssayGrade, QuizAttempt, utcnow
from .models import LtiGradeTarget, LtiResourceLink, LtiScore
from .tool import DatabaseCache, registration_for

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
REQUEST_TIMEOUT = 15.0  # seconds; a lease must outlast a batch of sends
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
PURGE_EVERY = 60.0  # seconds between clean-ups of expired launch data


def ags_timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 with microseconds and a UTC offset, as AGS asks for."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _essays_awaiting_a_mark(attempt_id: int) -> bool:
    """Whether an answer of the attempt waits for an instructor's mark (AGS then says "PendingManual")."""
    rows = db.session.execute(select(AttemptQuestion.data, EssayGrade.id).select_from(AttemptQuestion)
                              .join(Answer, Answer.attempt_question_id == AttemptQuestion.id)
                              .outerjoin(EssayGrade, EssayGrade.answer_id == Answer.id)
                              .where(AttemptQuestion.attempt_id == attempt_id)).all()
    return any(grade_id is None and manually_graded(data) for data, grade_id in rows)


def enqueue_finished_attempt(attempt_id: int, reason: str = "submitted") -> int:
    """Queue the attempt's score for every LMS line item it belongs to; call inside the finishing transaction.

    Adds rows to the session without committing, so they commit (or roll back) with the submission.
    ``reason`` tells apart later sends of the same attempt (e.g. "graded-3" after an essay is marked).
    Returns how many rows were queued; 0 for attempts not launched from an LMS.
    """
    attempt = db.session.execute(select(QuizAttempt.user_id, QuizAttempt.assignment_id, QuizAttempt.score,
                                        QuizAttempt.question_count, QuizAttempt.finished_at)
                                 .where(QuizAttempt.id == attempt_id)).one_or_none()
    if attempt is None or attempt.assignment_id is None or attempt.user_id is None:
        return 0
    targets = db.session.execute(
        select(LtiGradeTarget.id).join(LtiResourceLink)
        .where(LtiResourceLink.assignment_id == attempt.assignment_id, LtiGradeTarget.user_id == attempt.user_id,
               LtiResourceLink.lineitem_url.is_not(None))).scalars().all()
    queued = 0
    progress = "PendingManual" if _essays_awaiting_a_mark(attempt_id) else "FullyGraded"
    for target_id in targets:
        row = LtiScore(dedupe_key=f"{attempt_id}:{target_id}:{reason}"[:120], attempt_id=attempt_id,
                       grade_target_id=target_id, assignment_id=attempt.assignment_id,
                       score_given=float(attempt.score), score_maximum=float(max(attempt.question_count, 1)),
                       activity_progress="Completed", grading_progress=progress, timestamp=ags_timestamp())
        try:
            with db.session.begin_nested():  # a duplicate (the same finish seen twice) is skipped, not an error
                db.session.add(row)
            queued += 1
        except IntegrityError:
            pass
    return queued


@dataclass(frozen=True)
class BatchResult:
    claimed: int
    sent: int
    failed: int


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... doubling up to 6 h; a failing score is retried for ever, never dropped."""
    doublings = min(max(tries - 1, 0), 20)  # 2**20 * 30 s is far past the cap; a bigger power overflows timedelta
    return min(BACKOFF_BASE * (2 ** doublings), BACKOFF_MAX)


def claim(batch: int, lease: timedelta = LEASE) -> tuple[str, list[int]]:
    """Lease up to ``batch`` due rows to this worker; returns the lease token and the row ids."""
    now = utcnow()
    due = (select(LtiScore.id).where(LtiScore.sent_at.is_(None), LtiScore.next_attempt_at <= now,
                                     (LtiScore.lease_until.is_(None)) | (LtiScore.lease_until < now))
           .order_by(LtiScore.id).limit(batch).with_for_update(skip_locked=True))
    ids = db.session.execute(due).scalars().all()
    token = secrets.token_hex(16)
    if ids:
        db.session.execute(update(LtiScore).where(
            LtiScore.id.in_(ids), LtiScore.sent_at.is_(None),
            (LtiScore.lease_until.is_(None)) | (LtiScore.lease_until < now))
            .values(lease_until=now + lease, lease_token=token))
    db.session.commit()
    mine = db.session.execute(select(LtiScore.id).where(LtiScore.lease_token == token)
                              .order_by(LtiScore.id)).scalars().all() if ids else []
    return token, list(mine)


class _TimeoutSession(requests.Session):
    """requests has no session-wide timeout; a hung platform must not hold a lease for ever."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return super().request(*args, **kwargs)


def send_score(row: LtiScore) -> None:
    """POST one score to its line item through pylti1p3 (token request included); raises on failure."""
    link = row.grade_target.resource_link
    assert link.lineitem_url is not None
    connector = FlaskServiceConnector(registration_for(link.platform), requests_session=_TimeoutSession())
    scopes = link.ags_scopes if SCORE_SCOPE in link.ags_scopes else [*link.ags_scopes, SCORE_SCOPE]
    ags = AssignmentsGradesService(connector, {"scope": scopes, "lineitem": link.lineitem_url})  # type: ignore[typeddict-item]
    grade = (Grade().set_score_given(row.score_given).set_score_maximum(row.score_maximum)
             .set_activity_progress(row.activity_progress).set_grading_progress(row.grading_progress)
             .set_timestamp(row.timestamp).set_user_id(row.grade_target.sub))
    ags.put_grade(grade)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, LtiServiceException):
        response = exc.response
        return f"{exc} {response.text[:300]}".strip()
    return f"{type(exc).__name__}: {exc}"[:1000]


def _superseded(exc: Exception) -> bool:
    """409 from the score service: the platform already holds a later score for this user and line item."""
    return isinstance(exc, LtiServiceException) and exc.response.status_code == 409


def run_batch(batch: int = 20, lease: timedelta = LEASE,
              sender: Callable[[LtiScore], None] = send_score) -> BatchResult:
    """Claim, send and settle one batch. Each row's outcome is committed as soon as it is known."""
    token, ids = claim(batch, lease)
    sent = failed = 0
    for row_id in ids:
        row = db.session.get(LtiScore, row_id)
        if row is None or row.lease_token != token or row.sent_at is not None:
            continue
        try:
            sender(row)
        except (LtiException, requests.RequestException, OSError, ValueError) as exc:
            if _superseded(exc):
                row.sent_at, row.last_error = utcnow(), "The platform kept a later score (409)."
                sent += 1
            else:
                row.tries += 1
                row.last_error = _error_text(exc)
                row.next_attempt_at = utcnow() + backoff(row.tries)
                failed += 1
        else:
            row.sent_at, row.last_error = utcnow(), None
            row.tries += 1
            sent += 1
        row.lease_until, row.lease_token = None, None
        db.session.commit()
    return BatchResult(len(ids), sent, failed)


def pending_count() -> int:
    return int(db.session.execute(select(func.count(LtiScore.id)).where(LtiScore.sent_at.is_(None))).scalar_one())


def run_worker(batch: int, interval: float, once: bool, lease: timedelta = LEASE,
               log: Callable[[str], None] = print) -> None:
    """Send scores until stopped (or, with ``once``, until nothing is due). Safe to run on several hosts."""
    purged_at: float | None = None
    while True:
        result = run_batch(batch, lease)
        if result.claimed:
            log(f"claimed {result.claimed}, sent {result.sent}, failed {result.failed}")
        db.session.remove()
        if result.claimed < batch:
            if purged_at is None or time.monotonic() - purged_at > PURGE_EVERY:
                DatabaseCache().purge_expired()  # spent nonces and states of old launches
                db.session.remove()
                purged_at = time.monotonic()
            if once:
                return
            time.sleep(interval)  # a poll: nothing is due; new rows arrive from other processes
