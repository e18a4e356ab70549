"""Quiz item analysis against figures worked out by hand (Moodle's formulas, (s - 1) denominators)."""

from __future__ import annotations

import math
import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.item_analysis import (
    FLAG_DUBIOUS,
    FLAG_NEGATIVE_COVARIANCE,
    FLAG_NEGATIVE_DISCRIMINATION,
    FLAG_VERY_EASY,
    FLAG_VERY_HARD,
    FLAG_WEAK_DISCRIMINATION,
    AttemptMarks,
    ItemStats,
    item_statistics,
    option_counts,
)

approx = pytest.approx


def attempts_from(rows: list[dict[str, float]]) -> list[AttemptMarks]:
    return [AttemptMarks(attempt_id=i + 1, marks=row) for i, row in enumerate(rows)]


def by_key(items: list[ItemStats]) -> dict[str, ItemStats]:
    return {item.key: item for item in items}


# ---------------------------------------------------------------------------------------------------------------
# The hand-worked data set: 5 attempts x 3 questions, max mark 1 each.
#
#   attempt   q1   q2   q3  | T
#      1       1    1    1  | 3
#      2       1   .5    1  | 2.5
#      3       1   .5    0  | 1.5
#      4       0    0    1  | 1
#      5       0    0    0  | 0
#
# s = 5, so every variance / covariance below is (sum of products of deviations) / 4.
#
# q1: x = 1,1,1,0,0  mean .6     dx = .4,.4,.4,-.6,-.6
#     y = T - x = 2,1.5,.5,1,0  mean 1.0   dy = 1,.5,-.5,0,-1
#     sum dx^2 = 3(.16) + 2(.36) = 1.2             var x = .3
#     sum dy^2 = 1 + .25 + .25 + 0 + 1 = 2.5       var y = .625
#     sum dx*dy = .4 + .2 - .2 + 0 + .6 = 1.0      cov = .25
#     sorted dx = -.6,-.6,.4,.4,.4 ; sorted dy = -1,-.5,0,.5,1
#     covmax sum = .6 + .3 + 0 + .2 + .4 = 1.5     covmax = .375
#     dT = T - 1.6 = 1.4,.9,-.1,-.6,-1.6
#     sum dx*dT = .56 + .36 - .04 + .36 + .96 = 2.2   cov(x,T) = .55
#     facility = 100 * .6 = 60
#     SD       = 100 * sqrt(.3) = 54.7722557505
#     DI       = 100 * .25 / sqrt(.3 * .625) = 25 / sqrt(.1875) = 25 / .4330127019 = 57.7350269190
#     DE       = 100 * .25 / .375 = 66.6666666667
#
# q2: x = 1,.5,.5,0,0  mean .4   dx = .6,.1,.1,-.4,-.4
#     y = 2,2,1,1,0  mean 1.2    dy = .8,.8,-.2,-.2,-1.2
#     sum dx^2 = .36 + .01 + .01 + .16 + .16 = .7          var x = .175
#     sum dy^2 = .64 + .64 + .04 + .04 + 1.44 = 2.8        var y = .7
#     sum dx*dy = .48 + .08 - .02 + .08 + .48 = 1.1        cov = .275
#     x and y are already in the same order, so covmax = cov = .275
#     sum dx*dT = .84 + .09 - .01 + .24 + .64 = 1.8        cov(x,T) = .45
#     facility = 40
#     SD       = 100 * sqrt(.175) = 41.8330013267
#     DI       = 100 * .275 / sqrt(.175 * .7) = 27.5 / sqrt(.1225) = 27.5 / .35 = 78.5714285714
#     DE       = 100 * .275 / .275 = 100
#
# q3: x = 1,1,0,1,0  mean .6     dx = .4,.4,-.6,.4,-.6
#     y = 2,1.5,1.5,0,0  mean 1.0   dy = 1,.5,.5,-1,-1
#     sum dx^2 = 1.2                                      var x = .3
#     sum dy^2 = 1 + .25 + .25 + 1 + 1 = 3.5              var y = .875
#     sum dx*dy = .4 + .2 - .3 - .4 + .6 = .5             cov = .125
#     sorted dx = -.6,-.6,.4,.4,.4 ; sorted dy = -1,-1,.5,.5,1
#     covmax sum = .6 + .6 + .2 + .2 + .4 = 2.0           covmax = .5
#     sum dx*dT = .56 + .36 + .06 - .24 + .96 = 1.7       cov(x,T) = .425
#     facility = 60
#     SD       = 54.7722557505
#     DI       = 12.5 / sqrt(.3 * .875) = 12.5 / sqrt(.2625) = 12.5 / .5123475383 = 24.3975018237
#     DE       = 100 * .125 / .5 = 25
#
# Effective weights: sqrt(.55) = .7416198487, sqrt(.45) = .6708203932, sqrt(.425) = .6519202405
#     sum = 2.0643604824
#     q1 = 100 * .7416198487 / 2.0643604824 = 35.9249198482
#     q2 = 100 * .6708203932 / 2.0643604824 = 32.4953126619
#     q3 = 100 * .6519202405 / 2.0643604824 = 31.5797674899   (the three add up to 100)
#
# Test level: T = 3, 2.5, 1.5, 1, 0; mean = 8 / 5 = 1.6; median = 1.5 (middle of 0, 1, 1.5, 2.5, 3)
#     d = 1.4, .9, -.1, -.6, -1.6
#     sum d^2 = 1.96 + .81 + .01 + .36 + 2.56 = 5.7
#     sum d^3 = 2.744 + .729 - .001 - .216 - 4.096 = -.84
#     sum d^4 = 3.8416 + .6561 + .0001 + .1296 + 6.5536 = 11.181
#     SD = sqrt(5.7 / 4) = sqrt(1.425) = 1.1937336386
#     m2 = 5.7 / 5 = 1.14 ; m3 = -.84 / 5 = -.168 ; m4 = 11.181 / 5 = 2.2362
#     k2 = 5 * 1.14 / 4 = 1.425
#     k3 = 25 * -.168 / (4 * 3) = -4.2 / 12 = -.35
#     k4 = 25 * (6 * 2.2362 - 3 * 4 * 1.14^2) / (4 * 3 * 2) = 25 * (13.4172 - 15.5952) / 24 = -2.26875
#     skewness = -.35 / 1.425^1.5 = -.35 / 1.7010672... = -.2057527971
#     kurtosis = -2.26875 / 1.425^2 = -2.26875 / 2.030625 = -1.1172668513
#     sum of item variances = .3 + .175 + .3 = .775
#     cic = 100 * 3 / 2 * (1 - .775 / 1.425) = 150 * (.65 / 1.425) = 150 * 26 / 57 = 68.4210526316
#     error ratio = 100 * sqrt(1 - .684210526316) = 100 * sqrt(6 / 19) = 56.1951486949
#     standard error = .561951486949 * 1.1937336386 = sqrt(6/19 * 57/40) = sqrt(.45) = .6708203932
#     as percentages of the max total 3: mean 53.3333, median 50, SD 39.7911212877, SE 22.3606797750
# ---------------------------------------------------------------------------------------------------------------
HAND = [
    {"q1": 1, "q2": 1, "q3": 1},
    {"q1": 1, "q2": 0.5, "q3": 1},
    {"q1": 1, "q2": 0.5, "q3": 0},
    {"q1": 0, "q2": 0, "q3": 1},
    {"q1": 0, "q2": 0, "q3": 0},
]
HAND_MAX = {"q1": 1.0, "q2": 1.0, "q3": 1.0}


