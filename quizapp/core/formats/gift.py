"""Moodle GIFT files, read the way Moodle's importer reads them (``question/format/gift/format.php``).

The rules (shared/reference/question-formats.md §1) are kept exactly, quirks included: a blank line
is the only question separator, escapes become placeholders before anything is parsed, the answer
block runs from the first ``{`` to the first ``}``, the type is decided in Moodle's order, weights
must be one of Moodle's grades.  Any error rejects the whole file (Moodle's default "stop on
error"); we report every error with its line and keep reading.  Where Moodle silently accepts
something that is almost always a mistake we accept it the same way and warn.

Deviations (each only where Moodle crashes, garbles or would make the app worse):

- a ``}`` before the answer block's ``{`` is an error (Moodle computes a negative block length and
  imports garbage as an essay);
- a ``min..max`` range whose bounds are not numbers is an error (PHP 8 throws a TypeError);
- escapes never act as syntax, not even ``\\:`` inside a numerical answer (Moodle unescapes before
  looking for the tolerance ``:``);
- tolerances are stored as absolute values (Moodle's grader uses ``abs()`` anyway);
- an explicit name is not HTML-stripped, and an empty ``::::`` name gets the default name;
- essay (``{}``) and description (no answer block) questions are imported as Moodle imports them;
  quizzes only draw the graded types from a bank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from ..imported import ImportedQuestion, ParseResult
from ..input_checks import control_character_problems, excerpt
from .gift_answers import ALLOWED_FRACTIONS, WS, AnswerReader, is_numeric, number_text, snap_fraction
from .gift_scan import bracketed, strip_tags
from .gift_writer import GiftWriteError, write_gift

__all__ = ["ALLOWED_FRACTIONS", "GiftWriteError", "default_name", "is_numeric", "number_text", "parse_gift",
           "snap_fraction", "write_gift"]

_TF = ("T", "TRUE", "F", "FALSE")
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_SPACES = re.compile(r"\s+")
PROGRESS_LINES = 5000  # how often parse_gift reports its progress
Progress = Callable[[int, int], None]


def parse_gift(text: str, filename: str = "bank.gift", progress: Progress | None = None) -> ParseResult:
    """Read a GIFT file.  ``result.errors`` non-empty means Moodle would reject the file.

    ``filename`` is accepted for symmetry with the other readers; line numbers are 1-based.
    ``progress(done, total)``: characters read so far, every ``PROGRESS_LINES`` lines and at the end.
    """
    reader = _Reader(text)
    for line, message in control_character_problems(text):
        reader.error(line, message)
    return reader.run(text, progress)


def default_name(text: str) -> str:
    """Moodle's create_default_question_name: tags stripped, cut to about 80 characters."""
    plain = _SPACES.sub(" ", strip_tags(text)).strip()
    if len(plain) > 80:
        cut = plain[:77]
        space = cut.rfind(" ")
        plain = (cut[:space] if space > 0 else cut).rstrip() + "..."
    return plain or "Question"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """``text.split("\\n")`` one line at a time, each with the offset it starts at: the list of every line of
    a 25 MB file would be as large again as the file, and would live as long as the reading."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield start, text[start:end]
        start = end + 1
    yield start, text[start:]


class _Reader(AnswerReader):
    """The file half of the GIFT reader: lines, questions, categories, names and comments; each answer block
    goes to :class:`~quizapp.core.formats.gift_answers.AnswerReader`'s methods."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.category = ""
        # Escapes become placeholder characters before anything is parsed (Moodle's escapedchar_pre),
        # so they never act as syntax.  Placeholders are characters that do not occur in the file.
        used, code = set(text), 0xE000
        marks: list[str] = []
        while len(marks) < 8:
            if chr(code) not in used:
                marks.append(chr(code))
            code += 1
        self.pre = dict(zip("\\:#={}~n", marks, strict=True))
        self.post = str.maketrans(dict(zip(marks, "\\:#={}~\n", strict=True)))

    # -- reading ---------------------------------------------------------------------------------
    def run(self, text: str, progress: Progress | None = None) -> ParseResult:
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        chunk: list[tuple[int, str]] = []
        for number, (offset, raw) in enumerate(_lines(text), start=1):
            if progress is not None and number % PROGRESS_LINES == 0:
                progress(offset, len(text))
            line = raw.strip(WS)
            if line == "0":
                self.warn(number, "a line holding only '0' counts as a blank line in Moodle (PHP empty()): it ends "
                                  "the question and is lost; put the 0 on the line above")
            if line in ("", "0"):
                if chunk:
                    self.read_chunk(chunk)
                chunk = []
            else:
                chunk.append((number, line))
        if chunk:
            self.read_chunk(chunk)
        if not self.result.questions and not self.result.errors:
            self.error(1, "There are no questions in the import file")
        if progress is not None:
            progress(len(text), len(text))
        return self.result

    def read_chunk(self, chunk: list[tuple[int, str]]) -> None:
        comments, parts, self.starts, self.lines = [], [], [], []
        offset = 0
        for number, line in chunk:
            if line.startswith("//"):  # a whole-line comment, even inside a question
                comments.append(line)
                line = " "
            else:
                line = _ESCAPE.sub(lambda m: self.pre[m.group(1)], line)
            self.starts.append(offset)
            self.lines.append(number)
            parts.append(line)
            offset += len(line) + 1
        self.src = "\n".join(parts)
        lo, hi = self.strip(0, len(self.src))
        comment = "\n".join(comments)
        if lo == hi:
            if "[id:" in comment or "[tag:" in comment:
                self.warn(chunk[0][0], "[id:...]/[tag:...] in a comment with no question after it (a blank line "
                                       "separates them): ignored")
            return
        first = self.line_at(lo)
        if self.src.startswith("$CATEGORY:", lo):
            self.category = self.unescape(self.src[lo + 10:hi]).strip(WS)
            if "\n" in self.category:
                self.warn(first, "the lines after $CATEGORY: become part of the category name (Moodle swallows the "
                                "question that follows): put a blank line after the $CATEGORY line")
            return
        found = next(bracketed(comment, "[id:"), None)
        id_number = found.strip(WS).replace("\\]", "]") if found is not None else ""
        tags = tuple(t for t in (raw.strip(WS).replace("\\]", "]")
                                 for raw in bracketed(comment, "[tag:", forbidden="<>", allow_empty=True)) if t)
        question = self.question(lo, hi, first)
        if question is not None:
            self.result.questions.append(replace(question, id_number=id_number, tags=tags))

    def question(self, lo: int, hi: int, line: int) -> ImportedQuestion | None:
        src, name, p = self.src, "", lo
        if src.startswith("::", p):
            end = src.find("::", p + 2, hi)
            if end < 0:
                self.warn(line, "'::' opens a question name that is never closed: the question is named after its text")
                p += 2
            else:
                name, p = self.unescape(src[p + 2:end]).strip(WS), end + 2
            p = self.strip(p, hi)[0]
        op, cl = src.find("{", p, hi), src.find("}", p, hi)
        if op < 0 and cl < 0:  # no answer block: a description (Moodle: defaultmark 0)
            if src[lo:hi].upper().startswith("$CATEGORY:"):
                self.warn(line, "this is read as a description (did you mean $CATEGORY:? it is case-sensitive)")
            text, fmt = self.part(src[p:hi], "moodle", line)
            return ImportedQuestion(qtype="description", name=name or default_name(text), text=text, line=line,
                                    text_format=fmt, category=self.category, default_grade=0.0)
        if op < 0 or cl < 0:
            self.error(self.line_at(max(op, cl)), "Could not find {...} around answers (a '{' or '}' is missing; "
                                                  "write a literal brace as \\{ or \\})")
            return None
        if cl < op:
            self.error(self.line_at(cl), "a '}' comes before the '{' of the answer block: write a literal } as \\}")
            return None
        self.check_merged(lo, cl, hi)
        a_lo, a_hi = self.strip(op + 1, cl)
        g = src.rfind("####", a_lo, a_hi)  # general feedback: after the *last* ####, removed before typing
        gf_raw = src[g + 4:a_hi] if g >= 0 else ""
        if g >= 0:
            a_lo, a_hi = self.strip(a_lo, g)
        # If the text does not end with the block, the block becomes a blank: a missing-word question.
        blank = "" if src[hi - 1] == "}" else "_____"
        text, fmt = self.part(src[p:op] + blank + src[cl + 1:hi], "moodle", line)
        general_feedback = self.part(gf_raw, fmt, line)[0]
        block, block_line = src[a_lo:a_hi], self.line_at(op)
        if not block:  # {} or {####feedback}: an essay, with Moodle's essay defaults
            return ImportedQuestion(qtype="essay", name=name or default_name(text), text=text, line=line,
                                    text_format=fmt, category=self.category, general_feedback=general_feedback)
        errors_before = len(self.result.errors)
        if block[0] == "#":
            qtype, read = "numerical", self.numerical(a_lo, a_hi, fmt, block_line)
        elif "~" in block:
            qtype, read = "multichoice", self.multichoice(a_lo, a_hi, fmt, block_line)
        elif "=" in block and "->" in block:
            qtype, read = "matching", self.matching(a_lo, a_hi, fmt, block_line)
        else:
            h = block.find("#")
            check = block[:h].strip(WS) if h > 0 else block
            if check in _TF:  # case-sensitive, as in Moodle
                qtype, read = "truefalse", self.truefalse(a_lo, a_hi, fmt, block_line)
            else:
                if check.upper() in _TF:
                    self.warn(block_line, f"{{{excerpt(self.unescape(check))}}} is read as a short answer, not "
                                          f"true/false (Moodle is case-sensitive): did you mean "
                                          f"{{{excerpt(check.upper())}}}?")
                qtype, read = "shortanswer", self.shortanswer(a_lo, a_hi, fmt, block_line)
        fields, answer_lines = read
        answers = []
        for answer, answer_line in zip(fields.get("answers", ()), answer_lines, strict=True):
            grade = snap_fraction(answer.fraction)
            if grade is None:
                self.error(answer_line, f"the weight %{answer.fraction * 100:.10g}% is not one of Moodle's grades "
                                        "(100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
                                        "16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 or minus one of them)")
            answers.append(replace(answer, fraction=answer.fraction if grade is None else grade))
        if len(self.result.errors) > errors_before:
            return None
        if answers:
            fields["answers"] = tuple(answers)
        return ImportedQuestion(qtype=qtype, name=name or default_name(text), text=text, line=line, text_format=fmt,
                                category=self.category, general_feedback=general_feedback, **fields)

    def check_merged(self, lo: int, cl: int, hi: int) -> None:
        """Warn when a chunk looks like two questions run together for lack of a blank line."""
        src, hits = self.src, []
        for start in self.starts:
            if start > lo:
                eol = src.find("\n", start)
                eol = len(src) if eol < 0 else eol
                if (src.startswith("::", start) and src.find("::", start + 2, eol) >= 0) \
                        or src.startswith("$CATEGORY:", start):
                    hits.append(start)
        brace, stray = src.find("{", cl + 1, hi), src.find("}", cl + 1, hi)
        if brace >= 0:
            hits.append(brace)
        if hits:
            self.warn(self.line_at(min(hits)), "this line looks like the start of another question (a second "
                                               "::name::, answer block or $CATEGORY): Moodle reads everything up "
                                               "to the next blank line as ONE question; separate questions with a "
                                               "blank line")
        if stray >= 0 and (brace < 0 or stray < brace):
            self.warn(self.line_at(stray), "a '}' after the answer block: the block ended at the first '}' (an "
                                           "unescaped } inside an answer?); write a literal } as \\}")
