"""FSRS scheduling, study days, limits and queues, with a controlled clock and fuzzing off."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.scheduling import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    LEARNING,
    RELEARNING,
    REVIEW,
    CardProgress,
    Queue,
    SchedulerSettings,
    build_queue,
    format_interval,
    next_day_start,
    next_due,
    preview_intervals,
    review,
    study_date,
    study_day_start,
)

T0 = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
S = SchedulerSettings(enable_fuzzing=False)
NY = ZoneInfo("America/New_York")
NY_SETTINGS = SchedulerSettings(enable_fuzzing=False, timezone="America/New_York", rollover_hour=4)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def graduated(card_id: str = "c1", at: datetime = T0) -> CardProgress:
    first = review(None, card_id, GOOD, at, S).progress
    return review(first, card_id, GOOD, first.due, S).progress


def prog(card_id: str, state: int, due: datetime, last_review: datetime | None = None) -> CardProgress:
    step = None if state == REVIEW else 0
    return CardProgress(card_id, state, step, 5.0, 5.0, due, last_review or due - timedelta(days=3), reps=2)


# --- review --------------------------------------------------------------------------------------


def test_new_card_good_moves_through_learning_steps_then_graduates() -> None:
    first = review(None, "c1", GOOD, T0, S)
    assert first.before is None
    assert first.progress.state == LEARNING and first.progress.step == 1
    assert first.progress.due == T0 + timedelta(minutes=10)
    assert first.progress.last_review == T0 and first.progress.reps == 1 and first.progress.lapses == 0
    assert first.progress.stability and first.progress.stability > 0

    second = review(first.progress, "c1", GOOD, first.progress.due, S)
    assert second.before == first.progress
    assert second.progress.state == REVIEW and second.progress.step is None
    assert second.progress.due - second.reviewed_at >= timedelta(days=1)
    assert (second.progress.due - second.reviewed_at) % timedelta(days=1) == timedelta(0)  # whole days
    assert second.progress.reps == 2


def test_first_ratings_follow_anki_steps() -> None:
    assert review(None, "c", AGAIN, T0, S).progress.due == T0 + timedelta(minutes=1)
    assert review(None, "c", HARD, T0, S).progress.due == T0 + timedelta(minutes=5, seconds=30)  # (1m + 10m) / 2
    easy = review(None, "c", EASY, T0, S).progress
    assert easy.state == REVIEW and easy.due >= T0 + timedelta(days=1)


def test_again_on_review_card_relearns_with_a_lapse() -> None:
    card = graduated()
    later = card.due + timedelta(hours=3)
    out = review(card, "c1", AGAIN, later, S)
    assert out.progress.state == RELEARNING and out.progress.step == 0
    assert out.progress.lapses == card.lapses + 1 == 1
    assert out.progress.due == later + timedelta(minutes=10)
    back = review(out.progress, "c1", GOOD, out.progress.due, S).progress
    assert back.state == REVIEW and back.lapses == 1  # relearning Good graduates; no extra lapse


def test_again_in_learning_is_not_a_lapse() -> None:
    out = review(review(None, "c", GOOD, T0, S).progress, "c", AGAIN, T0 + timedelta(minutes=10), S).progress
    assert out.state == LEARNING and out.step == 0 and out.lapses == 0


def test_review_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        review(None, "c", 5, T0, S)
    with pytest.raises(ValueError):
        review(graduated("a"), "b", GOOD, T0 + timedelta(days=5), S)


def test_timezones_are_normalised_to_utc() -> None:
    local = T0.astimezone(NY)
    out = review(None, "c", GOOD, local, S)
    assert out.reviewed_at == T0 and out.reviewed_at.tzinfo is UTC
    naive = review(None, "c", GOOD, T0.replace(tzinfo=None), S)
    assert naive.progress == out.progress


def test_to_dict_is_json_safe_and_round_trips() -> None:
    import json

    card = graduated()
    data = json.loads(json.dumps(card.to_dict()))
    assert data["due"] == card.due.isoformat() and data["state"] == REVIEW
    assert CardProgress.from_dict(data) == card


def test_fuzzing_keeps_review_intervals_near_the_unfuzzed_one() -> None:
    fuzzy = SchedulerSettings(enable_fuzzing=True)
    card = graduated()
    when = card.due
    plain = review(card, "c1", GOOD, when, S).progress.due - when
    for _ in range(20):
        fuzzed = review(card, "c1", GOOD, when, fuzzy).progress.due - when
        assert abs(fuzzed - plain) <= plain * 0.3 + timedelta(days=1)


# --- preview and format --------------------------------------------------------------------------


def test_preview_intervals_increase_and_change_nothing() -> None:
    for progress in (None, review(None, "c1", GOOD, T0, S).progress, graduated()):
        now = T0 if progress is None else progress.due
        snapshot = copy.deepcopy(progress)
        ivl = preview_intervals(progress, now, S)
        assert sorted(ivl) == [AGAIN, HARD, GOOD, EASY]
        assert ivl[AGAIN] <= ivl[HARD] <= ivl[GOOD] <= ivl[EASY]
        assert progress == snapshot
        for rating, delta in ivl.items():
            if progress is not None:
                assert review(progress, "c1", rating, now, S).progress.due - now == delta


def test_preview_of_a_new_card_with_default_steps() -> None:
    ivl = preview_intervals(None, T0, S)
    assert [format_interval(ivl[r]) for r in (AGAIN, HARD, GOOD)] == ["1m", "6m", "10m"]
    assert ivl[EASY] >= timedelta(days=1)


@pytest.mark.parametrize("settings", [
    S, SchedulerSettings(enable_fuzzing=False, learning_steps=(), desired_retention=0.8),
    SchedulerSettings(enable_fuzzing=False, learning_steps=(timedelta(hours=3),)),
])
def test_a_new_cards_preview_is_its_first_review_at_any_moment(settings: SchedulerSettings) -> None:
    """The new card's preview is worked out once per settings: it must be what rating it now would do."""
    for now in (T0, datetime(2031, 3, 30, 0, 59, 59, 123456, tzinfo=UTC), T0.astimezone(NY)):
        ivl = preview_intervals(None, now, settings)
        assert ivl == {r: review(None, "c1", r, now, settings).progress.due - now for r in (AGAIN, HARD, GOOD, EASY)}


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=50), "1h"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=2), "2d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=106.5), "3.5mo"),
        (timedelta(days=365 / 12 * 3), "3mo"),
        (timedelta(days=438), "1.2y"),
        (timedelta(days=365), "1y"),
    ],
)
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text