def test_hand_worked_item_figures() -> None:
    _, items = item_statistics(attempts_from(HAND), HAND_MAX)
    assert [item.key for item in items] == ["q1", "q2", "q3"]
    q1, q2, q3 = items
    assert (q1.attempts, q1.max_mark) == (5, 1.0)

    assert q1.facility == approx(60.0)
    assert q1.sd == approx(54.7722557505)
    assert q1.discrimination_index == approx(57.7350269190)
    assert q1.discriminative_efficiency == approx(66.6666666667)
    assert q1.effective_weight == approx(35.9249198482)

    assert q2.facility == approx(40.0)
    assert q2.sd == approx(41.8330013267)
    assert q2.discrimination_index == approx(78.5714285714)
    assert q2.discriminative_efficiency == approx(100.0)
    assert q2.effective_weight == approx(32.4953126619)

    assert q3.facility == approx(60.0)
    assert q3.sd == approx(54.7722557505)
    assert q3.discrimination_index == approx(24.3975018237)
    assert q3.discriminative_efficiency == approx(25.0)
    assert q3.effective_weight == approx(31.5797674899)

    assert all(item.flags == () for item in items)  # 40-60 % facility, DI >= 20, DE >= 15


def test_hand_worked_test_figures() -> None:
    quiz, _ = item_statistics(attempts_from(HAND), HAND_MAX)
    assert (quiz.attempts, quiz.questions) == (5, 3)
    assert quiz.mean == approx(1.6)
    assert quiz.median == approx(1.5)
    assert quiz.sd == approx(1.1937336386)
    assert quiz.skewness == approx(-0.2057527971)
    assert quiz.kurtosis == approx(-1.1172668513)
    assert quiz.cic == approx(68.4210526316)
    assert quiz.error_ratio == approx(56.1951486949)
    assert quiz.standard_error == approx(0.6708203932)
    assert quiz.max_total == 3.0
    assert quiz.mean_percent == approx(53.3333333333)
    assert quiz.median_percent == approx(50.0)
    assert quiz.sd_percent == approx(39.7911212877)
    assert quiz.standard_error_percent == approx(22.3606797750)


