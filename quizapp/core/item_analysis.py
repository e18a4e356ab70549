"""Quiz item analysis: Moodle's quiz statistics report, computed from per-attempt marks.

Pure: standard library only. The web layer loads the marks and passes them in.

The formulas follow Moodle's code (``question/classes/statistics/questions/calculator.php`` for the
per-question figures, ``mod/quiz/report/statistics/classes/calculator.php`` for the test figures);
``/work/shared/reference/question-formats.md`` §3 summarises them. Over the *s* attempts that contain a
question, x is the mark on that question, y the mark on the rest of the attempt and T the attempt total.
Every variance and covariance is divided by (s - 1).

Per question (all ``None`` unless s > 1):

* facility = 100 * mean(x) / max mark
* sd = 100 * sqrt(var(x)) / max mark (Moodle's ``col_sd``: the SD as a percentage of the max mark)
* discrimination index = 100 * cov(x, y) / sqrt(var(x) * var(y)) -- ``None`` when a variance is 0
* discriminative efficiency = 100 * cov(x, y) / covmax, where covmax pairs x and y each sorted ascending
  (the largest covariance the two distributions allow) -- ``None`` when covmax is 0
* effective weight = 100 * sqrt(cov(x, T)) / sum over questions of sqrt(cov(x_j, T)); ``None`` for a question
  whose cov(x, T) is negative (that question is left out of the sum, as in Moodle), and for every question when
  the sum is 0.

Test level (T over all s attempts, d = T - mean, m_k = sum(d**k) / s, k2 = s * m2 / (s - 1)):

* mean and median need s >= 1 (Moodle reports both for a single attempt); sd = sqrt(sum(d**2) / (s - 1))
  needs s > 1;
* skewness = k3 / k2**1.5 needs s > 2, kurtosis = k4 / k2**2 needs s > 3, both need k2 != 0;
* cic = 100 * p / (p - 1) * (1 - sum of per-question var(x) / k2) (Cronbach's alpha, in percent) needs s > 2,
  p > 1 and k2 != 0 -- Moodle computes it inside its s > 2 branch;
* error ratio = 100 * sqrt(1 - cic / 100); standard error = error ratio * sd / 100.

Random questions: each attempt counts only the questions it contains, so every question's figures are over the
attempts that drew it, with y the rest of *that* attempt. For the test level, p is the number of distinct question
keys that occur in at least one attempt, and the sum of variances runs over those keys (a key seen in only one
attempt has no variance and adds 0, as Moodle's null does). When every attempt has the same question set this is
exactly Cronbach's alpha. When attempts draw different questions it is not: p then counts more questions than any
attempt holds, and the figure is not a reliability coefficient. Moodle avoids that by computing per *slot* (quiz
position): to get Moodle's slot-level figures, key the marks by slot (position) instead of by question. The
percentages of the mean, median, SD and standard error are of ``max_total``: by default the attempts' common
maximum, or the mean of their maxima when random draws give them different maxima.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Item flags, after Moodle's interpretation guidance (docs.moodle.org "Quiz report statistics").
FLAG_VERY_EASY = "very easy (facility > 90%)"
FLAG_VERY_HARD = "very hard (facility < 20%)"
FLAG_NEGATIVE_DISCRIMINATION = "negative discrimination (index < 0): check the key"
FLAG_WEAK_DISCRIMINATION = "weak discrimination (index < 20%)"
FLAG_DUBIOUS = "dubious (discriminative efficiency < 15%)"  # Moodle's own flag in statistics_table.php
FLAG_NEGATIVE_COVARIANCE = "negative covariance with the total (no effective weight)"

# Quiz flags, after the same guidance: average 50-75 %, SD 12-18 %, CIC > 75 % satisfactory, < 64 % unsatisfactory.
FLAG_CIC_UNSATISFACTORY = "internal consistency unsatisfactory (CIC < 64%)"
FLAG_CIC_MARGINAL = "internal consistency marginal (CIC 64-75%)"
FLAG_MEAN_LOW = "average below 50%"
FLAG_MEAN_HIGH = "average above 75%"
FLAG_SD_LOW = "standard deviation below 12%"
FLAG_SD_HIGH = "standard deviation above 18%"

VERY_HARD_BELOW = 20.0
VERY_EASY_ABOVE = 90.0
WEAK_DISCRIMINATION_BELOW = 20.0
DUBIOUS_EFFICIENCY_BELOW = 15.0

_MARK_TOLERANCE = 1e-9  # relative slack for marks computed as fraction * max mark
_FLAG_TOLERANCE = 1e-9  # percentage points


@dataclass(frozen=True)
class AttemptMarks:
    attempt_id: int
    marks: Mapping[str, float]  # question key -> mark earned (0..max); only the questions this attempt contained


@dataclass(frozen=True)
class ItemStats:
    key: str
    attempts: int  # s: attempts that contained this question
    max_mark: float
    facility: float | None  # percent
    sd: float | None  # percent of the max mark (Moodle col_sd)
    discrimination_index: float | None  # percent (Pearson r of item and rest of test, * 100)
    discriminative_efficiency: float | None  # percent
    effective_weight: float | None  # percent
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    questions: int  # p: distinct question keys seen in at least one attempt
    mean: float | None  # attempt totals, in marks
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # Cronbach's alpha, percent
    error_ratio: float | None  # percent
    standard_error: float | None  # in marks
    max_total: float | None = None  # denominator of the *_percent fields
    mean_percent: float | None = None
    median_percent: float | None = None
    sd_percent: float | None = None
    standard_error_percent: float | None = None
    flags: tuple[str, ...] = field(default=())


def _mean(values: Sequence[float]) -> float:
    if len(set(values)) == 1:  # exact for a constant sample, so its deviations are exactly 0
        return values[0]
    return math.fsum(values) / len(values)


def _deviations(values: Sequence[float]) -> list[float]:
    mean = _mean(values)
    return [v - mean for v in values]


def _sum_products(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(u * v for u, v in zip(a, b, strict=True))


@dataclass
class _Item:
    key: str
    max_mark: float
    x: list[float] = field(default_factory=list)  # mark on this question
    y: list[float] = field(default_factory=list)  # rest of the attempt
    t: list[float] = field(default_factory=list)  # attempt total
    variance: float | None = None
    cov_total: float | None = None
    partial: dict[str, float | None] = field(default_factory=dict)


def _check_inputs(attempts: Sequence[AttemptMarks], max_marks: Mapping[str, float]) -> None:
    for key, max_mark in max_marks.items():
        if not math.isfinite(max_mark) or max_mark < 0:
            raise ValueError(f"max mark of {key!r} must be a finite number >= 0, not {max_mark!r}")
    for attempt in attempts:
        for key, mark in attempt.marks.items():
            if key not in max_marks:
                raise ValueError(f"attempt {attempt.attempt_id}: no max mark for question {key!r}")
            top = max_marks[key]
            slack = _MARK_TOLERANCE * max(1.0, top)
            if not math.isfinite(mark) or mark < -slack or mark > top + slack:
                raise ValueError(f"attempt {attempt.attempt_id}: mark {mark!r} for {key!r} is outside 0..{top}")


def _analyse_item(item: _Item) -> None:
    """Variances, covariances, facility, SD, discrimination index and efficiency of one question (s > 1)."""
    s = len(item.x)
    dx, dy, dt = _deviations(item.x), _deviations(item.y), _deviations(item.t)
    # covmax: x and y each sorted ascending, independently of each other (Moodle sorts markarray and
    # othermarksarray separately), so the pairing is the comonotone one that maximises the covariance.
    sorted_dx, sorted_dy = sorted(dx), sorted(dy)
    var_x = _sum_products(dx, dx) / (s - 1)
    var_y = _sum_products(dy, dy) / (s - 1)
    cov = _sum_products(dx, dy) / (s - 1)
    cov_max = _sum_products(sorted_dx, sorted_dy) / (s - 1)
    item.variance = var_x
    item.cov_total = _sum_products(dx, dt) / (s - 1)

    facility = sd = None
    if item.max_mark != 0:
        facility = min(100.0, max(0.0, 100 * _mean(item.x) / item.max_mark))  # clamp float rounding only
        sd = 100 * math.sqrt(var_x) / item.max_mark
    denominator = math.sqrt(var_x * var_y)
    item.partial = {
        "facility": facility,
        "sd": sd,
        "discrimination_index": 100 * cov / denominator if denominator != 0 else None,
        "discriminative_efficiency": 100 * cov / cov_max if cov_max > 0 else None,
    }


def _item_flags(
    facility: float | None, index: float | None, efficiency: float | None, negcovar: bool
) -> tuple[str, ...]:
    flags: list[str] = []
    if facility is not None and facility > VERY_EASY_ABOVE:
        flags.append(FLAG_VERY_EASY)
    if facility is not None and facility < VERY_HARD_BELOW:
        flags.append(FLAG_VERY_HARD)
    if index is not None and index < -_FLAG_TOLERANCE:  # a rounding-noise -1e-15 is "weak", not "negative"
        flags.append(FLAG_NEGATIVE_DISCRIMINATION)
    elif index is not None and index < WEAK_DISCRIMINATION_BELOW:
        flags.append(FLAG_WEAK_DISCRIMINATION)
    if efficiency is not None and efficiency < DUBIOUS_EFFICIENCY_BELOW:
        flags.append(FLAG_DUBIOUS)
    if negcovar:
        flags.append(FLAG_NEGATIVE_COVARIANCE)
    return tuple(flags)


def _quiz_flags(stats: QuizStats) -> tuple[str, ...]:
    flags: list[str] = []
    if stats.mean_percent is not None and stats.attempts > 1:
        if stats.mean_percent < 50:
            flags.append(FLAG_MEAN_LOW)
        elif stats.mean_percent > 75:
            flags.append(FLAG_MEAN_HIGH)
    if stats.sd_percent is not None:
        if stats.sd_percent < 12:
            flags.append(FLAG_SD_LOW)
        elif stats.sd_percent > 18:
            flags.append(FLAG_SD_HIGH)
    if stats.cic is not None:
        if stats.cic < 64:
            flags.append(FLAG_CIC_UNSATISFACTORY)
        elif stats.cic <= 75:
            flags.append(FLAG_CIC_MARGINAL)
    return tuple(flags)


def _percent(value: float | None, total: float | None) -> float | None:
    if value is None or not total:
        return None
    return 100 * value / total


def _quiz_stats(totals: list[float], p: int, sum_of_mark_variance: float, max_total: float | None) -> QuizStats:
    s = len(totals)
    mean = median = sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    if s:
        mean = _mean(totals)
        median = statistics.median(totals)
    if s > 1:
        d = _deviations(totals)
        power2 = math.fsum(v**2 for v in d)
        sd = math.sqrt(power2 / (s - 1))
        if s > 2:
            m2 = power2 / s
            m3 = math.fsum(v**3 for v in d) / s
            m4 = math.fsum(v**4 for v in d) / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if k2 > 1e-12:  # below this the totals only differ by float noise: treat as no variance
                skewness = k3 / k2**1.5
                if s > 3:
                    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                    kurtosis = k4 / (k2 * k2)
                if p > 1:
                    cic = (100 * p / (p - 1)) * (1 - sum_of_mark_variance / k2)
                    rest = 1 - cic / 100
                    if rest < 0 and rest > -1e-12:  # cic = 100 give or take rounding
                        rest = 0.0
                    # rest < 0 (cic > 100) cannot happen when all attempts share one question set; with random
                    # draws it can, and Moodle's sqrt would give NAN: report no error ratio instead.
                    if rest >= 0:
                        error_ratio = 100 * math.sqrt(rest)
                        standard_error = error_ratio * sd / 100
    stats = QuizStats(
        attempts=s,
        questions=p,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
        max_total=max_total,
        mean_percent=_percent(mean, max_total),
        median_percent=_percent(median, max_total),
        sd_percent=_percent(sd, max_total),
        standard_error_percent=_percent(standard_error, max_total),
    )
    return QuizStats(**{**stats.__dict__, "flags": _quiz_flags(stats)})


def item_statistics(
    attempts: Sequence[AttemptMarks], max_marks: Mapping[str, float], *, max_total: float | None = None
) -> tuple[QuizStats, list[ItemStats]]:
    """Moodle's quiz statistics for ``attempts``: the test-level figures and one :class:`ItemStats` per key of
    ``max_marks`` (in its order; a key no attempt contains gets ``attempts=0`` and ``None`` figures).

    ``max_total`` (marks) is the denominator of the quiz percentages; by default the attempts' common maximum
    (the sum of the max marks of the questions each contains), or the mean of those maxima if they differ.
    Raises ``ValueError`` for a question without a max mark, a negative or non-finite max mark, or a mark that
    is non-finite or outside 0..max mark.
    """
    _check_inputs(attempts, max_marks)
    items = {key: _Item(key, float(top)) for key, top in max_marks.items()}
    totals: list[float] = []
    maxima: list[float] = []
    for attempt in attempts:
        marks = {key: float(mark) for key, mark in attempt.marks.items()}
        total = math.fsum(marks.values())
        totals.append(total)
        maxima.append(math.fsum(items[key].max_mark for key in marks))
        for key, mark in marks.items():
            item = items[key]
            item.x.append(mark)
            # y from the other marks directly (not total - mark) so that it carries no subtraction rounding.
            item.y.append(math.fsum(other for other_key, other in marks.items() if other_key != key))
            item.t.append(total)

    for item in items.values():
        if len(item.x) > 1:
            _analyse_item(item)

    covariances = [item.cov_total for item in items.values() if item.cov_total is not None]
    weight_sum = math.fsum(math.sqrt(cov) for cov in covariances if cov >= 0)
    results: list[ItemStats] = []
    for item in items.values():
        negcovar = item.cov_total is not None and item.cov_total < 0
        weight = None
        if item.cov_total is not None and not negcovar and weight_sum != 0:
            weight = 100 * math.sqrt(item.cov_total) / weight_sum
        facility = item.partial.get("facility")
        index = item.partial.get("discrimination_index")
        efficiency = item.partial.get("discriminative_efficiency")
        results.append(
            ItemStats(
                key=item.key,
                attempts=len(item.x),
                max_mark=item.max_mark,
                facility=facility,
                sd=item.partial.get("sd"),
                discrimination_index=index,
                discriminative_efficiency=efficiency,
                effective_weight=weight,
                flags=_item_flags(facility, index, efficiency, negcovar),
            )
        )

    seen = [item for item in items.values() if item.x]
    sum_of_mark_variance = math.fsum(item.variance or 0.0 for item in seen)
    if max_total is None and maxima:
        max_total = maxima[0] if len(set(maxima)) == 1 else math.fsum(maxima) / len(maxima)
    return _quiz_stats(totals, len(seen), sum_of_mark_variance, max_total), results


def _normalise(response: Any) -> Any:
    if isinstance(response, list | tuple):
        return tuple(_normalise(part) for part in response)
    if isinstance(response, set | frozenset):
        return frozenset(_normalise(part) for part in response)
    if isinstance(response, dict):
        return tuple(sorted(((key, _normalise(value)) for key, value in response.items()), key=repr))
    return response


def canonical_parts(parts: Iterable[str]) -> tuple[str, ...]:
    """The parts of a multi-part response (ticked options, matched pairs) in one order -- case-insensitive,
    then exact -- so responses with the same content count together however the options were shuffled."""
    return tuple(sorted(parts, key=lambda part: (part.casefold(), part)))


def option_counts(responses: Iterable[Any]) -> Counter[Any]:
    """How many responses chose each option. Lists (and nested lists) become tuples, sets frozensets and dicts
    sorted tuples of items, so multi-part answers can be counted; ``None`` (no answer) is counted like any
    other value -- drop it first if unanswered attempts should not show."""
    return Counter(_normalise(response) for response in responses)
