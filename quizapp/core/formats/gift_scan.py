"""Scanning GIFT text for ``[id:...]``/``[tag:...]`` and HTML tags in linear time.

Hand-written instead of the regular expressions Moodle uses (``\\[id:((?:\\\\\\]|[^\\]...])+)\\]``,
``<[^>]*>``) because :mod:`re` retries every start position and scans to the end of the line from
each, which is quadratic in a run such as ``[id:\\`` or ``<`` repeated (20,000 of them held a worker
for 30 s). These give exactly the regexes' results: a region in which one start fails holds no
``]`` (or ``>``), so every later start inside it fails the same way and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator


def _stops(char: str, forbidden: str) -> bool:
    return char < "\x20" or char == "\x7f" or char in forbidden


def bracketed(text: str, opener: str, forbidden: str = "", allow_empty: bool = False) -> Iterator[str]:
    """What ``re.finditer(opener + r"((?:\\\\\\]|[^\\]<forbidden>\\x00-\\x1f\\x7f])+)\\]", text)`` would
    capture, left to right (``*`` instead of ``+`` when ``allow_empty``). ``\\]`` is an escaped bracket;
    when no closing ``]`` follows, the match ends at the last escaped one, as the regex backtracks."""
    pos, size = 0, len(text)
    while (start := text.find(opener, pos)) >= 0:
        i = content = start + len(opener)
        end, last_escaped = -1, -1
        while i < size:
            char = text[i]
            if char == "\\" and i + 1 < size and text[i + 1] == "]":
                last_escaped = i + 1
                i += 2
            elif char == "]":
                end = i
                break
            elif _stops(char, forbidden):
                break
            else:
                i += 1
        if end < 0:
            end = last_escaped
        if end >= 0 and (end > content or allow_empty):
            yield text[content:end]
            pos = end + 1
        elif end >= 0:  # an empty [id:]: the next start may be right after it
            pos = start + 1
        else:  # nothing from here to i holds a ']': no start before i can match either
            pos = max(i, start + 1)


def strip_tags(text: str) -> str:
    """``re.sub(r"<[^>]*>", "", text)``: each ``<`` up to the next ``>`` removed."""
    out, pos = [], 0
    while (opening := text.find("<", pos)) >= 0:
        closing = text.find(">", opening + 1)
        if closing < 0:  # no '>' after this '<', so none after any later '<' either
            break
        out.append(text[pos:opening])
        pos = closing + 1
    out.append(text[pos:])
    return "".join(out)
