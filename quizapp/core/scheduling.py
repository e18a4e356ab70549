"""Spaced-repetition scheduling: FSRS-6 (via the ``fsrs`` package) plus Anki's study day, limits and queues.

Pure: no Flask, no database. Datetimes in and out are tz-aware UTC (naive ones are taken as UTC, because
SQLite drops tzinfo). ``fsrs`` does the algorithm; this module only adds what it lacks:

* a "new" state (a card without a :class:`CardProgress` is new), reps and lapses;
* the study day (Anki's rollover hour in the learner's time zone), daily new/review limits and the queue.

Determinism: with ``enable_fuzzing=False`` every function is a function of its arguments. With fuzzing on,
``fsrs`` draws review-interval fuzz from the module-level ``random.random()``, which cannot be seeded per
call; :func:`preview_intervals` therefore always shows the un-fuzzed interval.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

LEARNING, REVIEW, RELEARNING = int(State.Learning), int(State.Review), int(State.Relearning)
AGAIN, HARD, GOOD, EASY = int(Rating.Again), int(Rating.Hard), int(Rating.Good), int(Rating.Easy)
RATINGS = (AGAIN, HARD, GOOD, EASY)
# FSRS's desired retention: the chance of recalling a card when it comes due. Higher means shorter intervals and
# more reviews; the bounds are those Anki's FSRS options recommend (0.70-0.97).
MIN_DESIRED_RETENTION, MAX_DESIRED_RETENTION, DEFAULT_DESIRED_RETENTION = 0.70, 0.97, 0.90


@dataclass(frozen=True)
class SchedulerSettings:
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    rollover_hour: int = 4  # the study day starts at this hour in the user's time zone (as Anki)
    timezone: str = "UTC"  # IANA name, via zoneinfo
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    enable_fuzzing: bool = True  # tests pass False
    learn_ahead: timedelta = timedelta(minutes=20)  # learning cards may be shown this early (Anki)

    def __post_init__(self) -> None:
        if not 0 <= self.rollover_hour <= 23:
            raise ValueError(f"rollover_hour must be 0..23, got {self.rollover_hour}")
        if not MIN_DESIRED_RETENTION <= self.desired_retention <= MAX_DESIRED_RETENTION:
            raise ValueError(f"desired_retention must be {MIN_DESIRED_RETENTION:.2f} to {MAX_DESIRED_RETENTION:.2f}, "
                             f"got {self.desired_retention}")
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            raise ValueError("daily limits cannot be negative")
        if any(step <= timedelta(0) for step in (*self.learning_steps, *self.relearning_steps)):
            raise ValueError("learning and relearning steps must be positive")
        if self.learn_ahead < timedelta(0):
            raise ValueError("learn_ahead cannot be negative")
        ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError for an unknown name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """Anki-style steps, e.g. "1m 10m" or "30s 1h 1d"; raises ValueError naming a bad step."""
    steps = []
    for token in text.split():
        number, unit = token[:-1], token[-1:].lower()
        if unit not in _STEP_UNITS or not number.replace(".", "", 1).isdigit() or float(number) <= 0:
            raise ValueError(f"'{token}' is not a step like 30s, 10m, 2h or 1d")
        steps.append(timedelta(seconds=float(number) * _STEP_UNITS[unit]))
    return tuple(steps)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC with ``tzinfo is timezone.utc`` (what fsrs insists on); naive means UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


@dataclass(frozen=True)
class CardProgress:
    """A learner's schedule for one card, as stored in the database (all datetimes UTC, tz-aware)."""

    card_id: str
    state: int  # fsrs.State value: 1 Learning, 2 Review, 3 Relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (ISO 8601 UTC datetimes), e.g. for the review log's "state before/after"."""
        return {
            "card_id": self.card_id,
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": _iso(self.due),
            "last_review": _iso(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CardProgress:
        """Inverse of :meth:`to_dict` (e.g. to restore the state before a rating on undo)."""
        return cls(
            card_id=str(data["card_id"]),
            state=int(data["state"]),
            step=None if data.get("step") is None else int(data["step"]),
            stability=None if data.get("stability") is None else float(data["stability"]),
            difficulty=None if data.get("difficulty") is None else float(data["difficulty"]),
            due=as_utc(datetime.fromisoformat(data["due"])),
            last_review=as_utc(datetime.fromisoformat(data["last_review"])) if data.get("last_review") else None,
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )

    @property
    def is_learning(self) -> bool:
        """In (re)learning steps."""
        return self.state in (LEARNING, RELEARNING)

    @property
    def interval(self) -> timedelta | None:
        """The scheduled interval (due - last review); None before the first review."""
        return None if self.last_review is None else self.due - self.last_review


@dataclass(frozen=True)
class ReviewOutcome:
    progress: CardProgress  # the state after
    before: CardProgress | None  # None for a new card
    rating: int
    reviewed_at: datetime
    duration_ms: int | None


@lru_cache(maxsize=32)
def _scheduler(
    desired_retention: float,
    learning_steps: tuple[timedelta, ...],
    relearning_steps: tuple[timedelta, ...],
    enable_fuzzing: bool,
) -> Scheduler:
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=learning_steps,
        relearning_steps=relearning_steps,
        enable_fuzzing=enable_fuzzing,
    )


def _scheduler_for(settings: SchedulerSettings, *, fuzz: bool | None = None) -> Scheduler:
    return _scheduler(
        settings.desired_retention,
        settings.learning_steps,
        settings.relearning_steps,
        settings.enable_fuzzing if fuzz is None else fuzz,
    )


def _fsrs_id(card_id: str) -> int:
    """A stable integer for fsrs (``Card()`` without one reads the clock and sleeps 1 ms)."""
    return zlib.crc32(card_id.encode("utf-8"))


def _to_fsrs(progress: CardProgress | None, card_id: str, now: datetime) -> Card:
    if progress is None:
        return Card(card_id=_fsrs_id(card_id), state=State.Learning, step=0, due=now)
    return Card(
        card_id=_fsrs_id(card_id),
        state=State(progress.state),
        step=progress.step,
        stability=progress.stability,
        difficulty=progress.difficulty,
        due=as_utc(progress.due),
        last_review=as_utc(progress.last_review) if progress.last_review is not None else None,
    )


def _check_rating(rating: int) -> Rating:
    if isinstance(rating, bool) or rating not in RATINGS:
        raise ValueError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}")
    return Rating(rating)


