"""Flashcard review: queues, ratings, undo and summaries over the database. FSRS itself is in core.scheduling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple, cast, overload

from sqlalchemy import (
    ColumnElement,
    Insert,
    Row,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from ..banks import BankRef, fact_bank
from ..core.cards import Flashcard, derive_cards, interleaved
from ..core.scheduling import (
    CardProgress,
    Queue,
    ReviewOutcome,
    SchedulerSettings,
    build_queue,
    parse_steps,
    review,
    study_day_start,
)
from ..extensions import db
from ..models import Bank, CardState, ReviewLog, User
from ..owner import Owner, owned_by

REVIEW_STATE = 2
MAX_ANSWER_MS = 60_000  # as Anki's "maximum answer seconds": a card left open longer counts as 60 s


class ReviewConflict(Exception):
    """The rating does not fit the queue (the card was already rated, or is not due)."""


_deck_cache: dict[str, tuple[Flashcard, ...]] = {}


def deck_cards(row: Bank | BankRef) -> tuple[Flashcard, ...]:
    """Every card of a bank, derived once per bank version (keyed by content hash, like the parsed bank)."""
    cards = _deck_cache.get(row.content_hash)
    if cards is None:
        if len(_deck_cache) >= 32:
            _deck_cache.clear()
        cards = _deck_cache[row.content_hash] = tuple(derive_cards(fact_bank(row)))
    return cards


_order_cache: dict[tuple[str, tuple[str, ...], str], Mapping[str, Flashcard]] = {}
ORDER_CACHE_SIZE = 1024  # learners' deck orders kept per process (about 5 KB each for a 106-card deck)


def cards_in_order(bank: Bank | BankRef, topics: Sequence[str], learner: str) -> Mapping[str, Flashcard]:
    """The chosen sub-decks' cards in this learner's interleaved new-card order, by id.

    The order is pure (the bank version, the topics and the learner fix it), so it is kept per process: shuffling
    the deck again was a tenth of the review page's time. The mapping is shared; nothing may change it.
    """
    key = (bank.content_hash, tuple(topics), learner)
    cards = _order_cache.get(key)
    if cards is None:
        if len(_order_cache) >= ORDER_CACHE_SIZE:
            _order_cache.clear()
        chosen = [c for c in deck_cards(bank) if not topics or c.topic in topics]
        cards = _order_cache[key] = MappingProxyType({c.id: c for c in interleaved(chosen, learner)})
    return cards


def settings_for(user: User | None) -> SchedulerSettings:
    if user is None:
        return SchedulerSettings()
    return SchedulerSettings(new_per_day=user.new_per_day, reviews_per_day=user.reviews_per_day,
                             rollover_hour=user.rollover_hour, timezone=user.timezone,
                             learning_steps=parse_steps(user.learning_steps),
                             relearning_steps=parse_steps(user.relearning_steps),
                             desired_retention=user.desired_retention)


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@overload
def _naive(value: datetime) -> datetime: ...
@overload
def _naive(value: None) -> None: ...
def _naive(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None


def to_progress(row: CardState | Row[Any]) -> CardProgress:
    """A card state (an ORM object, or a row of its columns) as the scheduler's progress."""
    return CardProgress(card_id=row.card_id, state=row.state, step=row.step, stability=row.stability,
                        difficulty=row.difficulty, due=_aware(row.due), last_review=_aware(row.last_review),
                        reps=row.reps, lapses=row.lapses)


def _schedule_columns(progress: CardProgress) -> dict[str, Any]:
    """A card state's schedule columns for ``progress`` (naive UTC times, as stored)."""
    return {"state": progress.state, "step": progress.step, "stability": progress.stability,
            "difficulty": progress.difficulty, "due": _naive(progress.due), "last_review": _naive(progress.last_review),
            "reps": progress.reps, "lapses": progress.lapses}


def _apply(row: CardState, progress: CardProgress) -> None:
    for name, value in _schedule_columns(progress).items():
        setattr(row, name, value)


# The review page's statements, built once per kind of owner (user or guest) and run with parameters. The
# card states are read and written through Core on the tables: loading ORM objects cost about 25 Python calls
# a card, and the ORM's unit of work (flush, identity map) was half of the rating POST's time.
_CARD_STATES, _REVIEW_LOGS = cast(Table, CardState.__table__), cast(Table, ReviewLog.__table__)


@cache
def _state_update(by_user: bool) -> Update:
    return update(_CARD_STATES).where(owned_by(_CARD_STATES.c, by_user), _CARD_STATES.c.card_id == bindparam("card"))