def test_item_scale_does_not_change_relative_figures() -> None:
    # The same data on max marks of 4: facility, SD %, DI, DE and effective weight are scale-free percentages.
    scaled = [{key: 4 * mark for key, mark in row.items()} for row in HAND]
    _, items = item_statistics(attempts_from(scaled), {"q1": 4, "q2": 4, "q3": 4})
    q1 = items[0]
    assert (q1.facility, q1.sd, q1.discrimination_index) == (approx(60.0), approx(54.7722557505), approx(57.735026919))


def test_single_attempt_gives_no_statistics() -> None:
    quiz, items = item_statistics(attempts_from([{"q1": 1, "q2": 0.5}]), {"q1": 1, "q2": 1})
    for item in items:
        assert item.attempts == 1
        assert (
            item.facility,
            item.sd,
            item.discrimination_index,
            item.discriminative_efficiency,
            item.effective_weight,
        ) == (None, None, None, None, None)
        assert item.flags == ()
    assert (quiz.sd, quiz.skewness, quiz.kurtosis, quiz.cic, quiz.error_ratio, quiz.standard_error) == (None,) * 6
    # Moodle still reports the mean and median of one attempt (they need s >= 1, not s > 1).
    assert (quiz.mean, quiz.median) == (1.5, 1.5)


def test_no_attempts() -> None:
    quiz, items = item_statistics([], {"q1": 1})
    assert (quiz.attempts, quiz.questions, quiz.mean, quiz.median, quiz.max_total) == (0, 0, None, None, None)
    assert items[0].attempts == 0 and items[0].facility is None


def test_two_attempts_have_sd_but_no_higher_moments_or_cic() -> None:
    quiz, items = item_statistics(attempts_from([{"a": 1, "b": 1}, {"a": 0, "b": 0}]), {"a": 1, "b": 1})
    # T = 2, 0: SD = sqrt((1 + 1) / 1) = 1.414...; skewness needs s > 2, kurtosis s > 3, and Moodle computes
    # the CIC inside its s > 2 branch.
    assert quiz.sd == approx(math.sqrt(2))
    assert (quiz.skewness, quiz.kurtosis, quiz.cic) == (None, None, None)
    assert items[0].discrimination_index == approx(100.0)  # x = 1,0 ; y = 1,0


def test_question_everyone_gets_right() -> None:
    rows = [{**row, "easy": 1} for row in HAND]
    _, items = item_statistics(attempts_from(rows), {**HAND_MAX, "easy": 1})
    easy = by_key(items)["easy"]
    assert easy.facility == 100.0
    assert easy.sd == 0.0
    assert easy.discrimination_index is None  # var x = 0
    assert easy.discriminative_efficiency is None  # covmax = 0
    assert easy.effective_weight == 0.0  # cov(x, T) = 0, so sqrt(0) of the sum
    assert FLAG_VERY_EASY in easy.flags
    assert FLAG_NEGATIVE_COVARIANCE not in easy.flags


def test_constant_fractional_marks_are_exactly_zero_variance() -> None:
    # 0.1 * 3 / 3 is not 0.1 in binary floating point; a constant mark must still be "no variance".
    rows = [{"c": 0.1, "v": v} for v in (0.0, 0.3, 0.7, 1.0)]
    _, items = item_statistics(attempts_from(rows), {"c": 1, "v": 1})
    c = by_key(items)["c"]
    assert c.sd == 0.0 and c.discrimination_index is None and c.discriminative_efficiency is None
    assert by_key(items)["v"].discrimination_index is None  # its rest of test (c) is constant too
    assert FLAG_VERY_HARD in c.flags  # facility 10 %


