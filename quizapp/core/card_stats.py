"""Flashcard statistics (Anki-like): due forecast, reviews per day, true retention, card counts.

Pure: the web layer fetches plain rows with SQL and passes them in. Days are *study days* (they start at
``settings.rollover_hour`` in the learner's time zone) and are named by the local date on which they start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from quizapp.core.scheduling import AGAIN, REVIEW, CardProgress, SchedulerSettings, study_date

MATURE_DAYS = 21  # Anki: a review card is "mature" once its interval is at least 21 days


def _day_range(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(max(0, days))]


def due_forecast(
    dues: Iterable[datetime], now: datetime, settings: SchedulerSettings, days: int = 30
) -> list[tuple[date, int]]:
    """Cards due per study day for ``days`` days from today; overdue cards count for today, later ones are
    left out."""
    today = study_date(now, settings)
    counts = Counter(max(study_date(due, settings), today) for due in dues)
    return [(day, counts[day]) for day in _day_range(today, days)]


def reviews_per_day(
    review_times: Iterable[datetime], now: datetime, settings: SchedulerSettings, days: int = 30
) -> list[tuple[date, int]]:
    """Reviews per study day over the last ``days`` study days (today included), oldest first, zeros included."""
    today = study_date(now, settings)
    counts = Counter(study_date(moment, settings) for moment in review_times)
    return [(day, counts[day]) for day in _day_range(today - timedelta(days=days - 1), days)]


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def true_retention_by_week(
    reviews: Iterable[tuple[datetime, int, int | None]], now: datetime, settings: SchedulerSettings, weeks: int = 8
) -> list[tuple[date, int, int]]:
    """Per week (Monday to Sunday study days), oldest first, the last ``weeks`` weeks (this one included):
    ``(week start, passed, total)``.

    ``reviews`` are ``(reviewed_at, rating, state_before)``. Only reviews of cards that were in Review state
    before count (not new or (re)learning ones); a pass is any rating but Again.
    """
    this_week = week_start(study_date(now, settings))
    passed: Counter[date] = Counter()
    total: Counter[date] = Counter()
    for reviewed_at, rating, state_before in reviews:
        if state_before != REVIEW:
            continue
        week = week_start(study_date(reviewed_at, settings))
        total[week] += 1
        if rating != AGAIN:
            passed[week] += 1
    starts = [this_week - timedelta(weeks=weeks - 1 - i) for i in range(max(0, weeks))]
    return [(week, passed[week], total[week]) for week in starts]


def retention_percent(passed: int, total: int) -> float | None:
    """``passed / total`` as a percentage, None when there is nothing to measure."""
    return 100.0 * passed / total if total else None


def card_counts(progress: Iterable[CardProgress], total_cards: int) -> dict[str, int]:
    """``{"new", "learning", "young", "mature"}`` card counts.

    Learning includes relearning; young/mature split Review cards at a scheduled interval (due - last review)
    of 21 days; new is ``total_cards`` minus the cards seen (never negative).
    """
    counts = {"new": 0, "learning": 0, "young": 0, "mature": 0}
    seen = 0
    mature = timedelta(days=MATURE_DAYS)
    for p in progress:
        seen += 1
        if p.state == REVIEW:
            interval = p.interval
            counts["mature" if interval is not None and interval >= mature else "young"] += 1
        else:
            counts["learning"] += 1
    counts["new"] = max(0, total_cards - seen)
    return counts
