"""Checking that a function's cost grows linearly with its input, without asserting a duration.

The check runs the function on an input and on one twice as large, in the same process, and asserts
that the larger one costs at most about three times as much (a quadratic reader costs four times as
much, an exponential one never finishes). It compares CPU time (``time.process_time``) of the best of
a few runs, which is far steadier than wall time on a shared machine; a noise floor of a few
milliseconds keeps functions that take almost no time from failing on timer jitter, and a failing
comparison is measured once more before it counts, so one busy moment on the machine is not a failure.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

MAX_RATIO = 3.0
NOISE_FLOOR = 0.01  # seconds of CPU time: a cost below this is timer and cache noise
KB = 1024


def repeated(prefix: str, token: str, suffix: str = "") -> Callable[[int], str]:
    """A builder of ``prefix + token * k + suffix`` about ``size`` characters long."""
    def build(size: int) -> str:
        return prefix + token * max(1, (size - len(prefix) - len(suffix)) // len(token)) + suffix
    return build


def cpu_cost(run: Callable[[str], object], text: str, runs: int) -> float:
    """The best CPU time of ``runs`` runs, with the garbage collector paused: a full collection costs
    time in proportion to everything the test process holds (other tests' objects too), not to the
    input, and whether one falls inside a run is chance."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            run(text)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def ratio(run: Callable[[str], object], small: str, large: str, runs: int) -> tuple[float, float, float]:
    """(cost of ``small``, cost of ``large``, their ratio with the noise floor added)."""
    t1, t2 = cpu_cost(run, small, runs), cpu_cost(run, large, runs)
    return t1, t2, t2 / (t1 + NOISE_FLOOR)


def assert_linear(run: Callable[[str], object], build: Callable[[int], str], size: int = 128 * KB) -> float:
    """Fail when doubling the input more than about triples the cost; returns the ratio measured.

    One run of each size first; only a ratio over the bound is measured again, as the best of three
    runs of each (a busy moment on the machine makes one run slow, not three)."""
    small, large = build(size), build(2 * size)
    run(small[: max(1, len(small) // 8)])  # warm caches and imports first
    t1, t2, measured = ratio(run, small, large, 1)
    if measured > MAX_RATIO:
        t1, t2, measured = ratio(run, small, large, 3)
    assert measured <= MAX_RATIO, (f"doubling the input from {size // KB} KB multiplied the cost by "
                                   f"{measured:.2f} ({t1:.3f} s -> {t2:.3f} s CPU): not linear")
    return measured
