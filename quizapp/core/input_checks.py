"""Checks every reader makes on untrusted text, and the one way values are quoted in messages.

An uploaded file is hostile until it has been read: each of these costs time linear in the text
and reports the line (1-based, a ``\\r\\n``, ``\\r`` or ``\\n`` ending a line, as every reader counts).
"""

from __future__ import annotations

import re

EXCERPT_LENGTH = 80
MAX_REPORTED = 20  # control characters: the first lines that hold one, then a count
# C0 and C1 control characters and DEL, except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """``value`` as text for a message, cut to about ``limit`` characters (never an unbounded value).

    Only the first ``limit * 4`` characters of a string are ever looked at, so the cost is bounded too.
    """
    text = value[: limit * 4] if isinstance(value, str) else _bounded_repr(value, limit)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounded_repr(value: object, limit: int) -> str:
    # A container's repr() costs its whole size; name its type and length instead.
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, str | bytes) and len(value) > limit:
        return repr(value[:limit])
    return repr(value)


def control_character_problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for each line holding a control character other than tab and line breaks."""
    found: list[tuple[int, str]] = []
    line, last, last_line, extra = 1, 0, 0, 0
    for match in _CONTROL.finditer(text):
        pos = match.start()
        # A \r\n pair never straddles a match, so counting between matches is exact.
        line += text.count("\n", last, pos) + text.count("\r", last, pos) - text.count("\r\n", last, pos)
        last = pos
        if line == last_line:
            continue
        last_line = line
        if len(found) == MAX_REPORTED:
            extra += 1
            continue
        found.append((line, f"a control character (U+{ord(match.group()):04X}) is not allowed: only tab and line "
                            "breaks are; delete it or type the text again"))
    if extra:
        found.append((found[-1][0], f"...and control characters on {extra} more line{'s' if extra > 1 else ''}"))
    return found