# --- study days ----------------------------------------------------------------------------------


def test_rollover_in_new_york() -> None:
    before = ny(2024, 6, 10, 3, 59)
    at = ny(2024, 6, 10, 4, 0)
    assert study_day_start(before, NY_SETTINGS) == ny(2024, 6, 9, 4).astimezone(UTC)
    assert study_day_start(at, NY_SETTINGS) == datetime(2024, 6, 10, 8, tzinfo=UTC)  # 04:00 EDT
    assert study_date(before, NY_SETTINGS).day == 9 and study_date(at, NY_SETTINGS).day == 10
    assert next_day_start(before, NY_SETTINGS) == study_day_start(at, NY_SETTINGS)
    assert study_day_start(at, NY_SETTINGS).tzinfo is UTC


def test_default_rollover_is_4am_utc() -> None:
    assert study_day_start(datetime(2024, 6, 10, 3, 0, tzinfo=UTC), S) == datetime(2024, 6, 9, 4, tzinfo=UTC)
    assert next_day_start(datetime(2024, 6, 10, 3, 0, tzinfo=UTC), S) == datetime(2024, 6, 10, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("noon", "start_utc", "next_utc", "hours"),
    [
        # spring forward (Sun 10 Mar 2024, 02:00 -> 03:00): the study day from Sat 04:00 EST is 23 h long
        (ny(2024, 3, 9, 12), datetime(2024, 3, 9, 9, tzinfo=UTC), datetime(2024, 3, 10, 8, tzinfo=UTC), 23),
        # fall back (Sun 3 Nov 2024, 02:00 -> 01:00): the study day from Sat 04:00 EDT is 25 h long
        (ny(2024, 11, 2, 12), datetime(2024, 11, 2, 8, tzinfo=UTC), datetime(2024, 11, 3, 9, tzinfo=UTC), 25),
    ],
)
def test_study_day_across_dst(noon: datetime, start_utc: datetime, next_utc: datetime, hours: int) -> None:
    assert study_day_start(noon, NY_SETTINGS) == start_utc
    assert next_day_start(noon, NY_SETTINGS) == next_utc
    assert next_utc - start_utc == timedelta(hours=hours)
    # 03:59 local on the Sunday still belongs to Saturday's study day; 04:00 starts Sunday's
    sunday = noon.date().replace(day=noon.day + 1)
    assert study_day_start(ny(sunday.year, sunday.month, sunday.day, 3, 59), NY_SETTINGS) == start_utc
    assert study_day_start(ny(sunday.year, sunday.month, sunday.day, 4, 0), NY_SETTINGS) == next_utc