def review(
    progress: CardProgress | None,
    card_id: str,
    rating: int,
    now: datetime,
    settings: SchedulerSettings,
    duration_ms: int | None = None,
) -> ReviewOutcome:
    """Rate a card at ``now``; ``progress`` None means a new card (its first rating). Inputs are not changed.

    Lapses count "Again" on a card that was in Review state (as Anki); reps count every rating.
    """
    fsrs_rating = _check_rating(rating)
    if progress is not None and progress.card_id != card_id:
        raise ValueError(f"progress is for card {progress.card_id!r}, not {card_id!r}")
    now = as_utc(now)
    card, _log = _scheduler_for(settings).review_card(
        _to_fsrs(progress, card_id, now), fsrs_rating, review_datetime=now, review_duration=duration_ms
    )
    reps = progress.reps if progress else 0
    lapses = progress.lapses if progress else 0
    if progress is not None and progress.state == REVIEW and fsrs_rating == Rating.Again:
        lapses += 1
    after = CardProgress(
        card_id=card_id,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=as_utc(card.due),
        last_review=as_utc(card.last_review) if card.last_review else now,
        reps=reps + 1,
        lapses=lapses,
    )
    return ReviewOutcome(progress=after, before=progress, rating=int(fsrs_rating), reviewed_at=now,
                         duration_ms=duration_ms)


def preview_intervals(
    progress: CardProgress | None, now: datetime, settings: SchedulerSettings
) -> dict[int, timedelta]:
    """Rating (1..4) -> time from ``now`` until the card would be due; changes nothing; never fuzzed."""
    if progress is None:
        return dict(_new_card_intervals(settings))
    return _intervals(progress, as_utc(now), settings)


@lru_cache(maxsize=32)
def _new_card_intervals(settings: SchedulerSettings) -> tuple[tuple[int, timedelta], ...]:
    """A new card's intervals, worked out once per settings, so a new card's review page does not run the
    scheduler: they do not depend on the moment (fsrs adds a learning step, or whole days from the initial
    stability, to it)."""
    return tuple(_intervals(None, datetime(2000, 1, 1, tzinfo=UTC), settings).items())


def _intervals(progress: CardProgress | None, now: datetime, settings: SchedulerSettings) -> dict[int, timedelta]:
    scheduler = _scheduler_for(settings, fuzz=False)
    card_id = progress.card_id if progress else ""
    card = _to_fsrs(progress, card_id, now)
    return {r: scheduler.review_card(card, Rating(r), review_datetime=now)[0].due - now for r in RATINGS}


_UNITS: tuple[tuple[str, float, float | None], ...] = (
    # suffix, seconds per unit, exclusive upper bound in this unit (after rounding) before the next unit
    ("m", 60, 60),
    ("h", 3600, 24),
    ("d", 86400, 30),
    ("mo", 86400 * 365 / 12, 12),
    ("y", 86400 * 365, None),
)