def test_negatively_discriminating_item_is_flagged() -> None:
    # "bad" is answered right by the weakest candidates only.
    rows = [
        {"g1": 1, "g2": 1, "g3": 1, "bad": 0},
        {"g1": 1, "g2": 1, "g3": 0, "bad": 0},
        {"g1": 1, "g2": 0, "g3": 1, "bad": 0},
        {"g1": 0, "g2": 1, "g3": 0, "bad": 1},
        {"g1": 0, "g2": 0, "g3": 0, "bad": 1},
    ]
    quiz, items = item_statistics(attempts_from(rows), dict.fromkeys(("g1", "g2", "g3", "bad"), 1.0))
    bad = by_key(items)["bad"]
    # x = 0,0,0,1,1 (mean .4); y = 3,2,2,1,0 (mean 1.6); dx = -.4,-.4,-.4,.6,.6; dy = 1.4,.4,.4,-.6,-1.6
    # sum dx*dy = -.56 - .16 - .16 - .36 - .96 = -2.2; sum dx^2 = 1.2; sum dy^2 = 1.96+.16+.16+.36+2.56 = 5.2
    # DI = 100 * -2.2 / sqrt(1.2 * 5.2) = -220 / 2.4979991993 = -88.0704...
    assert bad.discrimination_index == approx(-88.0704845)
    # T = 3,2,2,2,1 (mean 2); dT = 1,0,0,0,-1; sum dx*dT = -.4 - .6 = -1.0 < 0: no effective weight
    assert bad.effective_weight is None
    assert FLAG_NEGATIVE_DISCRIMINATION in bad.flags
    assert FLAG_DUBIOUS in bad.flags  # DE is negative too
    assert FLAG_NEGATIVE_COVARIANCE in bad.flags
    assert FLAG_WEAK_DISCRIMINATION not in bad.flags  # the negative flag replaces the weak one
    weights = [item.effective_weight for item in items if item.key != "bad"]
    assert math.fsum(weights) == approx(100.0)  # the others share the whole weight


def test_weak_discrimination_flag() -> None:
    rows = [{"a": 1, "b": 1}, {"a": 1, "b": 0}, {"a": 0, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "b": 0.5}]
    _, items = item_statistics(attempts_from(rows), {"a": 1, "b": 1})
    a = by_key(items)["a"]
    # x = 1,1,0,0,1 (mean .6); y = 1,0,1,0,.5 (mean .5); dx = .4,.4,-.6,-.6,.4; dy = .5,-.5,.5,-.5,0
    # sum dx*dy = .2 - .2 - .3 + .3 + 0 = 0, so DI = 0: weak, not negative
    assert a.discrimination_index == approx(0.0, abs=1e-9)
    assert FLAG_WEAK_DISCRIMINATION in a.flags
    assert FLAG_NEGATIVE_DISCRIMINATION not in a.flags


def test_cic_matches_textbook_cronbach_alpha() -> None:
    rows = [
        {"a": 1, "b": 0.5, "c": 1, "d": 2},
        {"a": 1, "b": 1, "c": 1, "d": 1.5},
        {"a": 0, "b": 0.5, "c": 1, "d": 0.5},
        {"a": 1, "b": 0, "c": 0, "d": 1},
        {"a": 0, "b": 0, "c": 0, "d": 0},
        {"a": 1, "b": 1, "c": 0, "d": 2},
        {"a": 0, "b": 0.5, "c": 1, "d": 1},
    ]
    quiz, _ = item_statistics(attempts_from(rows), {"a": 1, "b": 1, "c": 1, "d": 2})
    # alpha = k / (k - 1) * (1 - sum(var_i) / var_T), every variance with (n - 1), via the statistics module.
    keys = ["a", "b", "c", "d"]
    k = len(keys)
    item_vars = [statistics.variance([row[key] for row in rows]) for key in keys]
    total_var = statistics.variance([sum(row.values()) for row in rows])
    alpha = k / (k - 1) * (1 - sum(item_vars) / total_var)
    assert quiz.cic == approx(100 * alpha)
    assert quiz.error_ratio == approx(100 * math.sqrt(1 - alpha))
    assert quiz.standard_error == approx(math.sqrt(1 - alpha) * statistics.stdev([sum(r.values()) for r in rows]))


