"""The doubling-ratio check itself (tests/core/linear_time.py): it fails a quadratic function, and it
counts only the CPU time of the function's own thread."""

from __future__ import annotations

import threading
import time

import pytest

from tests.core.linear_time import KB, MAX_RATIO, assert_linear, repeated


def cubic(text: str) -> int:
    """(len/5000)**2 scans of the whole text: doubling it costs 8 times as much, far from the bound of 3
    (a quadratic function's 4 is too near it for a test of the check itself on a busy machine)."""
    k = len(text) // 5000
    return sum(text.count(text[i], j) for i in range(k) for j in range(k))


def test_a_super_linear_function_fails_the_check():
    with pytest.raises(AssertionError, match="not linear"):
        assert_linear(cubic, repeated("", "ab"), 100 * KB)


def test_a_linear_function_passes_it():
    assert assert_linear(lambda text: text.count("a") + text.upper().count("B"), repeated("", "ab"), 100 * KB) \
        <= MAX_RATIO


def busy_elsewhere(text: str) -> None:
    """Linear in its own thread; the larger input makes another thread of the process busy meanwhile."""
    text.count("a")
    if len(text) > 150 * KB:
        def spin() -> None:
            end = time.thread_time() + 0.2
            while time.thread_time() < end:
                pass
        worker = threading.Thread(target=spin)
        worker.start()
        worker.join()


def test_cpu_time_of_other_threads_is_not_counted():
    assert assert_linear(busy_elsewhere, repeated("", "ab"), 100 * KB) <= MAX_RATIO


def test_inputs_below_the_issue_s_100_kb_are_refused():
    with pytest.raises(AssertionError, match="below"):
        assert_linear(len, repeated("", "a"), 50 * KB)