def format_interval(delta: timedelta) -> str:
    """Anki-style answer-button text: "<1m", "10m", "1h", "2d", "3.5mo", "1.2y"."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    for suffix, per_unit, limit in _UNITS:
        amount = seconds / per_unit
        if suffix in ("mo", "y"):
            amount = round(amount, 1)
            if limit is None or amount < limit:
                return f"{amount:.1f}".removesuffix(".0") + suffix
        else:
            amount = round(amount)
            if limit is None or amount < limit:
                return f"{amount}{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def study_date(moment: datetime, settings: SchedulerSettings) -> date:
    """The study day ``moment`` belongs to, named by the local date on which it starts.

    Wall-clock arithmetic in the learner's zone: local 03:59 with rollover 4 belongs to the previous date.
    """
    local = as_utc(moment).astimezone(settings.tz)
    return (local - timedelta(hours=settings.rollover_hour)).date()


def day_start(day: date, settings: SchedulerSettings) -> datetime:
    """UTC instant at which study day ``day`` starts (``rollover_hour`` local; days are 23 h or 25 h at DST)."""
    return datetime.combine(day, time(settings.rollover_hour), tzinfo=settings.tz).astimezone(UTC)


def study_day_start(now: datetime, settings: SchedulerSettings) -> datetime:
    """UTC start of the learner's current study day (``rollover_hour`` in their time zone; DST-safe)."""
    return day_start(study_date(now, settings), settings)


def next_day_start(now: datetime, settings: SchedulerSettings) -> datetime:
    """UTC start of the learner's next study day."""
    return day_start(study_date(now, settings) + timedelta(days=1), settings)


@dataclass(frozen=True)
class Queue:
    """What to study now. ``learning_due_now`` of the ``learning`` ids (a prefix) are due already; the rest
    are only within the learn-ahead window.

    Order (as Anki): (re)learning cards that are due, then reviews, then new cards, then learning cards
    early (learn ahead) only when nothing else is left, so a card just answered is not shown straight away.
    """

    learning: tuple[str, ...]  # (re)learning ids due by now + learn_ahead, earliest first
    review: tuple[str, ...]  # Review-state ids due before the next day start, capped by the review limit
    new: tuple[str, ...]  # never-seen ids in deck order, capped by the new limit
    learning_due_now: int = 0

    def next_card(self, avoid: str | None = None) -> str | None:
        """The next card id, or None when done. ``avoid`` (e.g. the card just answered) is skipped unless it is
        the only card left."""
        ordered = (
            *self.learning[: self.learning_due_now],
            *self.review,
            *self.new,
            *self.learning[self.learning_due_now :],
        )
        for card_id in ordered:
            if card_id != avoid:
                return card_id
        return ordered[0] if ordered else None

    @property
    def counts(self) -> tuple[int, int, int]:
        """(new, learning, review), as Anki's "Show Answer" bar."""
        return len(self.new), len(self.learning), len(self.review)

    @property
    def is_empty(self) -> bool:
        return not (self.learning or self.review or self.new)


def build_queue(
    deck_card_ids: Sequence[str],
    progress: Mapping[str, CardProgress],
    now: datetime,
    settings: SchedulerSettings,
    new_done_today: int,
    reviews_done_today: int,
) -> Queue:
    """Today's queue for one deck. ``progress`` may hold other decks' cards; only ``deck_card_ids`` count.

    Limits: new cards ``max(0, new_per_day - new_done_today)``; reviews ``max(0, reviews_per_day -
    reviews_done_today)``. Intraday learning cards are not limited (as Anki). Ties are broken by deck order.
    """
    now = as_utc(now)
    ids = list(dict.fromkeys(deck_card_ids))  # deck order, duplicates dropped
    ahead_cutoff = now + settings.learn_ahead
    day_end = next_day_start(now, settings)
    learning: list[tuple[datetime, int, str]] = []
    reviews: list[tuple[datetime, int, str]] = []
    # Comprehensions over the deck, a loop over its scheduled cards only: the review page and the rating build
    # this queue of a whole deck on every request.
    new = [card_id for card_id in ids if card_id not in progress]
    for position, card_id in [(i, card_id) for i, card_id in enumerate(ids) if card_id in progress]:
        p = progress[card_id]
        due = as_utc(p.due)
        if p.is_learning and due <= ahead_cutoff:
            learning.append((due, position, card_id))
        elif p.state == REVIEW and due < day_end:
            reviews.append((due, position, card_id))
    learning.sort()
    reviews.sort()
    new_left = max(0, settings.new_per_day - max(0, new_done_today))
    reviews_left = max(0, settings.reviews_per_day - max(0, reviews_done_today))
    return Queue(
        learning=tuple(c for _, _, c in learning),
        review=tuple(c for _, _, c in reviews[:reviews_left]),
        new=tuple(new[:new_left]),
        learning_due_now=sum(1 for due, _, _ in learning if due <= now),
    )


def next_due(progress: Iterable[CardProgress]) -> datetime | None:
    """The earliest due among the given (e.g. "next card due at ..." when the queue is empty)."""
    return min((as_utc(p.due) for p in progress), default=None)