def test_card_due_tomorrow_morning_is_not_in_todays_queue_but_in_tomorrows_forecast() -> None:
    from quizapp.core.card_stats import due_forecast

    now = ny(2024, 6, 10, 12)
    tomorrow_5am = ny(2024, 6, 11, 5).astimezone(UTC)
    tomorrow_3am = ny(2024, 6, 11, 3).astimezone(UTC)  # before rollover: still today's study day
    progress = {"late": prog("late", REVIEW, tomorrow_5am), "early": prog("early", REVIEW, tomorrow_3am)}
    queue = build_queue(["late", "early"], progress, now, NY_SETTINGS, 0, 0)
    assert queue.review == ("early",)
    forecast = due_forecast([p.due for p in progress.values()], now, NY_SETTINGS, days=3)
    assert [(d.isoformat(), n) for d, n in forecast] == [("2024-06-10", 1), ("2024-06-11", 1), ("2024-06-12", 0)]


# --- queue ---------------------------------------------------------------------------------------


def test_new_limit_caps_the_queue() -> None:
    deck = [f"n{i:02d}" for i in range(30)]
    assert build_queue(deck, {}, T0, S, 0, 0).new == tuple(deck[:20])
    assert build_queue(deck, {}, T0, S, 15, 0).new == tuple(deck[:5])
    assert build_queue(deck, {}, T0, S, 25, 0).new == ()  # never negative
    assert build_queue(deck, {}, T0, SchedulerSettings(new_per_day=0), 0, 0).new == ()


def test_review_limit_caps_the_queue_oldest_due_first() -> None:
    deck = [f"r{i}" for i in range(10)]
    progress = {cid: prog(cid, REVIEW, T0 - timedelta(days=10 - i)) for i, cid in enumerate(deck)}
    limited = SchedulerSettings(enable_fuzzing=False, reviews_per_day=6)
    assert build_queue(deck, progress, T0, limited, 0, 0).review == tuple(deck[:6])
    assert build_queue(deck, progress, T0, limited, 0, 4).review == tuple(deck[:2])
    assert build_queue(deck, progress, T0, limited, 0, 9).review == ()


