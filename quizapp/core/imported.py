"""Questions imported from other tools' formats (GIFT, Aiken, CSV), in one shape, and how they are graded.

The shape follows Moodle's question types, because GIFT and Aiken are
Moodle's formats and instructors expect Moodle's behaviour: fractions per
answer (partial credit), per-answer feedback, general feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from .responses.base import InvalidResponse
from .wildcard import wildcard_match

QTYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical", "essay", "description")
GRADED_QTYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical")
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: its text (a number for numerical), the fraction of the mark it earns (-1..1), feedback."""

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None  # numerical only; None with text "*" means "any other answer"


@dataclass(frozen=True, slots=True)
class MatchPair:
    """A matching pair; an empty ``left`` is a distractor right-hand answer."""

    left: str
    right: str


@dataclass(frozen=True, slots=True)
class EmbeddedFile:
    """An image stored with a question (Moodle XML ``<file>``), referenced as ``@@PLUGINFILE@@/name``.

    ``area`` says which text holds it ("questiontext", "generalfeedback", "answerfeedback/0", ...);
    ``name`` includes Moodle's file path below "/" ("myfolder/pic.png"); the bytes live elsewhere,
    keyed by ``sha256`` (``ParseResult.files``, then the question_files table).
    """

    area: str
    name: str
    sha256: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Unit:
    """A numerical question's unit: the answer in this unit times ``multiplier`` is the answer in the first."""

    name: str
    multiplier: float = 1.0


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem or a warning found while reading a file, with the line it starts on (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


_NESTED = ("answers", "pairs", "units", "files")  # ImportedQuestion's fields holding dataclasses


@dataclass(frozen=True, slots=True)
class ImportedQuestion:
    qtype: str  # one of QTYPES
    name: str
    text: str
    line: int = 0
    text_format: str = "moodle"
    category: str = ""  # "top/Sub/Sub"-style path, "" for the default category
    single: bool = True  # multichoice: one answer (radio) or several (checkboxes)
    answers: tuple[Answer, ...] = ()
    pairs: tuple[MatchPair, ...] = ()
    tf_answer: bool | None = None  # truefalse: the right value
    tf_feedback_right: str = ""  # shown when the learner picks the right value
    tf_feedback_wrong: str = ""
    general_feedback: str = ""
    id_number: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    # Moodle's question settings (Moodle XML keeps them all; GIFT gets Moodle's defaults).
    default_grade: float = 1.0
    penalty: float = 0.3333333
    shuffle_answers: bool = True  # multichoice, matching
    answer_numbering: str = "abc"  # multichoice
    usecase: bool = False  # shortanswer: True = case matters
    correct_feedback: str = ""  # multichoice, matching: Moodle's combined feedback
    partially_correct_feedback: str = ""
    incorrect_feedback: str = ""
    show_num_correct: bool = False
    units: tuple[Unit, ...] = ()  # numerical
    grader_info: str = ""  # essay: shown to whoever grades it
    response_format: str = "editor"  # essay: editor, plain, monospaced, noinline, ...
    response_template: str = ""  # essay
    answer_format: str = ""  # multichoice answers and matching items, when not text_format
    category_info: str = ""  # the description of the question's category
    hints: tuple[str, ...] = ()
    files: tuple[EmbeddedFile, ...] = ()
    moodle_options: tuple[tuple[str, str], ...] = ()  # other Moodle XML settings, written back on export

    def to_dict(self) -> dict[str, Any]:
        """:func:`dataclasses.asdict`, written out: a bank of 50,000 questions stores one per row, and the
        generic deep copy cost more than reading the file."""
        data = _as_dict(self)
        for name in _NESTED:
            data[name] = tuple(_as_dict(item) for item in data[name])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportedQuestion:
        data = dict(data)
        data["answers"] = tuple(Answer(**a) for a in data.get("answers", ()))
        data["pairs"] = tuple(MatchPair(**p) for p in data.get("pairs", ()))
        data["tags"] = tuple(data.get("tags", ()))
        data["units"] = tuple(Unit(**u) for u in data.get("units", ()))
        data["hints"] = tuple(data.get("hints", ()))
        data["files"] = tuple(EmbeddedFile(**f) for f in data.get("files", ()))
        data["moodle_options"] = tuple((str(k), str(v)) for k, v in data.get("moodle_options", ()))
        return cls(**data)


# Each dataclass's field names and their getter, for to_dict: slotted dataclasses have no __dict__ (and so
# a question takes half the memory: a bank of 50,000 is read within 300 MB).
_FIELDS = {cls: (names, attrgetter(*names)) for cls in (ImportedQuestion, Answer, MatchPair, Unit, EmbeddedFile)
           for names in [tuple(f.name for f in fields(cls))]}


def _as_dict(item: Any) -> dict[str, Any]:
    names, values = _FIELDS[type(item)]
    return dict(zip(names, values(item), strict=True))


@dataclass
class ParseResult:
    """What a reader found: questions, warnings (imported anyway) and errors (the file is rejected)."""

    questions: list[ImportedQuestion] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # embedded files' bytes by sha256

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.questions)


class InvalidImportedResponse(InvalidResponse):
    """A response that does not fit the question (unknown choice, not a number, wrong shape)."""


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Short-answer comparison form: case-folded, whitespace collapsed and trimmed."""
    return _SPACES.sub(" ", text).strip().casefold()


def shortanswer_matches(pattern: str, response: str) -> bool:
    """Moodle's short-answer rule: case-insensitive, ``*`` matches any run of characters.

    Linear time (:mod:`.wildcard`); an answer longer than ``wildcard.MAX_ANSWER_LENGTH`` never matches.
    """
    return wildcard_match(normalise_text(pattern), normalise_text(response))


def grade_imported(question: ImportedQuestion, response: Any) -> float:
    """Score in [0, 1] of a response to ``question`` as read (answers in file order).

    Graded by its response type (``quizapp.core.responses``): an answer index (single choice),
    a list of indices (several answers), True/False or 0/1 (true/false), text (short answer), a
    number (numerical), a list of right-hand indices in file order (matching).
    """
    # Imported here: the response types read this module's dataclasses.
    from .responses.registry import grade_stored, stored_imported

    return grade_stored(stored_imported(question, None, shuffle=False), response)


def matching_choices(question: ImportedQuestion) -> list[str]:
    """The distinct right-hand texts of a matching question (answers and distractors), in file order."""
    return list(dict.fromkeys(p.right for p in question.pairs))

