"""The navigation strip's entries (answers-at-the-end quizzes), written here as HTML rather than in a template.

Each entry states its question's state three ways (class, ``data-nav-state``, ``aria-label``) and its number
twice: written in templates/quiz/_navigation.html that was nine escaped interpolations an entry, about 40 % of
a 50-question page's Python calls. Nothing here needs escaping: the entries are made of ints (formatted with
``:d``, which refuses anything else), the fixed words below and one URL prefix, escaped once. Keep it that way:
no user data in this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from .service import StripEntry

FLAG = '<span aria-hidden="true">⚑</span>'


def strip_items(strip: Iterable[StripEntry], prefix: str, current: int) -> Markup:
    """The ``<li>`` of every entry: a link to ``prefix/<position>``, marked ``aria-current`` at ``current``."""
    href = escape(prefix)
    items = []
    for entry in strip:
        state = "answered" if entry.answered else "unanswered"
        classes, label, flag = (f"{state} flagged", f"{state}, flagged", FLAG) if entry.flagged else (state, state, "")
        step = ' aria-current="step"' if entry.position == current else ""
        items.append(f'<li><a href="{href}/{entry.position:d}" class="{classes}" data-nav-state="{classes}" '
                     f'aria-label="Question {entry.position:d}: {label}"{step}>{entry.position:d}{flag}</a></li>')
    return Markup("\n".join(items))  # noqa: S704 - ints, fixed words and the escaped prefix only