@cache
def _state_insert() -> Insert:
    return insert(_CARD_STATES)


@cache
def _log_insert() -> Insert:
    return insert(_REVIEW_LOGS)


def _deck_logs_since(by_user: bool) -> tuple[ColumnElement[bool], ...]:
    """The owner's review log of one deck from a moment on (parameters ``owner``, ``bank``, ``since``).

    On the table's columns, not the ORM class's: a statement naming an ORM entity runs through the ORM's
    execution path (about 50 Python calls more a statement) even when it only counts.
    """
    c = _REVIEW_LOGS.c
    return owned_by(c, by_user), c.bank_id == bindparam("bank"), c.reviewed_at >= bindparam("since")


@cache
def _deck_state_query(by_user: bool) -> Select[Any]:
    """:class:`LogCounts` from the deck's log since ``since`` (the earlier of ``day`` and ``session``), with the
    deck's card states (the columns :func:`to_progress` reads) joined to that one row.

    The counts are a subquery of aggregates without GROUP BY, so exactly one row; the states are outer-joined to
    it, so each state's row carries the counts (counted once, before the join) and a learner without any state
    still gets that row, its state columns NULL.
    """
    logs, c = _REVIEW_LOGS.c, _CARD_STATES.c
    state = logs.state_before["state"].as_integer()
    today = logs.reviewed_at >= bindparam("day")
    counts = select(func.count().filter(today, state.is_(None)).label("new_today"),
                    func.count().filter(today, state == REVIEW_STATE).label("reviews_today"),
                    func.count().filter(logs.reviewed_at >= bindparam("session")).label("rated_since")
                    ).where(*_deck_logs_since(by_user)).subquery("counts")
    states = and_(owned_by(c, by_user), c.bank_id == bindparam("bank"))
    return select(counts, c.card_id, c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.reps,
                  c.lapses).select_from(counts.outerjoin(_CARD_STATES, states))


@cache
def _summary_query(by_user: bool) -> Select[int, int, int | None]:
    c = _REVIEW_LOGS.c
    return select(func.count(), func.count().filter(c.rating == 1), func.sum(c.duration_ms)).where(
        *_deck_logs_since(by_user))


def _params(owner: Owner, **values: Any) -> dict[str, Any]:
    return {"owner": owner.key, **values}


class LogCounts(NamedTuple):
    """What the queue and the review page need from the deck's review log."""

    new_today: int  # new cards introduced since the study day began (for the new-card limit)
    reviews_today: int  # review-state cards reviewed since then (for the review limit)
    rated_since: int  # ratings since the review session began (the undo button); 0 without a session


class DeckState(NamedTuple):
    """What the database holds of one learner's deck: the log's counts and the card states."""

    logged: LogCounts
    progress: dict[str, CardProgress]


def deck_state(owner: Owner, bank: Bank | BankRef, now: datetime, settings: SchedulerSettings,
               session_start: datetime | None = None) -> DeckState:
    """The deck's card states, the day's counts for the limits and, given ``session_start``, the session's
    ratings: one statement (two cost the review page and the rating about 100 Python calls more).

    Counted by the database, reading the state out of the JSON: no log row, and no JSON, comes back to Python. A
    new card's ``state_before`` is JSON null (or SQL NULL), whose state is NULL.
    """
    day = _naive(study_day_start(now, settings))
    session = _naive(session_start) if session_start is not None else day
    rows = db.session.execute(_deck_state_query(owner.by_user), _params(
        owner, bank=bank.id, day=day, session=session, since=min(day, session))).all()
    counts = rows[0]
    logged = LogCounts(counts.new_today, counts.reviews_today, counts.rated_since if session_start is not None else 0)
    return DeckState(logged, {row.card_id: to_progress(row) for row in rows if row.card_id is not None})


@dataclass(frozen=True)
class Deck:
    """A bank's cards narrowed to the chosen topics, with the learner's queue."""

    bank: Bank | BankRef
    cards: Mapping[str, Flashcard]
    progress: dict[str, CardProgress]
    queue: Queue
    settings: SchedulerSettings
    logged: LogCounts

    @property
    def current(self) -> Flashcard | None:
        card_id = self.queue.next_card()
        return self.cards[card_id] if card_id else None


def learner_key(owner: Owner) -> str:
    """Who the new-card order is for: an account, or a guest's session token (shared by token-less guests)."""
    if owner.user_id is not None:
        return f"user:{owner.user_id}"
    return f"guest:{owner.guest_token or ''}"


