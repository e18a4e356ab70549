"""Writing questions as Moodle GIFT that ``parse_gift`` (and Moodle) read back to the same questions.

Laid out like Moodle's own exporter (``qformat_gift::writequestion``): ``::name::text{`` then one
answer per line, general feedback last, a blank line between questions, ``$CATEGORY:`` chunks when
the category changes.  Beyond Moodle's exporter, so that reading back gives equal questions:

- every weight is written with all its decimals (``%33.33333%``), so it matches Moodle's grades;
- a part whose text starts with ``[`` gets an explicit ``[format]`` prefix (the reader strips one);
- a question without a name always gets one, so its text cannot be read as ``//`` or ``$CATEGORY:``;
- a single-answer multiple choice whose answers are all 100% keeps one ``~%100%`` (a block
  without ``~`` would be read as another type).

Two things GIFT cannot express raise ``GiftWriteError``: ``->`` in a short answer's answers or
feedback (the block would be read as matching) unless it is a single 100% answer, and ``->`` in a
matching question's left-hand item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from ..imported import TEXT_FORMATS, ImportedQuestion

__all__ = ["GiftWriteError", "gift_escape_text", "write_gift"]

_ESCAPES = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
                          "\n": "\\n"})


class GiftWriteError(ValueError):
    """A question that GIFT cannot represent so that it reads back the same."""


def write_gift(questions: Sequence[ImportedQuestion]) -> str:
    """GIFT text for ``questions``; ``parse_gift`` reads it back to equal questions (``line`` aside)."""
    chunks, category = [], ""
    for question in questions:
        if question.category != category:
            chunks.append(f"$CATEGORY: {gift_escape_text(question.category)}\n")
            category = question.category
        chunks.append(_question(question))
    return "\n".join(chunks)


def gift_escape_text(text: str) -> str:
    """Escape GIFT's special characters; newlines become ``\\n`` (GIFT has no escape for CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def _part(text: str, fmt: str, default: str) -> str:
    prefix = f"[{fmt}]" if fmt != default or text.startswith("[") else ""
    return prefix + gift_escape_text(text)


def _feedback(text: str, fmt: str) -> str:
    return f"#{_part(text, fmt, fmt)}" if text else ""


def _percent(fraction: float) -> str:
    """Exact decimal percentage: 0.3333333 -> 33.33333 (Moodle's grades have 7 decimals)."""
    return format((Decimal(repr(float(fraction))) * 100).normalize(), "f")


def _number(value: float | None) -> str:
    value = float(value or 0.0)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _bracketed(text: str) -> str:
    return text.replace("\n", " ").replace("]", "\\]")


def _question(q: ImportedQuestion) -> str:
    fmt = q.text_format if q.text_format in TEXT_FORMATS else "moodle"
    meta = ([f"[id:{_bracketed(q.id_number)}]"] if q.id_number else []) + [f"[tag:{_bracketed(t)}]" for t in q.tags]
    head = f"// {' '.join(meta)}\n" if meta else ""
    name = f"::{gift_escape_text(q.name)}:: " if q.name else ""
    # Without a name the text starts the line, so always prefix its format there.
    text = _part(q.text, fmt, "moodle" if name else "")
    general = f"####{_part(q.general_feedback, fmt, fmt)}" if q.general_feedback else ""
    writer = _BLOCKS.get(q.qtype)
    if writer is None:
        raise GiftWriteError(f"question {q.name!r}: GIFT has no {q.qtype!r} questions")
    return head + name + text + writer(q, fmt, general) + "\n"


def _lines(lines: list[str], general: str) -> str:
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + (f"\t{general}\n" if general else "") + "}"


def _multichoice(q: ImportedQuestion, fmt: str, general: str) -> str:
    equals = [q.single and a.fraction == 1.0 for a in q.answers]
    if equals and all(equals):
        equals[-1] = False  # a block without '~' would not be read as multiple choice
    lines = []
    for answer, equal in zip(q.answers, equals, strict=True):
        if equal:
            mark = "="
        elif answer.fraction == 0 and not answer.text.startswith("%"):
            mark = "~"
        else:  # an explicit weight also protects a text that starts with '%'
            mark = f"~%{_percent(answer.fraction)}%"
        lines.append(mark + _part(answer.text, fmt, fmt) + _feedback(answer.feedback, fmt))
    return _lines(lines, general)


def _truefalse(q: ImportedQuestion, fmt: str, general: str) -> str:
    # {TRUE#shown for the wrong pick#shown for the right pick}
    wrong, right = _part(q.tf_feedback_wrong, fmt, fmt), _part(q.tf_feedback_right, fmt, fmt)
    block = "TRUE" if q.tf_answer else "FALSE"
    if wrong or right:
        block += "#" + wrong
    if right:
        block += "#" + right
    return "{" + block + general + "}"


def _shortanswer(q: ImportedQuestion, fmt: str, general: str) -> str:
    if any("->" in a.text or "->" in a.feedback for a in q.answers):
        only = q.answers[0] if len(q.answers) == 1 else None
        if only is None or only.fraction != 1.0 or not only.text or only.text.startswith("%"):
            raise GiftWriteError(f"question {q.name!r}: a short answer with '->' in an answer or feedback would be "
                                 "read as a matching question (only a single 100% answer can be written, as {a->b})")
        return "{" + _part(only.text, fmt, fmt) + _feedback(only.feedback, fmt) + general + "}"
    return _lines([f"=%{_percent(a.fraction)}%{_part(a.text, fmt, fmt)}{_feedback(a.feedback, fmt)}"
                   for a in q.answers], general)


def _numerical(q: ImportedQuestion, fmt: str, general: str) -> str:
    lines: list[str] = []
    other: list[str] = []
    for a in q.answers:
        if a.text == "*" and a.tolerance is None and a.fraction == 0 and not other:
            other.append(f"~#{_part(a.feedback, fmt, fmt)}")  # feedback for any other answer
        else:
            lines.append(f"=%{_percent(a.fraction)}%{gift_escape_text(a.text)}:{_number(a.tolerance)}"
                         f"{_feedback(a.feedback, fmt)}")
    return "{#\n" + _lines(lines + other, general)[2:]


def _matching(q: ImportedQuestion, fmt: str, general: str) -> str:
    if any("->" in p.left for p in q.pairs):
        raise GiftWriteError(f"question {q.name!r}: a matching item cannot contain '->' in GIFT")
    return _lines([f"={_part(p.left, fmt, fmt)} -> {gift_escape_text(p.right)}" for p in q.pairs], general)


_BLOCKS: dict[str, Callable[[ImportedQuestion, str, str], str]] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": lambda q, fmt, general: "{" + general + "}",
    "description": lambda q, fmt, general: "",
}
