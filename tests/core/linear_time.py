"""Checking that a function's cost grows linearly with its input, without asserting a duration.

The check runs the function on an input and on one twice as large, in the same process, and asserts
that the larger one costs at most about three times as much (a quadratic reader costs four times as
much, an exponential one never finishes).

How it measures, and why:

- CPU time of the calling thread (``time.thread_time``), not of the process: a server thread or a
  worker another test left running in this process spends CPU time that is not the function's, and
  ``time.process_time`` would count it against whichever input was being read at that moment.
- The garbage collector is paused while the function runs (whether a full collection of everything
  the test process holds falls inside a run is chance) but not forced before each run: a forced
  collection costs about 0.1 s in a test process, more than most of the runs it would precede.
- One run of each size first. A noise floor of a few milliseconds is added to the smaller cost, so
  functions that take almost no time do not fail on timer jitter.
- Only a ratio over the bound is measured again: the function is then called in a loop long enough
  for each measurement to take at least ``MIN_MEASURED`` seconds, small and large in turns, and the
  best (lowest) cost of each size over up to ``ROUNDS`` rounds counts; a busy moment on the machine
  makes one run slow, not every run of one size.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable

MAX_RATIO = 3.0
NOISE_FLOOR = 0.01  # seconds of CPU time: a cost below this is timer and cache noise
MIN_MEASURED = 0.05  # seconds of CPU time per measurement when a suspicious ratio is measured again
MAX_LOOPS = 50
ROUNDS = 5  # measurements of each size at most, the first included
KB = 1024
MIN_SIZE = 100 * KB  # the adversarial inputs are 100 KB to 2 MB


def repeated(prefix: str, token: str, suffix: str = "") -> Callable[[int], str]:
    """A builder of ``prefix + token * k + suffix`` about ``size`` characters long."""
    def build(size: int) -> str:
        return prefix + token * max(1, (size - len(prefix) - len(suffix)) // len(token)) + suffix
    return build


def cpu_cost(run: Callable[[str], object], text: str, loops: int = 1) -> float:
    """This thread's CPU time for one call of ``run(text)`` (the mean of ``loops`` calls in a row), with
    the garbage collector paused."""
    gc.disable()
    try:
        start = time.thread_time()
        for _ in range(loops):
            run(text)
        return (time.thread_time() - start) / loops
    finally:
        gc.enable()


def measured_ratio(t1: float, t2: float) -> float:
    return t2 / (t1 + NOISE_FLOOR)


def assert_linear(run: Callable[[str], object], build: Callable[[int], str], size: int = 128 * KB) -> float:
    """Fail when doubling the input more than about triples the cost; returns the ratio measured."""
    assert size >= MIN_SIZE, f"an input of {size // KB} KB is below the {MIN_SIZE // KB} KB the rule asks for"
    small, large = build(size), build(2 * size)
    run(small[: max(1, len(small) // 8)])  # warm caches and imports first
    t1, t2 = cpu_cost(run, small), cpu_cost(run, large)
    rounds = 1
    if measured_ratio(t1, t2) > MAX_RATIO:
        loops = max(1, min(MAX_LOOPS, math.ceil(MIN_MEASURED / max(t1, 1e-6))))
        while measured_ratio(t1, t2) > MAX_RATIO and rounds < ROUNDS:
            t1, t2 = min(t1, cpu_cost(run, small, loops)), min(t2, cpu_cost(run, large, loops))
            rounds += 1
    measured = measured_ratio(t1, t2)
    assert measured <= MAX_RATIO, (f"doubling the input from {size // KB} KB multiplied the cost by "
                                   f"{measured:.2f} ({t1:.4f} s -> {t2:.4f} s CPU, best of {rounds}): not linear")
    return measured
