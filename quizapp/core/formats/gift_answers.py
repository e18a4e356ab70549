"""GIFT answer blocks, read the way Moodle's importer reads them: the part of the GIFT reader that turns the text
between ``{`` and ``}`` into a question type's answers (multiple choice, true/false, short answer, matching,
numerical), with the helpers they share (weights, feedback, text formats, Moodle's explode() of the block).

:mod:`quizapp.core.formats.gift` splits the file into questions and categories and hands each block here;
the rules and deviations from Moodle are listed there.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Any

from ..imported import TEXT_FORMATS, Answer, Issue, MatchPair, ParseResult
from ..input_checks import excerpt

WS = " \t\n\r\0\x0b"  # PHP trim()'s characters (Python's strip() would also eat NBSP and friends)
_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
           0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
ALLOWED_FRACTIONS: tuple[float, ...] = (*_GRADES, 0.0, *(-g for g in _GRADES))  # question_bank::fraction_options_full
_GRADE_TOLERANCE = 0.00001  # match_grade_options()

_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")  # Moodle's $giftanswerweightregex; .match() anchors it
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")
_FORMAT_WORD = re.compile(r"[A-Za-z]+")


def is_numeric(value: str) -> bool:
    """PHP's is_numeric() for the strings GIFT can hold (no hex, no inf/nan)."""
    return _NUMERIC.fullmatch(value) is not None


def snap_fraction(fraction: float) -> float | None:
    """The Moodle grade within 0.00001 of ``fraction`` (``match_grade_options``), or None."""
    for grade in ALLOWED_FRACTIONS:
        if abs(fraction - grade) < _GRADE_TOLERANCE:
            return grade
    return None