def test_random_questions_count_only_where_present() -> None:
    # Each attempt drew "a" and one of "b" / "c"; max total is 2 for every attempt.
    rows = [{"a": 1, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "c": 0}, {"a": 0, "c": 1}]
    quiz, items = item_statistics(attempts_from(rows), {"a": 1, "b": 1, "c": 1, "unused": 1})
    a, b, c, unused = items
    assert (a.attempts, b.attempts, c.attempts, unused.attempts) == (4, 2, 2, 0)
    # a: x = 1,0,1,0 ; y = 1,0,0,1 -> dx = .5,-.5,.5,-.5 ; dy = .5,-.5,-.5,.5 ; cov = 0 -> DI 0
    assert a.discrimination_index == approx(0.0, abs=1e-9)
    # b: x = 1,0 ; y = 1,0 -> DI 100 ; c: x = 0,1 ; y = 1,0 -> DI -100
    assert b.discrimination_index == approx(100.0)
    assert c.discrimination_index == approx(-100.0)
    assert unused.facility is None and unused.flags == ()
    # p counts the 3 keys seen; sum of variances = 1/3 + 1/2 + 1/2 = 4/3; totals 2,0,1,1: k2 = 2/3
    # cic = 150 * (1 - (4/3) / (2/3)) = -150: with random draws the figure is not a reliability coefficient.
    assert quiz.questions == 3
    assert quiz.max_total == 2.0
    assert quiz.cic == approx(-150.0)
    assert quiz.error_ratio == approx(100 * math.sqrt(2.5))


def test_random_questions_cic_above_100_has_no_error_ratio() -> None:
    # Three attempts, each with a different single question: no question has a variance, so cic = 100 * 3/2.
    quiz, _ = item_statistics(attempts_from([{"a": 1}, {"b": 0}, {"c": 1}]), {"a": 1, "b": 1, "c": 1})
    assert quiz.cic == approx(150.0)
    assert quiz.error_ratio is None and quiz.standard_error is None


def test_unequal_attempt_maxima_use_their_mean_unless_given() -> None:
    rows = [{"a": 1}, {"a": 0, "b": 2}]
    quiz, _ = item_statistics(attempts_from(rows), {"a": 1, "b": 2})
    assert quiz.max_total == 2.0  # (1 + 3) / 2
    quiz, _ = item_statistics(attempts_from(rows), {"a": 1, "b": 2}, max_total=4)
    assert quiz.mean_percent == approx(37.5)  # totals 1 and 2: mean 1.5 of 4


def test_zero_max_mark_gives_no_facility() -> None:
    _, items = item_statistics(attempts_from([{"z": 0, "a": 1}, {"z": 0, "a": 0}]), {"z": 0, "a": 1})
    assert by_key(items)["z"].facility is None and by_key(items)["z"].sd is None


@pytest.mark.parametrize(
    ("rows", "max_marks"),
    [
        ([{"x": 1}], {"a": 1}),  # no max mark for x
        ([{"a": 2}], {"a": 1}),  # above max
        ([{"a": -0.5}], {"a": 1}),  # below 0
        ([{"a": math.nan}], {"a": 1}),
        ([{"a": 0}], {"a": -1}),
    ],
)
def test_bad_input_raises(rows: list[dict[str, float]], max_marks: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        item_statistics(attempts_from(rows), max_marks)


def test_option_counts() -> None:
    responses = ["B", "A", "B", ["A", "C"], ("A", "C"), None, {"x": [1, 2]}, {"x": (1, 2)}]
    assert option_counts(responses) == Counter(
        {"B": 2, "A": 1, ("A", "C"): 2, None: 1, (("x", (1, 2)),): 2},
    )
    assert option_counts([]) == Counter()


KEYS = ("k1", "k2", "k3", "k4")


@st.composite
def quiz_data(draw: st.DrawFn) -> tuple[list[AttemptMarks], dict[str, float]]:
    max_marks = {key: draw(st.sampled_from([0.0, 0.1, 0.5, 1.0, 3.0, 10.0])) for key in KEYS}
    fraction = st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        present = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
        rows.append({key: draw(fraction) * max_marks[key] for key in present})
    return attempts_from(rows), max_marks


@settings(max_examples=300, deadline=None)
@given(quiz_data())
def test_random_marks_never_raise_and_facility_is_a_percentage(data) -> None:
    attempts, max_marks = data
    quiz, items = item_statistics(attempts, max_marks)
    assert quiz.attempts == len(attempts)
    assert [item.key for item in items] == list(max_marks)
    for item in items:
        if item.facility is not None:
            assert 0.0 <= item.facility <= 100.0
        if item.sd is not None:
            assert item.sd >= 0.0
        if item.discrimination_index is not None:
            assert -100.0 - 1e-6 <= item.discrimination_index <= 100.0 + 1e-6
    weights = [item.effective_weight for item in items if item.effective_weight is not None]
    if weights:
        assert math.fsum(weights) <= 100.0 + 1e-6
    for value in (quiz.mean, quiz.sd, quiz.skewness, quiz.kurtosis, quiz.cic, quiz.error_ratio):
        assert value is None or math.isfinite(value)
