"""Checking a bank's prompt templates before they are ever formatted.

A template is filled with ``str.format``, whose mini-language is far more than a bank needs: a
format spec (``{item:>100000000}``) pads to any width, ``{item:d}`` raises on text, ``{item.x}`` and
``{item[0]}`` reach into values, ``{item!r}`` shows Python's quoting. A template passing this check
uses only plain ``{field}`` placeholders (and ``{{``/``}}`` for braces), so formatting it costs its
own length plus the values', and cannot fail.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from .input_checks import excerpt

MAX_TEMPLATE_LENGTH = 300


def template_problems(template: str, allowed: Iterable[str]) -> list[str]:
    """What is wrong with ``template`` given the placeholder names it may use; empty when it is fine."""
    names = sorted(allowed)
    shown_allowed = ", ".join("{" + name + "}" for name in names)
    if len(template) > MAX_TEMPLATE_LENGTH:
        return [f"is {len(template)} characters; a prompt may have at most {MAX_TEMPLATE_LENGTH}"]
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [f"is not a valid template ({exc}; write a literal brace as {{{{ or }}}})"]
    problems = []
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        placeholder = excerpt("{" + field + "}", 40)
        if field not in names:
            problems.append(f"uses unknown placeholder {placeholder} (allowed: {shown_allowed})")
        if spec:
            problems.append(f"gives {placeholder} a format spec ':{excerpt(spec, 30)}'; write the placeholder alone")
        if conversion:
            problems.append(f"gives {placeholder} a conversion '!{conversion}'; write the placeholder alone")
    return problems