def number_text(value: float) -> str:
    """A float as GIFT/Python can read it back exactly: ``3`` for 3.0, else the shortest repr."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class AnswerReader:
    """The answer-block half of the GIFT reader: ``src`` is the question being read (escapes already replaced by
    placeholders, which ``post`` turns back), ``starts`` and ``lines`` map its offsets to file lines."""

    post: dict[int, str]

    def __init__(self) -> None:
        self.result = ParseResult()
        self.src, self.starts, self.lines = "", [0], [1]

    # -- helpers ---------------------------------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(Issue(line, message))

    def error(self, line: int, message: str) -> None:
        self.result.errors.append(Issue(line, message))

    def line_at(self, pos: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.starts, pos) - 1)]

    def unescape(self, raw: str) -> str:
        return raw.translate(self.post)

    def strip(self, lo: int, hi: int) -> tuple[int, int]:
        while lo < hi and self.src[lo] in WS:
            lo += 1
        while hi > lo and self.src[hi - 1] in WS:
            hi -= 1
        return lo, hi

    def split_format(self, raw: str, default: str, line: int) -> tuple[str, str]:
        """A leading [moodle]/[html]/[plain]/[markdown] sets this part's format (parse_text_with_format)."""
        raw = raw.strip(WS)
        if raw.startswith("["):
            end = raw.find("]")
            word = raw[1:end] if end > 0 else ""
            if word in TEXT_FORMATS:
                return raw[end + 1:], word
            if _FORMAT_WORD.fullmatch(word):
                self.warn(line, f"[{excerpt(word)}] is not a text format (moodle, html, plain, markdown; case "
                                "matters): it stays in the text")
        return raw, default

    def part(self, raw: str, default: str, line: int) -> tuple[str, str]:
        raw, fmt = self.split_format(raw, default, line)
        return self.unescape(raw).strip(WS), fmt

    def comment(self, lo: int, hi: int) -> tuple[str, str]:
        """Answer text and feedback: split at the first '#' (commentparser)."""
        h = self.src.find("#", lo, hi)
        return (self.src[lo:hi], "") if h < 0 else (self.src[lo:h], self.src[h + 1:hi])

    def weight(self, lo: int, hi: int, line: int, default: float) -> tuple[float, int]:
        m = _WEIGHT.match(self.src, lo, hi)
        if not m:
            if self.src.startswith("%", lo):
                self.warn(line, f"'{excerpt(self.unescape(self.src[lo:hi]))}' does not start with a weight Moodle "
                                "reads (%50%, %-33.33333%): the % stays in the answer text")
            return default, lo
        raw = m.group()[1:-1]
        try:
            return float(raw) / 100, m.end()
        except ValueError:
            self.error(line, f"the weight %{excerpt(raw)}% is not a number")
            return default, m.end()

    def check_inner_weight(self, lo: int, hi: int, line: int) -> None:
        """Warn on a weight such as %50% inside an answer's text (before its feedback): usually a forgotten
        ~ or = before it, which Moodle then keeps as text of the previous answer."""
        end = self.src.find("#", lo, hi)
        m = _WEIGHT.search(self.src, lo + 1, hi if end < 0 else end)
        if m:
            self.warn(line, f"'{excerpt(self.unescape(self.src[lo:hi]))}' has {m.group()} inside the answer text: "
                            f"a forgotten ~ or = before {m.group()}? Moodle keeps it as part of this answer")

    def pieces(self, lo: int, hi: int, drop: str, keep: str, line: int, lead: bool) -> list[tuple[int, int]]:
        """Split the answer block like Moodle's explode(): at ``drop`` characters (removed) and before
        ``keep`` characters (kept, as Moodle's ``=`` -> ``~=`` rewrite does), each piece trimmed."""
        src, out, start, glued = self.src, [], lo, None
        for i in range(lo, hi):
            if src[i] in drop or src[i] in keep:
                out.append((start, i))
                start = i if src[i] in keep else i + 1
                if glued is None and lo < i < hi - 1 and src[i - 1] not in WS + drop + keep and src[i + 1] not in WS:
                    glued = i
        out.append((start, hi))
        out = [self.strip(s, e) for s, e in out]
        first = src[out[0][0]:out[0][1]]
        if first in ("", "0"):  # PHP empty(): the piece before the first separator goes if blank or "0"
            if first == "0":
                self.warn(line, "an answer written as just '0' before the first separator is dropped (Moodle's PHP "
                                "empty() quirk): write =0 or ~0")
            out.pop(0)
        elif lead:
            self.warn(line, f"the text '{excerpt(self.unescape(first))}' before the first ~ or = becomes a wrong "
                            "answer")
        if glued is not None:
            near = self.unescape(src[glued - 1:glued + 2])
            self.warn(self.line_at(glued), f"'{near}': an unescaped {src[glued]} inside text starts a new answer; "
                                           f"write \\{src[glued]} if it belongs to the text")
        return out

    # -- question types --------------------------------------------------------------------------
    def multichoice(self, lo: int, hi: int, fmt: str, line: int) -> tuple[dict[str, Any], list[int]]:
        src = self.src
        single = "=" in src[lo:hi]  # any '=' makes it single-answer (radio buttons)
        pieces = self.pieces(lo, hi, "~", "=", line, lead=True)
        if len(pieces) < 2:
            self.error(line, "not enough answers for this question type (multiple choice needs at least 2)")
        answers, lines = [], []
        for s, e in pieces:
            answer_line = self.line_at(s)
            if s < e and src[s] == "=":  # an empty piece (s == e) ends at the next "=": not its own mark
                weight, s = 1.0, s + 1
                after = self.strip(s, e)[0]
                if _WEIGHT.match(src, after, e):  # Moodle never reads a weight after '='
                    self.warn(answer_line, f"'={excerpt(self.unescape(src[after:e]))}': an = answer is always 100% and "
                                           "the weight after = stays in the answer text; write ~%50%... for partial "
                                           "credit")
            else:
                weight, s = self.weight(s, e, answer_line, 0.0)
            self.check_inner_weight(s, e, answer_line)
            raw, feedback = self.comment(s, e)
            answer = Answer(self.part(raw, fmt, answer_line)[0], weight, self.part(feedback, fmt, answer_line)[0])
            if not answer.text:
                self.warn(answer_line, "an empty answer (two separators in a row?)")
            answers.append(answer)
            lines.append(answer_line)
        positive = [a.fraction for a in answers if a.fraction > 0]
        if pieces and not positive:
            self.warn(line, "no answer earns any marks, so nobody can get this question right: mark the right "
                            "answer with = (or ~%100% / ~%50% weights when several are right)")
        elif not single and abs(sum(positive) - 1) > 0.001:
            self.warn(line, f"the positive weights of this multiple-answer question add up to "
                            f"{sum(positive) * 100:.6g}%, not 100%")
        return {"single": single, "answers": tuple(answers)}, lines

    def truefalse(self, lo: int, hi: int, fmt: str, line: int) -> tuple[dict[str, Any], list[int]]:
        # {T#A#B}: A is shown for the wrong pick, B for the right one (explode('#', $answer, 3)).
        bits = [self.part(bit, fmt, line)[0] for bit in self.src[lo:hi].split("#", 2)] + ["", ""]
        return {"tf_answer": bits[0] in ("T", "TRUE"), "tf_feedback_wrong": bits[1],
                "tf_feedback_right": bits[2]}, []

    def shortanswer(self, lo: int, hi: int, fmt: str, line: int) -> tuple[dict[str, Any], list[int]]:
        pieces = self.pieces(lo, hi, "=", "", line, lead=False)  # {gold}: a single answer needs no '='
        if not pieces:
            self.error(line, "not enough answers for this question type (a short answer needs at least 1)")
        answers, lines = [], []
        for s, e in pieces:
            answer_line = self.line_at(s)
            weight, s = self.weight(s, e, answer_line, 1.0)
            self.check_inner_weight(s, e, answer_line)
            raw, feedback = self.comment(s, e)
            text, feedback = self.part(raw, fmt, answer_line)[0], self.part(feedback, fmt, answer_line)[0]
            answers.append(Answer(text, weight, feedback))
            lines.append(answer_line)
        return {"answers": tuple(answers)}, lines

    def matching(self, lo: int, hi: int, fmt: str, line: int) -> tuple[dict[str, Any], list[int]]:
        src = self.src
        pieces = self.pieces(lo, hi, "=", "", line, lead=False)
        if len(pieces) < 2:
            self.error(line, "not enough answers for this question type (matching needs at least 2 pairs)")
        pairs = []
        for s, e in pieces:
            pair_line = self.line_at(s)
            arrow = src.find("->", s, e)
            if arrow < 0:
                self.error(pair_line, f"Matching question answers are improperly formatted: "
                                      f"'{excerpt(self.unescape(src[s:e]))}' has no '->'")
                continue
            if "#" in src[s:e]:
                self.warn(pair_line, "'#' is not feedback in a matching question: it stays in the text")
            # The left item goes through the format prefix; the right-hand answer does not (Moodle).
            pairs.append(MatchPair(self.part(src[s:arrow], fmt, pair_line)[0],
                                   self.unescape(src[arrow + 2:e]).strip(WS)))
        if len(pieces) >= 2 and len(pairs) == len(pieces) and sum(1 for p in pairs if p.left) < 2:
            self.warn(line, "fewer than 2 items to match (= -> X lines are only distractors)")
        return {"pairs": tuple(pairs)}, []

    def numerical(self, lo: int, hi: int, fmt: str, line: int) -> tuple[dict[str, Any], list[int]]:
        src = self.src
        other = src.find("~", lo + 1, hi)  # ~#feedback: shown for any other answer
        pieces = self.pieces(lo + 1, hi if other < 0 else other, "=", "", line, lead=False)
        if not pieces:
            self.error(line, "No answers found in numerical question")
        answers, lines = [], []
        for s, e in pieces:
            answer_line = self.line_at(s)
            weight, s = self.weight(s, e, answer_line, 1.0)
            raw, feedback = self.comment(s, e)
            raw = self.split_format(raw, fmt, answer_line)[0].strip(WS)
            dots, colon = raw.find(".."), raw.find(":")
            if dots > 0:  # {#min..max} is stored as midpoint +- half the width
                low, high = (self.unescape(x).strip(WS) for x in (raw[:dots], raw[dots + 2:]))
                shown = f"{excerpt(low, 30)}..{excerpt(high, 30)}"
                if not (is_numeric(low) and is_numeric(high)):
                    self.error(answer_line, f"the range '{shown}' needs two numbers (min..max)")
                    continue
                bounds = float(low), float(high)
                middle = (bounds[0] + bounds[1]) / 2
                if not all(math.isfinite(x) for x in (*bounds, middle, bounds[1] - middle)):
                    self.error(answer_line, f"the range '{shown}' is not a finite range of numbers (too large)")
                    continue
                if bounds[0] > bounds[1]:
                    self.warn(answer_line, f"the range {shown} has min above max: read as "
                                           f"{excerpt(high, 30)}..{excerpt(low, 30)}")
                value, tolerance = number_text(middle), abs(bounds[1] - middle)
            else:
                value, tol = (raw[:colon], raw[colon + 1:]) if colon > 0 else (raw, "0")
                value, tol = self.unescape(value).strip(WS), self.unescape(tol).strip(WS)
                if not is_numeric(tol):
                    self.error(answer_line, f"the tolerance '{excerpt(tol)}' is not a number")
                    continue
                tolerance = abs(float(tol))
                if not math.isfinite(tolerance) or (is_numeric(value) and not math.isfinite(float(value))):
                    self.error(answer_line, f"'{excerpt(self.unescape(raw))}' is not a finite number (too large)")
                    continue
                if not is_numeric(value) and value != "*":
                    # Moodle's `$ans = '*'` (an assignment, not a comparison) silently accepts anything.
                    self.warn(answer_line, f"WARNING: the numerical answer '{excerpt(value)}' is not a number, so "
                                           f"Moodle turns it into '*', which accepts ANY answer for "
                                           f"{weight * 100:.6g}% of the marks; write a number such as {{#3.14:0.01}}")
                    value = "*"
            answers.append(Answer(value, weight, self.part(feedback, fmt, answer_line)[0], tolerance))
            lines.append(answer_line)
        if other >= 0:
            h = src.find("#", other, hi)
            feedback = self.part(src[h + 1:hi], fmt, self.line_at(other))[0] if h >= 0 else ""
            answers.append(Answer("*", 0.0, feedback, None))
            lines.append(self.line_at(other))
        return {"answers": tuple(answers)}, lines