def load_deck(owner: Owner, bank: Bank | BankRef, topics: Sequence[str], user: User | None, now: datetime,
              session_start: datetime | None = None) -> Deck:
    """The chosen sub-decks with the learner's queue; new cards come in the learner's interleaved order.

    With ``session_start``, ``logged.rated_since`` counts the ratings of the review session (counted with the
    day's, in the same statement).
    """
    settings = settings_for(user)
    cards = cards_in_order(bank, topics, learner_key(owner))
    logged, progress = deck_state(owner, bank, now, settings, session_start)
    queue = build_queue(list(cards), {k: v for k, v in progress.items() if k in cards}, now, settings,
                        logged.new_today, logged.reviews_today)
    return Deck(bank, cards, progress, queue, settings, logged)


def rate(owner: Owner, deck: Deck, card_id: str, rating: int, now: datetime,
         duration_ms: int | None) -> ReviewOutcome:
    """Rate the card at the head of the queue; anything else is a stale or replayed form."""
    if card_id != deck.queue.next_card():
        raise ReviewConflict("That card is not the one due now (it may have been rated already).")
    if duration_ms is not None:
        duration_ms = max(0, min(duration_ms, MAX_ANSWER_MS))
    outcome = review(deck.progress.get(card_id), card_id, rating, now, deck.settings, duration_ms)
    schedule = _schedule_columns(outcome.progress)
    updated = 0
    if outcome.before is not None:  # an undo in another tab may have deleted the state since: then insert it
        result = db.session.execute(_state_update(owner.by_user), _params(owner, card=card_id, **schedule))
        updated = getattr(result, "rowcount", 0)  # a CursorResult for UPDATE; Result's type lacks rowcount
    if not updated:
        db.session.execute(_state_insert(), {**owner.columns(), "bank_id": deck.bank.id, "card_id": card_id,
                                             **schedule})
    db.session.execute(_log_insert(), {
        **owner.columns(), "bank_id": deck.bank.id, "card_id": card_id, "rating": rating,
        "reviewed_at": _naive(outcome.reviewed_at), "duration_ms": outcome.duration_ms,
        "state_before": outcome.before.to_dict() if outcome.before else None,
        "state_after": outcome.progress.to_dict()})
    db.session.commit()
    return outcome


def undo_last(owner: Owner, bank: Bank | BankRef) -> str | None:
    """Undo the newest rating in this deck: restore the card's previous state and delete the log entry."""
    log = db.session.execute(select(ReviewLog).where(owner.filter(ReviewLog), ReviewLog.bank_id == bank.id)
                             .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc()).limit(1)
                             ).scalar_one_or_none()
    if log is None:
        return None
    row = db.session.execute(select(CardState).where(owner.filter(CardState), CardState.card_id == log.card_id)
                             ).scalar_one()
    if log.state_before is None:
        db.session.delete(row)
    else:
        _apply(row, CardProgress.from_dict(log.state_before))
    card_id = log.card_id
    db.session.delete(log)
    db.session.commit()
    return card_id


@dataclass(frozen=True)
class SessionSummary:
    reviewed: int
    again: int
    seconds: int

    @property
    def again_rate(self) -> float:
        return 100.0 * self.again / self.reviewed if self.reviewed else 0.0


def session_summary(owner: Owner, bank: Bank | BankRef, since: datetime) -> SessionSummary:
    """This deck's ratings since ``since``: counted and summed by the database."""
    reviewed, again, milliseconds = db.session.execute(
        _summary_query(owner.by_user), _params(owner, bank=bank.id, since=_naive(since))).one()
    return SessionSummary(reviewed, again, (milliseconds or 0) // 1000)  # SUM of no rows is NULL


def claim_guest_cards(guest_token: str, user_id: int) -> int:
    """Hand a guest's card schedules and review log to an account (not committed); returns cards moved.

    Cards the account already schedules keep the account's schedule; the guest's copy is dropped.
    """
    taken = select(CardState.card_id).where(CardState.user_id == user_id)
    db.session.execute(delete(CardState).where(CardState.guest_token == guest_token, CardState.card_id.in_(taken)))
    result = db.session.execute(update(CardState).where(CardState.guest_token == guest_token)
                                .values(user_id=user_id, guest_token=None))
    moved = getattr(result, "rowcount", 0) or 0  # a CursorResult for UPDATE; Result's type lacks rowcount
    db.session.execute(update(ReviewLog).where(ReviewLog.guest_token == guest_token)
                       .values(user_id=user_id, guest_token=None))
    return moved


def utc_now() -> datetime:
    return datetime.now(UTC)
