"""An assignment's gradebook and item analysis, gathered from its attempts."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.csv_safety import safe_row
from ..core.item_analysis import AttemptMarks, ItemStats, QuizStats, item_statistics, option_counts
from ..core.responses.registry import manually_graded, response_text
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, QuizAttempt


@dataclass
class LearnerRow:
    name: str
    username: str
    attempts: int = 0
    best: float | None = None
    last: float | None = None
    last_seconds: int | None = None
    finished: int = 0
    awaiting: int = 0  # essay answers of finished attempts not graded yet (their scores are provisional)


@dataclass
class ItemReport:
    stats: ItemStats
    prompt: str
    kind: str
    options: list[tuple[str, int]] = field(default_factory=list)  # (response in words, how many)


def question_key(data: dict[str, Any]) -> str:
    """A stored question's identity: the imported key, or a hash of a generated question's prompt and key."""
    if "qkey" in data:
        return data["qkey"]
    basis = f"{data['kind']}\n{data['prompt']}\n{data.get('answer')}\n{data.get('pairs')}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _attempts(assignment: Assignment) -> list[QuizAttempt]:
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id)
        .options(selectinload(QuizAttempt.user),
                 selectinload(QuizAttempt.questions).selectinload(AttemptQuestion.answer)
                 .selectinload(Answer.essay_grade))
        .order_by(QuizAttempt.started_at)).scalars())


def _awaiting(target: AttemptQuestion) -> bool:
    """An essay answer without a mark yet: provisional in the gradebook, left out of the item analysis."""
    return target.answer is not None and target.answer.essay_grade is None and manually_graded(target.data)


def gradebook(assignment: Assignment) -> list[LearnerRow]:
    """One row per learner: attempts, best and last finished score (percent), time of the last."""
    rows: dict[int, LearnerRow] = {}
    for attempt in _attempts(assignment):
        user = attempt.user
        if user is None:  # guests cannot take assignments; nothing to list
            continue
        row = rows.setdefault(user.id, LearnerRow(user.display_name, user.username))
        row.attempts += 1
        if attempt.finished_at is not None:
            row.finished += 1
            row.best = attempt.percent if row.best is None else max(row.best, attempt.percent)
            row.last, row.last_seconds = attempt.percent, attempt.seconds_taken
            row.awaiting += sum(1 for t in attempt.questions if _awaiting(t))
    return sorted(rows.values(), key=lambda r: r.name.casefold())


def gradebook_csv(assignment: Assignment) -> str:
    """The gradebook as CSV; names a spreadsheet would run as formulas are neutralised (core.csv_safety)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["display name", "username", "attempts", "finished", "best %", "last %", "last time (s)",
                     "essays awaiting grading"])
    for row in gradebook(assignment):
        writer.writerow(safe_row([row.name, row.username, row.attempts, row.finished,
                                  "" if row.best is None else f"{row.best:.1f}",
                                  "" if row.last is None else f"{row.last:.1f}",
                                  "" if row.last_seconds is None else row.last_seconds, row.awaiting]))
    return out.getvalue()


def item_analysis(assignment: Assignment) -> tuple[QuizStats, list[ItemReport]]:
    """Moodle's statistics over every finished attempt, each question worth one mark."""
    marks: list[AttemptMarks] = []
    prompts: dict[str, tuple[str, str]] = {}
    chosen: dict[str, list[str]] = defaultdict(list)
    for attempt in _attempts(assignment):
        if attempt.finished_at is None:
            continue
        per_question: dict[str, float] = {}
        for target in attempt.questions:
            if _awaiting(target):  # an ungraded essay has no facility yet
                continue
            key = question_key(target.data)
            prompts.setdefault(key, (target.data["prompt"], target.kind))
            per_question[key] = target.answer.score if target.answer else 0.0
            answer = "(no answer)" if target.answer is None else response_text(target.data, target.answer.response)
            chosen[key].append(answer)
        marks.append(AttemptMarks(attempt.id, per_question))
    quiz, items = item_statistics(marks, {key: 1.0 for key in prompts})
    reports = [ItemReport(stats, *prompts[stats.key], options=option_counts(chosen[stats.key]).most_common())
               for stats in items]
    return quiz, reports
