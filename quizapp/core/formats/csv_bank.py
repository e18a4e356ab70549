r"""Question banks as CSV files, for instructors who keep their questions in a spreadsheet.

The format
----------
- UTF-8 text (a byte-order mark is allowed), comma-separated, standard CSV quoting: a cell that
  holds a comma, a double quote or a line break is put in double quotes, and a double quote inside
  it is doubled (``""``). Quoted cells may span several lines.
- The first row is a header naming the columns, in any order: ``question``, ``options``,
  ``answer``, ``explanation``, ``category`` (case and surrounding spaces do not matter).
  ``question``, ``options`` and ``answer`` are required; any other column name is an error.
- Each following row is one question; rows whose cells are all blank are skipped, and cells are
  trimmed. A row may stop early (missing trailing cells are blank) but may not have more cells
  than the header.
- ``options`` holds the choices separated by ``|``. Inside ``options`` and ``answer``, ``\|`` is a
  literal ``|`` and ``\\`` a literal backslash; any other backslash is kept as it is.
- ``answer`` names the right option by its 1-based number or its letter (``A``, ``B``, …, either
  case). Several right options separated by ``|`` (``1|3``) make a multiple-answer question in
  which each right option is worth the same share (1/2, 1/3, … as Moodle's allowed grades
  .5, .3333333, …) and the wrong ones 0. Moodle has such grades for 1 to 10 and for 20 right
  options only; other counts are an error.
- In a multiple-answer question the wrong options share a penalty of the whole mark (e.g. two
  wrong options cost 50% each), so ticking every box scores 0; the question never goes below 0.
- An empty ``options`` cell makes a short-answer question: ``answer`` then lists the accepted
  answers separated by ``|`` (matched as Moodle does: case-insensitive, ``*`` for any text).
- ``options`` exactly ``True|False`` with ``answer`` ``True`` or ``False`` (either case) makes a
  true/false question. (With ``answer`` ``1`` or ``A`` it stays a two-option multiple choice.)
- ``explanation`` is shown after answering (Moodle's general feedback); ``category`` groups
  questions (``top/Sub/Sub``-style paths, kept as written).
- A question's name is its text, whitespace collapsed, cut to 80 characters.

A complete example::

    question,options,answer,explanation,category
    What is the capital of France?,London|Paris|Rome,2,Paris has been the capital since 987.,Geography
    Which are prime numbers?,2|4|5|9,A|C,"4 = 2×2, 9 = 3×3.",Maths
    "Pick the pipe character, please",\||/|-,1,,
    Name the largest planet.,,Jupiter|Jupiter*,,Astronomy
    The Earth is flat.,True|False,False,"It is, roughly, a sphere.",Geography
    "A question on
    two lines",yes|no,B,,

Every error is reported with the line the row starts on (a row with multi-line cells spans
several lines), and the file is rejected if there is any. A repeated question text is a warning.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..imported import Answer, ImportedQuestion, Issue, ParseResult, normalise_text
from ..input_checks import control_character_problems, excerpt

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "default_name", "parse_csv", "share_for", "write_csv"]

COLUMNS = ("question", "options", "answer", "explanation", "category")
REQUIRED_COLUMNS = ("question", "options", "answer")

# Moodle's allowed grades (question/engine/bank.php): a share 1/k must be one of these.
_MOODLE_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                  0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
_GRADE_TOLERANCE = 0.00001  # match_grade_options()
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAME_LENGTH = 80
_TRUE_FALSE = ["True", "False"]


def default_name(text: str) -> str:
    """A question's name: its text with whitespace collapsed, cut to 80 characters."""
    return " ".join(text.split())[:_NAME_LENGTH].rstrip()


def wrong_penalty(right_count: int, option_count: int) -> float:
    """What a wrong option costs in a multiple-answer question: the wrong options together cost the whole
    mark, so ticking every box scores 0 (with no penalty, it would score full marks). Single-answer: 0."""
    wrong = option_count - right_count
    if right_count < 2 or wrong == 0:
        return 0.0
    return -(share_for(wrong) or 1.0)


