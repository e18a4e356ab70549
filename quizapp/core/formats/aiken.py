"""Aiken files, read the way Moodle's ``qformat_aiken::readquestions`` reads them.

The format::

    What is the capital of France?
    A) London
    B. Paris
    C) Rome
    ANSWER: B

Moodle's rules, kept exactly:

- lines are trimmed (PHP ``trim``: space, tab, CR, LF, NUL, vertical tab) and lines shorter than
  two *bytes* are skipped, so no blank line is needed between questions;
- a line matching ``^[A-Z][).][ \\t]?`` is an option whose text is the rest of the line after the
  two-character label, trimmed; the label letter itself is never checked, options count by position;
- a line starting exactly ``ANSWER:`` ends the question; only the first character after the colon
  (spaces skipped) counts, as ``ord(ch) - ord('A')``;
- any other line starts a question, whose text (and name) is that one line;
- the result is always a single-answer multiple-choice question, fractions 1 and 0, no feedback.

Moodle's errors are reported with Moodle's wording (plus a hint in brackets), every one of them,
not just the first: "Question must have at least 2 answers on line N", "Question not started on
line N", "Question not completed before next question start on line N".

Where Moodle is silently wrong we reject, because importing is all-or-nothing and each of these
is nearly always a typo that would leave a question that cannot be answered right:

- a question with no ANSWER line at the end of the file (Moodle drops it without a word);
- ``ANSWER: C`` with two options, ``ANSWER: b`` or a bare ``ANSWER:`` (Moodle sets the fraction
  of an option that does not exist and saves a question with no right answer);
- an option with no text (Moodle's multichoice editor skips blank answers, which can lose the
  right one).

Where Moodle's reading is well defined but possibly not what was meant, we accept and warn:
``ANSWER: A, C`` (only A counts) and option labels that are not A, B, C… in order while the
ANSWER letter differs from the label of the option it picks (Moodle counts by position).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..imported import Answer, ImportedQuestion, Issue, ParseResult
from ..input_checks import control_character_problems, excerpt

__all__ = ["parse_aiken", "write_aiken"]

_OPTION = re.compile(r"[A-Z][).][ \t]?")
_LOWER_OPTION = re.compile(r"[a-z][).]")
_LOOSE_ANSWER = re.compile(r"answer\s*:", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PHP_TRIM = " \t\n\r\0\x0b"  # the characters PHP's trim() removes (Python's strip() removes more)
_ANSWER = "ANSWER:"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_TRAP_HINT = ("a question whose text starts with a capital letter and '.' or ')', such as 'U.S. coins…' "
              "or 'A. Einstein…', is read as an option: reword the start of the question")
_STRAY_HINT = "an option after its question's ANSWER line, or a question whose text starts like an option label"


@dataclass
class _Open:
    """The question being read."""

    line: int
    text: str
    options: list[tuple[int, str, str]] = field(default_factory=list)  # (line, label letter, text)
    failed: bool = False  # an error was reported inside it: it is never emitted
    phantom: bool = False  # opened by an orphan option line, only to absorb the rest of its run
    error_index: int = -1  # phantom: the "not started" error whose hint is settled when it closes


def _byte_length(line: str) -> int:
    return len(line.encode("utf-8", "surrogatepass"))  # PHP's strlen counts bytes


def parse_aiken(text: str, filename: str = "bank.txt") -> ParseResult:
    """Read an Aiken file. Never raises: problems come back as ``errors`` and ``warnings``."""
    result = ParseResult()
    result.errors.extend(Issue(line, message) for line, message in control_character_problems(text))
    current: _Open | None = None

    def error(line: int, message: str) -> None:
        result.errors.append(Issue(line, message))

    def settle_phantom(phantom: _Open, answered: bool) -> None:
        # An orphan option closed by an ANSWER line was a question that looks like an option.
        hint = _TRAP_HINT if answered else _STRAY_HINT
        issue = result.errors[phantom.error_index]
        result.errors[phantom.error_index] = Issue(issue.line, f"{issue.message} ({hint})")

    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    for number, raw in enumerate(lines, start=1):
        line = raw.strip(_PHP_TRIM)
        if _byte_length(line) < 2:
            continue

        if _OPTION.match(line):
            if current is None:
                error(number, f"Question not started on line {number}")
                # Absorb the options and ANSWER that follow, so one mistake gives one error.
                current = _Open(number, line, failed=True, phantom=True, error_index=len(result.errors) - 1)
                continue
            if current.phantom:
                continue
            option_text = line[2:].strip(_PHP_TRIM)
            if not option_text:
                error(number, f"Option on line {number} has no text")
                current.failed = True
            current.options.append((number, line[0], option_text))
            continue

        if line.startswith(_ANSWER):
            if current is None:
                error(number, f"Question not started on line {number} (an ANSWER line must follow a question "
                              "and its options)")
            elif current.phantom:
                settle_phantom(current, answered=True)
            else:
                _finish(current, number, line, result)
            current = None
            continue

        # Any other line starts a question.
        if current is not None and current.phantom:
            settle_phantom(current, answered=False)
            current = None
        if current is None:
            current = _Open(number, line)
            continue
        message = f"Question not completed before next question start on line {number}"
        if _LOWER_OPTION.match(line):
            error(number, f"{message} (option labels must be upper-case letters, 'A)' or 'A.', not '{line[:2]}')")
            current.options.append((number, line[0], line[2:].strip(_PHP_TRIM)))
            current.failed = True
        elif _LOOSE_ANSWER.match(line):
            error(number, f"{message} (the answer line must read exactly 'ANSWER: X', in upper case with no "
                          "space before the colon)")
            current = None
        elif not current.options:
            error(number, f"{message} (the question text must be on one line; the question started on line "
                          f"{current.line})")
            current.failed = True
        else:
            error(number, f"{message} (the question started on line {current.line} has no ANSWER line, or an "
                          "option's text runs onto a second line)")
            current = _Open(number, line)

    if current is not None:
        if current.phantom:
            settle_phantom(current, answered=False)
        else:
            error(current.line, "Question not completed (no ANSWER line) at end of file, question started on "
                                f"line {current.line}")
    if not result.questions and not result.errors:
        error(1, f"There are no questions in {filename}")
    result.errors.sort(key=lambda issue: issue.line)  # stable; the end-of-file error names an earlier line
    result.warnings.sort(key=lambda issue: issue.line)
    return result


def _finish(question: _Open, number: int, line: str, result: ParseResult) -> None:
    """Check a question at its ANSWER line and keep it if it is sound."""
    if question.failed:
        return
    options = question.options
    if len(options) < 2:
        result.errors.append(Issue(number, f"Question must have at least 2 answers on line {number}"))
        return
    given = line[len(_ANSWER):].strip(_PHP_TRIM)
    letter = given[:1]
    last = _LETTERS[min(len(options), 26) - 1]
    no_right = "Moodle would save the question with no right answer"
    if not letter:
        result.errors.append(Issue(number, f"ANSWER on line {number} gives no letter ({no_right})"))
        return
    if letter not in _LETTERS:
        upper = letter.upper()
        if len(upper) == 1 and upper in _LETTERS[:len(options)]:
            detail = f"the letter must be upper case: 'ANSWER: {letter.upper()}'"
        else:
            detail = f"it must be one of the option letters A–{last}"
        result.errors.append(Issue(number, f"ANSWER: {letter} on line {number} names no option ({detail}; {no_right})"))
        return
    index = ord(letter) - ord("A")
    if index >= len(options):
        result.errors.append(Issue(number, f"ANSWER: {letter} on line {number} names option {index + 1}, but the "
                                           f"question on line {question.line} has only {len(options)} options "
                                           f"({no_right})"))
        return
    rest = given[1:].lstrip(" \t).:").strip()
    if rest:
        result.warnings.append(Issue(number, f"ANSWER on line {number}: only the first letter '{letter}' counts; "
                                             f"'{excerpt(rest)}' is ignored (an Aiken question has one right answer)"))
    labels = [label for _, label, _ in options]
    if labels[index] != letter:
        result.warnings.append(Issue(question.line, (
            f"The options of the question on line {question.line} are labelled {', '.join(labels)}; options count "
            f"by position, not by label, so 'ANSWER: {letter}' on line {number} picks option {index + 1}, "
            f"'{excerpt(options[index][2])}' (labelled {labels[index]})")))
    result.questions.append(ImportedQuestion(
        qtype="multichoice",
        name=question.text,
        text=question.text,
        line=question.line,
        # Moodle stores htmlspecialchars(text, ENT_NOQUOTES) as FORMAT_HTML. We keep the text as written
        # and mark it plain, so the web layer escapes it once when showing it (same result on screen,
        # and no double escaping of the kind Moodle once had).
        text_format="plain",
        single=True,
        answers=tuple(Answer(text, 1.0 if i == index else 0.0) for i, (_, _, text) in enumerate(options)),
    ))


def write_aiken(questions: Iterable[ImportedQuestion]) -> str:
    """Aiken text for single-answer multiple-choice questions with one right answer (fraction 1, others 0).

    Anything Aiken cannot hold raises ``ValueError`` naming the question: other types, several or
    partial-credit answers, more than 26 or fewer than 2 options, text on more than one line, a
    question line that would read back as an option or an ANSWER line. Aiken has no place for
    names, feedback, categories or tags: those are left out (re-reading names a question by its text).
    Texts are trimmed as the reader trims them.
    """
    blocks = []
    for number, question in enumerate(questions, start=1):
        where = f"question {number} ({question.name!r})"
        if question.qtype != "multichoice" or not question.single:
            raise ValueError(f"{where}: Aiken holds only single-answer multiple-choice questions")
        answers = question.answers
        if not 2 <= len(answers) <= 26:
            raise ValueError(f"{where}: Aiken needs 2 to 26 options, not {len(answers)}")
        right = [i for i, a in enumerate(answers) if abs(a.fraction - 1.0) < 1e-9]
        if len(right) != 1 or any(abs(a.fraction) > 1e-9 for i, a in enumerate(answers) if i != right[0]):
            raise ValueError(f"{where}: Aiken needs exactly one right option (fraction 1) and the others at 0")
        text = question.text.strip(_PHP_TRIM)
        if _LINE_BREAK.search(text):
            raise ValueError(f"{where}: Aiken question text must be one line")
        if _byte_length(text) < 2:
            raise ValueError(f"{where}: Aiken question text must be at least 2 characters")
        if _OPTION.match(text) or text.startswith(_ANSWER):
            raise ValueError(f"{where}: the question text would be read back as an option or ANSWER line")
        lines = [text]
        for letter, answer in zip(_LETTERS, answers, strict=False):
            option = answer.text.strip(_PHP_TRIM)
            if not option or _LINE_BREAK.search(option):
                raise ValueError(f"{where}: Aiken options must be one non-empty line each")
            lines.append(f"{letter}) {option}")
        lines.append(f"ANSWER: {_LETTERS[right[0]]}")
        if control_character_problems("".join(lines)):
            raise ValueError(f"{where}: holds a control character, which the reader refuses")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
