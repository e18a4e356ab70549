"""Moodle's short-answer wildcard, ``*`` for any run of characters, matched in linear time.

Hand-written because :mod:`re` cannot do this in linear time: ``*a*a*a*a*b`` becomes
``.*a.*a.*a.*a.*b``, which backtracks through every way of placing the ``a`` s (about n**4 steps for
an answer of n ``a`` s; 500 of them held a worker for 30 s). A pattern with only ``*`` needs no
backtracking at all: the first segment must start the answer, the last must end it, and each segment
in between is best placed at its leftmost occurrence after the one before (placing it further right
can only leave less room for the rest). Each ``str.find`` is linear (CPython's two-way search), and
the segments are searched in disjoint stretches of the answer, so the cost is linear in the answer
times the number of segments, and the answer is capped.
"""

from __future__ import annotations

MAX_ANSWER_LENGTH = 500  # what the quiz form accepts for a typed answer


def wildcard_match(pattern: str, text: str) -> bool:
    """True when ``text`` matches ``pattern`` as a whole, ``*`` matching any run (also empty).

    Compares exactly: callers normalise case and spaces first. A ``text`` longer than
    :data:`MAX_ANSWER_LENGTH` never matches (the form refuses it; this keeps grading bounded anyway).
    """
    if len(text) > MAX_ANSWER_LENGTH:
        return False
    segments = pattern.split("*")
    if len(segments) == 1:
        return text == pattern
    first, *middle, last = segments
    if len(first) + len(last) > len(text) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for segment in middle:
        if not segment:
            continue
        found = text.find(segment, position, end)
        if found < 0:
            return False
        position = found + len(segment)
    return True