def share_for(count: int) -> float | None:
    """Moodle's allowed grade for one of ``count`` equal right options, or None if it has none."""
    if count < 1:
        return None
    return next((g for g in _MOODLE_GRADES if abs(g - 1 / count) < _GRADE_TOLERANCE), None)


def _split(cell: str) -> list[str]:
    """Split on unescaped ``|``; ``\\|`` is a literal bar and ``\\\\`` a literal backslash. Parts are trimmed."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in ("|", "\\"):
                current.append(following)
            else:
                current.append(char + following)
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _join(parts: Iterable[str]) -> str:
    return "|".join(part.replace("\\", "\\\\").replace("|", "\\|") for part in parts)


def _csv_error(exc: csv.Error, line: int) -> str:
    detail = str(exc)
    if "unexpected end of data" in detail:
        return (f"A quoted cell in the row starting on line {line} is never closed (a double quote is missing; "
                "a double quote inside a quoted cell is written twice: \"\")")
    if "expected after" in detail:
        return (f"Malformed quoting in the row starting on line {line}: a quoted cell must end with a double quote "
                "followed by a comma or the end of the line (write a double quote inside a quoted cell twice: \"\")")
    return f"The row starting on line {line} cannot be read as CSV: {detail}"


def parse_csv(text: str, filename: str = "bank.csv") -> ParseResult:
    """Read a CSV question bank (the format is in the module docstring). Never raises."""
    result = ParseResult()
    result.errors.extend(Issue(line, message) for line, message in control_character_problems(text))
    _parse_into(result, text, filename)
    # In line order (stable); a CSV syntax error is found before the header is checked.
    result.errors.sort(key=lambda issue: issue.line)
    result.warnings.sort(key=lambda issue: issue.line)
    return result


def _parse_into(result: ParseResult, text: str, filename: str) -> None:
    """Rows, header, then each question; a CSV syntax error ends the reading (the reader cannot resynchronise)."""
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:  # the reader cannot resynchronise after this: stop here
        result.errors.append(Issue(start, _csv_error(exc, start)))

    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        if not result.errors:
            result.errors.append(Issue(1, f"There are no questions in {filename} (it has no header row: "
                                          f"{','.join(COLUMNS)})"))
        return

    header_line, header = rows[0]
    columns = [cell.strip().lower() for cell in header]
    if not _check_header(header_line, columns, result):
        return

    seen_texts: dict[str, int] = {}
    for line, row in rows[1:]:
        if len(row) > len(columns):
            result.errors.append(Issue(line, f"The row on line {line} has {len(row)} cells but the header has "
                                             f"{len(columns)} columns (put a cell that contains a comma in double "
                                             "quotes)"))
            continue
        cells = {name: value.strip() for name, value in zip(columns, row, strict=False) if name in COLUMNS}
        question, errors = _read_row(line, cells)
        result.errors.extend(Issue(line, message) for message in errors)
        key = normalise_text(cells.get("question", ""))
        if key:
            if key in seen_texts:
                result.warnings.append(Issue(line, f"The question on line {line} repeats the question on line "
                                                   f"{seen_texts[key]} (imported anyway)"))
            else:
                seen_texts[key] = line
        if question is not None:
            result.questions.append(question)

    if not result.questions and not result.errors:
        result.errors.append(Issue(header_line, f"There are no questions in {filename} (only a header row)"))


def _check_header(line: int, columns: list[str], result: ParseResult) -> bool:
    """Record the header's errors; False when rows cannot be read at all (a required column is missing)."""
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        shown = ", ".join(repr(excerpt(name, 40)) for name in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        result.errors.append(Issue(line, f"Unknown column(s) {shown} in the header on line {line}; the columns are "
                                         f"{', '.join(COLUMNS)}"))
    counts = Counter(columns)
    repeated = sorted(name for name in COLUMNS if counts[name] > 1)
    if repeated:
        result.errors.append(Issue(line, f"Column(s) {', '.join(repeated)} appear more than once in the header on "
                                         f"line {line}"))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        result.errors.append(Issue(line, f"The header on line {line} lacks the required column(s) "
                                         f"{', '.join(missing)} (the first row must name the columns: "
                                         f"{','.join(COLUMNS)})"))
        return False
    return True


def _read_row(line: int, cells: dict[str, str]) -> tuple[ImportedQuestion | None, list[str]]:
    """One question from a row's trimmed cells, or None and every error found in the row."""
    errors: list[str] = []
    text = cells.get("question", "")
    options_cell = cells.get("options", "")
    answer_cell = cells.get("answer", "")
    if not text:
        errors.append(f"Empty question on line {line}")
    common: dict[str, Any] = {
        "name": default_name(text),
        "text": text,
        "line": line,
        "text_format": "plain",
        "category": cells.get("category", ""),
        "general_feedback": cells.get("explanation", ""),
    }

    if not options_cell:
        accepted = _split(answer_cell) if answer_cell else []
        if not accepted:
            errors.append(f"The short-answer question on line {line} has no accepted answer (an empty options "
                          "cell makes a short-answer question; list its accepted answers in the answer column)")
        elif any(not a for a in accepted):
            errors.append(f"An accepted answer on line {line} is empty (check for a stray |)")
        errors.extend(_duplicates(accepted, line, "Accepted answer"))
        if errors:
            return None, errors
        answers = tuple(Answer(a, 1.0) for a in accepted)
        return ImportedQuestion(qtype="shortanswer", answers=answers, **common), errors

    options = _split(options_cell)
    for number, option in enumerate(options, start=1):
        if not option:
            errors.append(f"Option {number} on line {line} is empty (check for a stray |)")
    filled = [o for o in options if o]
    if len(filled) < 2:
        hint = " (separate the options with |)" if any("," in o or ";" in o for o in filled) else ""
        errors.append(f"The question on line {line} has fewer than 2 options{hint}")
    errors.extend(_duplicates(filled, line, "Option"))

    if options == _TRUE_FALSE and answer_cell.casefold() in ("true", "false"):
        if errors:
            return None, errors
        return ImportedQuestion(qtype="truefalse", tf_answer=answer_cell.casefold() == "true", **common), errors

    if len(filled) < 2:
        return None, errors  # an answer cannot be checked against fewer than 2 options
    rights = _answer_indexes(answer_cell, options, line, errors)
    share = None
    if rights:
        share = share_for(len(rights))
        if share is None:
            errors.append(f"The question on line {line} has {len(rights)} right options: each would be worth "
                          f"1/{len(rights)}, which is not one of Moodle's allowed grades (1 to 10 or 20 right "
                          "options)")
    if errors or share is None:
        return None, errors
    penalty = wrong_penalty(len(rights), len(options))
    answers = tuple(Answer(option, share if i in rights else penalty) for i, option in enumerate(options))
    return ImportedQuestion(qtype="multichoice", single=len(rights) == 1, answers=answers, **common), errors


def _duplicates(items: list[str], line: int, what: str) -> list[str]:
    seen: set[str] = set()
    errors = []
    for item in items:
        key = normalise_text(item)
        if key in seen:
            errors.append(f"{what} {excerpt(item)!r} appears twice in the question on line {line}")
        seen.add(key)
    return errors


def _answer_indexes(cell: str, options: list[str], line: int, errors: list[str]) -> list[int]:
    """The 0-based indexes of the right options named in ``cell``; problems go to ``errors``."""
    if not cell:
        errors.append(f"No answer on line {line} (give the number or letter of the right option)")
        return []
    count = len(options)
    last_letter = _LETTERS[min(count, 26) - 1]
    indexes: list[int] = []
    taken: set[int] = set()
    option_keys: dict[str, int] = {}
    for position, option in enumerate(options):
        option_keys.setdefault(normalise_text(option), position)
    for token in _split(cell):
        index: int | None = None
        shown = excerpt(token, 20)
        if token.isascii() and token.isdigit():
            # int() refuses more than 4300 digits; anything that long is out of range anyway.
            index = int(token) - 1 if len(token) <= 9 else count
        elif len(token) == 1 and token.upper() in _LETTERS:
            index = _LETTERS.index(token.upper())
        else:
            if normalise_text(token) in option_keys:
                hint = f"write {option_keys[normalise_text(token)] + 1} for {shown!r}, not its text"
            elif "," in token or ";" in token:
                hint = "separate several right options with |, as in 1|3"
            else:
                hint = f"give an option number 1–{count} or letter A–{last_letter}"
            errors.append(f"Answer {shown!r} on line {line} is not an option number or letter ({hint})")
            continue
        if not 0 <= index < count:
            errors.append(f"Answer {shown} on line {line} is out of range: the question has {count} options")
            continue
        if index in taken:
            errors.append(f"Answer {shown} on line {line} names option {index + 1} twice")
            continue
        taken.add(index)
        indexes.append(index)
    return indexes


def write_csv(questions: Iterable[ImportedQuestion]) -> str:
    """The CSV text of the questions, readable by :func:`parse_csv`.

    Writes multiple-choice questions (one right option at fraction 1, or several right options
    sharing 1 equally as Moodle's allowed grades, the others at 0), true/false and short-answer
    questions whose accepted answers are all worth full marks. Anything else raises ``ValueError``
    naming the question, since the file could not say how it is graded. The format has no place
    for names, per-answer feedback, tags or id numbers: those are left out. Texts are trimmed, as
    the reader trims them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # \r\n so that a lone \r inside a cell gets quoted
    writer.writerow(COLUMNS)
    for number, question in enumerate(questions, start=1):
        where = f"question {number} ({question.name!r})"
        text = question.text.strip()
        if not text:
            raise ValueError(f"{where}: the question text is empty")
        options, answer = _options_and_answer(question, where)
        cells = [text, options, answer, question.general_feedback.strip(), question.category.strip()]
        if control_character_problems("".join(cells)):
            raise ValueError(f"{where}: holds a control character, which the reader refuses")
        writer.writerow(cells)
    return buffer.getvalue()


def _options_and_answer(question: ImportedQuestion, where: str) -> tuple[str, str]:
    if question.qtype == "truefalse":
        if question.tf_answer is None:
            raise ValueError(f"{where}: the true/false question has no right value")
        return _join(_TRUE_FALSE), "True" if question.tf_answer else "False"
    texts = [a.text.strip() for a in question.answers]
    if any(not t for t in texts):
        raise ValueError(f"{where}: an answer text is empty")
    if len({normalise_text(t) for t in texts}) != len(texts):
        raise ValueError(f"{where}: two answers have the same text")
    if question.qtype == "shortanswer":
        if not texts or any(abs(a.fraction - 1.0) > 1e-9 for a in question.answers):
            raise ValueError(f"{where}: CSV short answers must all be worth full marks")
        return "", _join(texts)
    if question.qtype != "multichoice":
        raise ValueError(f"{where}: CSV cannot hold {question.qtype} questions")
    if len(texts) < 2:
        raise ValueError(f"{where}: a multiple-choice question needs at least 2 options")
    rights = [i for i, a in enumerate(question.answers) if a.fraction > 1e-9]
    share = share_for(len(rights)) if rights else None
    penalty = wrong_penalty(len(rights), len(texts))
    fits = (share is not None and question.single == (len(rights) == 1)
            and all(abs(a.fraction - (share if i in rights else penalty)) < _GRADE_TOLERANCE
                    for i, a in enumerate(question.answers)))
    if not fits:
        raise ValueError(f"{where}: CSV holds only multiple-choice questions whose right options share the "
                         "mark equally (one right option for single-answer, 2 or more for multiple-answer) "
                         "and whose other options are worth 0 (single answer) or share a penalty of the whole mark")
    return _join(texts), "|".join(str(i + 1) for i in rights)
