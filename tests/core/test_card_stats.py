"""Card statistics and the bar chart, with fixed datetimes."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.bar_chart import CHART_WIDTH, bar_chart_svg, nice_ticks
from quizapp.core.card_stats import card_counts, due_forecast, reviews_per_day, true_retention_by_week
from quizapp.core.charts import score_chart_svg
from quizapp.core.scheduling import (
    AGAIN,
    GOOD,
    HARD,
    LEARNING,
    MAX_DESIRED_RETENTION,
    MIN_DESIRED_RETENTION,
    RELEARNING,
    REVIEW,
    CardProgress,
    SchedulerSettings,
)

S = SchedulerSettings(enable_fuzzing=False)  # UTC, rollover 04:00
NOW = datetime(2024, 6, 12, 12, 0, tzinfo=UTC)  # a Wednesday; study day 2024-06-12
SVG = "{http://www.w3.org/2000/svg}"


def at(day: int, hour: int = 12, month: int = 6) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


def test_due_forecast_buckets_by_study_day_with_overdue_today() -> None:
    dues = [
        at(1),  # overdue -> today
        at(12, 2),  # overdue (before now) -> today
        at(12, 20),  # later today
        at(13, 3),  # before 04:00 on the 13th: still the 12th's study day
        at(13, 4),  # tomorrow
        at(14),
        at(30),  # beyond the window
    ]
    forecast = due_forecast(dues, NOW, S, days=3)
    assert forecast == [(date(2024, 6, 12), 4), (date(2024, 6, 13), 1), (date(2024, 6, 14), 1)]
    assert len(due_forecast([], NOW, S)) == 30
    assert sum(n for _, n in due_forecast([], NOW, S)) == 0


def test_reviews_per_day_includes_zero_days_oldest_first() -> None:
    times = [at(12, 5), at(12, 11), at(12, 3), at(10), at(1, 12), at(2, 12, month=5)]
    result = reviews_per_day(times, NOW, S, days=5)
    assert [d for d, _ in result] == [date(2024, 6, d) for d in range(8, 13)]
    assert [n for _, n in result] == [0, 0, 1, 1, 2]  # 12th 03:00 counts for the 11th
    full = reviews_per_day(times, NOW, S)
    assert len(full) == 30 and full[-1] == (date(2024, 6, 12), 2) and full[0][0] == date(2024, 5, 14)
    assert sum(n for _, n in full) == 5  # 2 May is outside the last 30 days


def test_true_retention_counts_only_review_state_reviews() -> None:
    reviews = [
        (at(10), GOOD, REVIEW),  # this week (Mon 10 June)
        (at(11), AGAIN, REVIEW),
        (at(12), HARD, REVIEW),
        (at(12), AGAIN, LEARNING),  # ignored: learning
        (at(12), GOOD, None),  # ignored: new card
        (at(12), GOOD, RELEARNING),  # ignored: relearning
        (at(5), AGAIN, REVIEW),  # previous week (Mon 3 June)
        (at(10, 3), GOOD, REVIEW),  # 03:00 Monday still belongs to Sunday 9 June: previous week
        (at(1, 12, month=1), GOOD, REVIEW),  # far too old
    ]
    weeks = true_retention_by_week(reviews, NOW, S, weeks=3)
    assert weeks == [(date(2024, 5, 27), 0, 0), (date(2024, 6, 3), 1, 2), (date(2024, 6, 10), 2, 3)]
    assert len(true_retention_by_week([], NOW, S)) == 8
    assert all(start.weekday() == 0 for start, _, _ in true_retention_by_week([], NOW, S))


def progress(state: int, interval: timedelta) -> CardProgress:
    last = at(1)
    return CardProgress("c", state, None if state == REVIEW else 0, 3.0, 5.0, last + interval, last)


def test_card_counts_young_mature_boundary() -> None:
    rows = [
        progress(REVIEW, timedelta(days=20)),
        progress(REVIEW, timedelta(days=20, hours=23)),
        progress(REVIEW, timedelta(days=21)),
        progress(REVIEW, timedelta(days=100)),
        progress(LEARNING, timedelta(minutes=10)),
        progress(RELEARNING, timedelta(minutes=10)),
    ]
    assert card_counts(rows, total_cards=10) == {"new": 4, "learning": 2, "young": 2, "mature": 2}
    assert card_counts([], total_cards=3) == {"new": 3, "learning": 0, "young": 0, "mature": 0}
    assert card_counts(rows, total_cards=2)["new"] == 0  # never negative


def test_bar_chart_is_accessible_and_escapes_labels() -> None:
    bars = [(f"<b>day {i}</b> & co", float(i % 3)) for i in range(30)]
    svg = bar_chart_svg(bars, 'Reviews "per" <day>', unit="cards")
    root = ET.fromstring(svg)  # well-formed XML, so every label was escaped
    assert "<b>" not in svg and "&lt;b&gt;day 0&lt;/b&gt; &amp; co" in svg
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == 'Reviews "per" <day>'
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("<b>day 0</b> & co: 0 cards; <b>day 1</b> & co: 1 cards")
    labelled_by = (root.get("aria-labelledby") or "").split()
    assert labelled_by == [title.get("id"), desc.get("id")]
    assert len(root.findall(f"{SVG}rect")) == 30
    x_labels = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert x_labels == [f"<b>day {i}</b> & co" for i in range(0, 30, 5)]
    assert "style=" not in svg


def test_bar_chart_empty_and_distinct_ids() -> None:
    empty = ET.fromstring(bar_chart_svg([], "Nothing"))
    desc = empty.find(f"{SVG}desc")
    assert desc is not None and desc.text == "No data."
    a = ET.fromstring(bar_chart_svg([("a", 1)], "Chart"))
    b = ET.fromstring(bar_chart_svg([("a", 1)], "Other chart"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")
    few = ET.fromstring(bar_chart_svg([("x", 1), ("y", 2.5)], "Few"))
    assert [t.text for t in few.findall(f"{SVG}text") if t.get("text-anchor") == "middle"] == ["x", "y"]


def _y_labels(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).findall(f"{SVG}text") if t.get("text-anchor") == "end"]


@pytest.mark.parametrize(("top", "labels"), [
    (0, ["0", "1"]), (1, ["0", "1"]), (3, ["0", "1", "2", "3"]), (7, ["0", "2", "4", "6", "8"]),
    (27, ["0", "10", "20", "30"]), (200, ["0", "50", "100", "150", "200"])])
def test_count_axis_has_whole_numbers_only(top: int, labels: list[str]) -> None:
    assert _y_labels(bar_chart_svg([("a", 0), ("b", top)], "Cards")) == labels


def test_fractional_values_keep_fractional_ticks() -> None:
    assert _y_labels(bar_chart_svg([("a", 0.5), ("b", 1.5)], "Hours")) == ["0", "0.5", "1", "1.5"]


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.booleans())
def test_nice_ticks_cover_the_top_in_even_steps(top: float, whole: bool) -> None:
    ticks = nice_ticks(top, whole)
    assert ticks[0] == 0 and ticks[-1] >= top and 2 <= len(ticks) <= 6
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert all(math.isclose(step, steps[0], rel_tol=1e-9) for step in steps) and steps[0] > 0
    if whole:
        assert all(float(t).is_integer() for t in ticks)


def test_charts_are_drawn_narrow_so_phone_labels_stay_readable() -> None:
    """Both charts use the 400-unit drawing the CSS font sizes are worked out for (static/style.css)."""
    for svg in (bar_chart_svg([("a", 1)], "Bars"), score_chart_svg([("first", 50.0), ("last", 80.0)], "Line")):
        assert ET.fromstring(svg).get("viewBox") == f"0 0 {CHART_WIDTH} " + ET.fromstring(svg).get("viewBox").split()[3]
    anchors = [t.get("text-anchor") for t in ET.fromstring(score_chart_svg([("first", 50.0), ("last", 80.0)], "L"))
               .findall(f"{SVG}text") if t.text in ("first", "last")]
    assert anchors == ["start", "end"]  # the end labels stay inside the drawing


def test_desired_retention_is_bounded_as_anki_recommends() -> None:
    assert SchedulerSettings().desired_retention == 0.9
    for value in (MIN_DESIRED_RETENTION, MAX_DESIRED_RETENTION):
        assert SchedulerSettings(desired_retention=value).desired_retention == value
    for value in (0.69, 0.98, math.nan):
        with pytest.raises(ValueError, match="desired_retention must be 0.70 to 0.97"):
            SchedulerSettings(desired_retention=value)
