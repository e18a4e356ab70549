"""Read any supported bank file without storing it: what would be imported, warnings, errors.

Used by ``check-bank``, by ``load-bank`` and by the upload preview, so all three
agree on what a file means.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .bank import FactBank
from .bank_loader import BankError, load_bank_text
from .imported import ImportedQuestion, ParseResult
from .responses.registry import imported_type

FORMATS = {"factbank": "quizapp fact bank (YAML)", "gift": "Moodle GIFT", "aiken": "Moodle Aiken", "csv": "CSV",
           "moodlexml": "Moodle XML"}
EXTENSIONS = {".yaml": "factbank", ".yml": "factbank", ".gift": "gift", ".csv": "csv", ".aiken": "aiken",
              ".xml": "moodlexml"}
MAX_QUESTIONS = 50_000  # per bank; quizapp.config.MAX_UPLOAD_BYTES leaves room for them
# The lengths of the banks table's columns (PostgreSQL refuses longer text; SQLite would store it).
MAX_SLUG, MAX_TITLE, MAX_FILENAME = 64, 200, 200
_AIKEN_ANSWER = re.compile(r"^ANSWER:", re.MULTILINE)
Progress = Callable[[int, int], None]  # (done, total)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, then running as before.

    Reading a bank makes hundreds of thousands of small objects and no reference cycles, and the
    collector walks the growing heap again and again meanwhile: with it running, a 50,000-question
    GIFT file took 13 times as long as a 5,000-question one (linear would be 10; 5.3 without it).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_questions(fmt: str, text: str, filename: str, progress: Progress | None = None) -> ParseResult:
    """Run the reader for an imported format ("gift", "aiken", "csv" or "moodlexml").

    ``progress(done, total)``: how far the reading is, in characters; GIFT reports as it goes, the other
    readers once at the end.
    """
    if fmt == "gift":
        from .formats.gift import parse_gift

        with collector_paused():
            return parse_gift(text, filename, progress)
    if fmt == "moodlexml":
        from .formats.moodle_xml import parse_moodle_xml as reader
    elif fmt == "aiken":
        from .formats.aiken import parse_aiken as reader
    else:
        from .formats.csv_bank import parse_csv as reader
    with collector_paused():
        result = reader(text, filename)
    if progress is not None:
        progress(len(text), len(text))
    return result


def detect_format(filename: str, text: str) -> str:
    """The format from the extension; a ``.txt`` file is Aiken if it has ``ANSWER:`` lines, else GIFT."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    return "aiken" if _AIKEN_ANSWER.search(text) else "gift"


def fit_filename(filename: str) -> str:
    """``filename`` cut to MAX_FILENAME characters, keeping its extension (which picks the format)."""
    if len(filename) <= MAX_FILENAME:
        return filename
    suffix = PurePath(filename).suffix
    suffix = suffix if len(suffix) < MAX_FILENAME // 2 else ""
    return filename[:MAX_FILENAME - len(suffix)] + suffix


def _check_lengths(check: BankCheck) -> BankCheck:
    if len(check.slug) > MAX_SLUG:
        check.errors.append(f"{check.filename}: the name (slug) '{check.slug[:20]}...' is {len(check.slug)} "
                            f"characters; at most {MAX_SLUG}")
    if len(check.title) > MAX_TITLE:
        check.errors.append(f"{check.filename}: the title is {len(check.title)} characters; at most {MAX_TITLE}")
    return check


def slug_from(filename: str) -> str:
    stem = PurePath(filename).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:64] or "bank"


@dataclass
class BankCheck:
    filename: str
    format: str
    slug: str
    title: str
    factbank: FactBank | None = None
    questions: list[ImportedQuestion] = field(default_factory=list)
    # The bytes of the embedded images the questions use (Moodle XML ``<file>``), by sha256.
    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def categories(self) -> list[str]:
        if self.factbank is not None:
            return [c.name for c in self.factbank.categories]
        return sorted({q.category or "(default)" for q in self.questions})

    @property
    def question_count(self) -> int:
        if self.factbank is not None:
            return len(self.factbank.items) + len(self.factbank.applications) + len(self.factbank.statements)
        return len(self.questions)

    def summary(self) -> str:
        """e.g. "24 questions in 3 categories, 2 warnings"."""
        noun = "facts" if self.factbank is not None else "questions"
        text = (f"{self.question_count} {noun} in {len(self.categories)} "
                f"categor{'y' if len(self.categories) == 1 else 'ies'}")
        text += f", {len(self.warnings)} warning{'' if len(self.warnings) == 1 else 's'}"
        if self.errors:
            text += f", {len(self.errors)} error{'' if len(self.errors) == 1 else 's'}"
        return text

    def type_counts(self) -> Counter[str]:
        """How many questions of each imported kind ("single", "truefalse", ...; essays by their Moodle type)."""
        return Counter(found[1] if (found := imported_type(q)) else q.qtype for q in self.questions)

    def to_json(self) -> dict[str, Any]:
        """The ``check-bank --format json`` shape: questions as read, warnings, errors."""
        return {
            "file": self.filename, "format": self.format, "slug": self.slug, "title": self.title,
            "summary": self.summary(),
            "questions": [q.to_dict() for q in self.questions],
            "facts": str(self.factbank) if self.factbank else None,
            "warnings": self.warnings, "errors": self.errors,
        }


def check_bank_text(text: str, filename: str, fmt: str | None = None, slug: str | None = None,
                    title: str | None = None, progress: Progress | None = None) -> BankCheck:
    """Parse and validate; never raises for bad content (problems are in ``errors``).

    ``progress(done, total)``: how far the reading of an imported format is (see :func:`read_questions`).
    """
    fmt = fmt or detect_format(filename, text)
    if fmt not in FORMATS:
        return BankCheck(filename, fmt, slug or slug_from(filename), title or filename[:MAX_TITLE],
                         errors=[f"{filename}: unknown format '{fmt}' (use one of: {', '.join(FORMATS)})"])
    if fmt == "factbank":
        try:
            with collector_paused():
                bank = load_bank_text(text, filename)
        except BankError as exc:
            return BankCheck(filename, fmt, slug or slug_from(filename), title or filename[:MAX_TITLE],
                             errors=exc.problems)
        return _check_lengths(BankCheck(filename, fmt, bank.slug, bank.title, factbank=bank))
    result = read_questions(fmt, text, filename, progress)
    used = {f.sha256 for q in result.questions for f in q.files}
    check = BankCheck(filename, fmt, slug or slug_from(filename), title or PurePath(filename).stem[:MAX_TITLE],
                      questions=list(result.questions),
                      files={digest: data for digest, data in result.files.items() if digest in used},
                      warnings=[f"{filename}: {w}" for w in result.warnings],
                      errors=[f"{filename}: {e}" for e in result.errors])
    if not result.errors and not result.questions:
        check.errors.append(f"{filename}: no questions found")
    if len(result.questions) > MAX_QUESTIONS:
        check.errors.append(f"{filename}: {len(result.questions):,} questions; a bank may hold at most "
                            f"{MAX_QUESTIONS:,}: split the file into several banks")
    return _check_lengths(check)
