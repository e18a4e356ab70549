"""An assignment's gradebook and item analysis, gathered from its attempts."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.csv_safety import safe_row
from ..core.item_analysis import AttemptMarks, ItemStats, QuizStats, canonical_parts, item_statistics, option_counts
from ..core.responses.matching import Matching
from ..core.responses.multiple import MultipleChoice
from ..core.responses.registry import manually_graded, response_text, type_of
from ..extensions import db
from ..models import Answer, Assignment, AttemptQuestion, QuizAttempt
from .grading import awaiting_mark


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
    user_id: int = 0


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


def attempts_of(assignment: Assignment) -> list[QuizAttempt]:
    """Every attempt at the assignment, the earliest first, with its learner, questions, answers and marks (one
    load; a page that shows several reports passes it to each)."""
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id)
        .options(selectinload(QuizAttempt.user),
                 selectinload(QuizAttempt.questions).selectinload(AttemptQuestion.answer)
                 .selectinload(Answer.essay_grade))
        .order_by(QuizAttempt.started_at)).scalars())


def learners_attempts(attempts: Sequence[QuizAttempt]) -> list[QuizAttempt]:
    """Every learner's attempts, the earliest first, for the assignment page's list of attempts."""
    return [attempt for attempt in attempts if attempt.user is not None]


def essays_awaiting(attempts: Sequence[QuizAttempt]) -> int | None:
    """How many essay answers of the finished attempts await a mark; None when they hold no essay answer at all
    (the assignment page then offers no grading link)."""
    essays = [t for a in attempts if a.finished_at is not None for t in a.questions
              if t.answer is not None and manually_graded(t.data)]
    return sum(1 for t in essays if t.answer is not None and t.answer.essay_grade is None) if essays else None


def gradebook(assignment: Assignment, attempts: Sequence[QuizAttempt] | None = None) -> list[LearnerRow]:
    """One row per learner: attempts, best and last finished score (percent), time of the last."""
    rows: dict[int, LearnerRow] = {}
    for attempt in attempts_of(assignment) if attempts is None else attempts:
        user = attempt.user
        if user is None:  # guests cannot take assignments; nothing to list
            continue
        row = rows.setdefault(user.id, LearnerRow(user.display_name, user.username, user_id=user.id))
        row.attempts += 1
        if attempt.finished_at is not None:
            row.finished += 1
            row.best = attempt.percent if row.best is None else max(row.best, attempt.percent)
            row.last, row.last_seconds = attempt.percent, attempt.seconds_taken
            row.awaiting += sum(1 for t in attempt.questions if awaiting_mark(t))
    return sorted(rows.values(), key=lambda r: r.name.casefold())


def _last_responses(attempts: Sequence[QuizAttempt]) -> tuple[dict[str, str], dict[int, dict[str, str]]]:
    """Question key -> heading (in the order first drawn), and per learner their last finished attempt's
    responses with the mark, as Moodle's responses report lists them."""
    headings: dict[str, str] = {}
    last: dict[int, dict[str, str]] = {}
    for attempt in attempts:
        if attempt.user is None or attempt.finished_at is None:
            continue
        cells: dict[str, str] = {}
        for target in attempt.questions:
            key = question_key(target.data)
            headings.setdefault(key, f"Q{len(headings) + 1}: {_plain(target.data.get('prompt', ''))}")
            answer = target.answer
            if answer is None:
                cells[key] = "(no answer)"
            else:
                mark = "awaiting grading" if awaiting_mark(target) else f"{answer.score:g}"
                cells[key] = f"{response_text(target.data, answer.response)} [{mark}]"
        last[attempt.user.id] = cells  # attempts come earliest first, so the last finished one stays
    return headings, last


def _plain(prompt: str, limit: int = 80) -> str:
    """A prompt as one short line of text for a column heading (markup dropped)."""
    # Markup only to strip the tags: the result is plain text for a CSV cell, never rendered as HTML.
    text = " ".join(Markup(prompt).striptags().split())  # noqa: S704
    return text if len(text) <= limit else text[:limit - 1] + "…"


def gradebook_csv(assignment: Assignment) -> str:
    """The gradebook as CSV: attempts, one column per question (the last finished attempt's response and its
    mark, out of 1), then the totals (kept last: the essays queue reads its column there). Cells a spreadsheet
    would run as formulas are neutralised (core.csv_safety)."""
    out = io.StringIO()
    writer = csv.writer(out)
    attempts = attempts_of(assignment)
    headings, responses = _last_responses(attempts)
    writer.writerow(safe_row(["display name", "username", "attempts", "finished", *headings.values(), "best %",
                              "last %", "last time (s)", "essays awaiting grading"]))
    for row in gradebook(assignment, attempts):
        cells = responses.get(row.user_id, {})
        writer.writerow(safe_row([row.name, row.username, row.attempts, row.finished,
                                  *(cells.get(key, "") for key in headings),
                                  "" if row.best is None else f"{row.best:.1f}",
                                  "" if row.last is None else f"{row.last:.1f}",
                                  "" if row.last_seconds is None else row.last_seconds, row.awaiting]))
    return out.getvalue()


def counted_response(target: AttemptQuestion) -> str:
    """A response in words, the same for the same content whatever order the options were shown or ticked in:
    a multiple-answer response lists its ticked options, a matching one its pairs, in canonical order."""
    assert target.answer is not None
    data, response = target.data, target.answer.response
    kind = type_of(data)
    if isinstance(kind, MultipleChoice):
        choice_key = kind.key(data)
        return "; ".join(canonical_parts(choice_key.options[i] for i in kind.picks(choice_key, response)))
    if isinstance(kind, Matching):
        match_key = kind.key(data)
        return "; ".join(canonical_parts(f"{item} → {match_key.choices[pick]}" for item, pick
                                         in zip(match_key.items, kind.picks(match_key, response), strict=True)))
    return response_text(data, response)


def item_analysis(assignment: Assignment, attempts: Sequence[QuizAttempt] | None = None,
                  ) -> tuple[QuizStats, list[ItemReport]]:
    """Moodle's statistics over every finished attempt, each question worth one mark."""
    marks: list[AttemptMarks] = []
    prompts: dict[str, tuple[str, str]] = {}
    chosen: dict[str, list[str]] = defaultdict(list)
    for attempt in attempts_of(assignment) if attempts is None else attempts:
        if attempt.finished_at is None:
            continue
        per_question: dict[str, float] = {}
        for target in attempt.questions:
            if awaiting_mark(target):  # an ungraded essay has no facility yet
                continue
            key = question_key(target.data)
            prompts.setdefault(key, (target.data["prompt"], target.kind))
            per_question[key] = target.answer.score if target.answer else 0.0
            chosen[key].append("(no answer)" if target.answer is None else counted_response(target))
        marks.append(AttemptMarks(attempt.id, per_question))
    quiz, items = item_statistics(marks, {key: 1.0 for key in prompts})
    reports = [ItemReport(stats, *prompts[stats.key], options=option_counts(chosen[stats.key]).most_common())
               for stats in items]
    return quiz, reports