def test_queue_contents_and_order() -> None:
    progress = {
        "learn_now": prog("learn_now", LEARNING, T0 - timedelta(minutes=1)),
        "relearn_soon": prog("relearn_soon", RELEARNING, T0 + timedelta(minutes=15)),
        "learn_later": prog("learn_later", LEARNING, T0 + timedelta(minutes=30)),
        "rev": prog("rev", REVIEW, T0 - timedelta(days=1)),
        "rev_future": prog("rev_future", REVIEW, T0 + timedelta(days=3)),
        "other_deck": prog("other_deck", LEARNING, T0),
    }
    deck = ["new1", "relearn_soon", "learn_later", "rev", "learn_now", "new2", "rev_future", "learn_now"]
    q = build_queue(deck, progress, T0, S, 0, 0)
    assert q.learning == ("learn_now", "relearn_soon")  # due in 15m is within learn-ahead; 30m is not
    assert q.learning_due_now == 1
    assert q.review == ("rev",)
    assert q.new == ("new1", "new2")
    assert q.counts == (2, 2, 1)
    assert q.next_card() == "learn_now"  # due learning cards first
    rest = Queue(learning=("relearn_soon",), review=q.review, new=q.new, learning_due_now=0)
    assert rest.next_card() == "rev"  # learn-ahead cards wait until nothing else is left
    assert Queue(("relearn_soon",), (), q.new).next_card() == "new1"
    assert Queue(("relearn_soon",), (), ()).next_card() == "relearn_soon"


def test_next_card_avoids_the_card_just_shown_when_possible() -> None:
    q = Queue(learning=("a",), review=(), new=("b",), learning_due_now=1)
    assert q.next_card() == "a" and q.next_card(avoid="a") == "b"
    assert Queue(("a",), (), ()).next_card(avoid="a") == "a"
    assert Queue((), (), ()).next_card() is None


def test_next_due() -> None:
    assert next_due([]) is None
    cards = [prog("a", REVIEW, T0 + timedelta(days=2)), prog("b", LEARNING, T0 + timedelta(minutes=5))]
    assert next_due(cards) == T0 + timedelta(minutes=5)


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        SchedulerSettings(rollover_hour=24)
    with pytest.raises(ValueError):
        SchedulerSettings(desired_retention=1.0)
    with pytest.raises(ZoneInfoNotFoundError):
        SchedulerSettings(timezone="Not/AZone")


# --- property ------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from([AGAIN, HARD, GOOD, EASY]), st.integers(min_value=0, max_value=60 * 24 * 90)),
        min_size=1,
        max_size=25,
    ),
    fuzz=st.booleans(),
)
def test_random_rating_sequences_keep_a_valid_state(steps: list[tuple[int, int]], fuzz: bool) -> None:
    config = SchedulerSettings(enable_fuzzing=fuzz)
    now = T0
    progress: CardProgress | None = None
    lapses = 0
    for count, (rating, minutes_later) in enumerate(steps, start=1):
        now += timedelta(minutes=minutes_later)
        snapshot = copy.deepcopy(progress)
        out = review(progress, "card", rating, now, config)
        assert progress == snapshot  # input not mutated
        assert out.before is progress
        after = out.progress
        if progress is not None and progress.state == REVIEW and rating == AGAIN:
            lapses += 1
        assert after.card_id == "card"
        assert after.state in (LEARNING, REVIEW, RELEARNING)
        assert (after.step is None) == (after.state == REVIEW)
        assert after.due >= out.reviewed_at == now
        assert after.last_review == now
        assert after.stability is not None and after.stability > 0
        assert after.difficulty is not None and 1 <= after.difficulty <= 10
        assert after.reps == count and after.lapses == lapses
        assert after.due.tzinfo is UTC
        progress = after


def test_parse_steps_reads_anki_style_steps_and_names_a_bad_one():
    from quizapp.core.scheduling import parse_steps

    assert parse_steps("1m 10m") == (timedelta(minutes=1), timedelta(minutes=10))
    assert parse_steps("30s 1.5h 2d") == (timedelta(seconds=30), timedelta(hours=1.5), timedelta(days=2))
    for bad in ("10", "m", "0m", "-1m", "1w", "1..5m"):
        with pytest.raises(ValueError, match="is not a step like"):
            parse_steps(bad)
