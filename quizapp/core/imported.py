"""Questions imported from other tools' formats (GIFT, Aiken, CSV), in one shape, and how they are graded.

The shape follows Moodle's question types, because GIFT and Aiken are
Moodle's formats and instructors expect Moodle's behaviour: fractions per
answer (partial credit), per-answer feedback, general feedback.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

QTYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical", "essay", "description")
GRADED_QTYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical")
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass(frozen=True)
class Answer:
    """One answer: its text (a number for numerical), the fraction of the mark it earns (-1..1), feedback."""

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None  # numerical only; None with text "*" means "any other answer"


@dataclass(frozen=True)
class MatchPair:
    """A matching pair; an empty ``left`` is a distractor right-hand answer."""

    left: str
    right: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Unit:
    """A numerical question's unit: the answer in this unit times ``multiplier`` is the answer in the first."""

    name: str
    multiplier: float = 1.0


@dataclass(frozen=True)
class Issue:
    """A problem or a warning found while reading a file, with the line it starts on (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
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
        return asdict(self)

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


class InvalidImportedResponse(ValueError):
    """A response that does not fit the question (unknown choice, not a number, wrong shape)."""


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Short-answer comparison form: case-folded, whitespace collapsed and trimmed."""
    return _SPACES.sub(" ", text).strip().casefold()


def shortanswer_matches(pattern: str, response: str) -> bool:
    """Moodle's short-answer rule: case-insensitive, ``*`` matches any run of characters."""
    regex = ".*".join(re.escape(part) for part in normalise_text(pattern).split("*"))
    return re.fullmatch(regex, normalise_text(response), flags=re.DOTALL) is not None


def grade_imported(question: ImportedQuestion, response: Any) -> float:
    """Score in [0, 1]. Responses: an answer index (single multichoice), a list of indices (several),
    a bool (truefalse), text (shortanswer), a number (numerical), a list of right-hand indices (matching).
    Negative fractions are summed and the question's total floored at zero, as Moodle does."""
    qtype = question.qtype
    if qtype == "multichoice" and question.single:
        return max(0.0, question.answers[_index(response, len(question.answers))].fraction)
    if qtype == "multichoice":
        if not isinstance(response, (list, tuple)) or len(set(response)) != len(response):
            raise InvalidImportedResponse("expected a list of distinct choices")
        total = sum(question.answers[_index(r, len(question.answers))].fraction for r in response)
        return min(1.0, max(0.0, total))
    if qtype == "truefalse":
        if not isinstance(response, bool):
            raise InvalidImportedResponse("expected true or false")
        return 1.0 if response == question.tf_answer else 0.0
    if qtype == "shortanswer":
        if not isinstance(response, str):
            raise InvalidImportedResponse("expected a text answer")
        return max([max(0.0, a.fraction) for a in question.answers if shortanswer_matches(a.text, response)],
                   default=0.0)
    if qtype == "numerical":
        if isinstance(response, bool) or not isinstance(response, (int, float)) or not math.isfinite(response):
            raise InvalidImportedResponse("expected a number")
        return max([max(0.0, a.fraction) for a in question.answers if _numerical_match(a, response)], default=0.0)
    if qtype == "matching":
        rights = matching_choices(question)
        lefts = [p for p in question.pairs if p.left]
        if not isinstance(response, (list, tuple)) or len(response) != len(lefts):
            raise InvalidImportedResponse(f"expected one choice for each of the {len(lefts)} items")
        right = sum(1 for r, p in zip(response, lefts, strict=True) if rights[_index(r, len(rights))] == p.right)
        return right / len(lefts)
    raise InvalidImportedResponse(f"{qtype} questions are not graded")


def matching_choices(question: ImportedQuestion) -> list[str]:
    """The distinct right-hand texts of a matching question (answers and distractors), in file order."""
    return list(dict.fromkeys(p.right for p in question.pairs))


def _numerical_match(answer: Answer, value: float) -> bool:
    if answer.text.strip() == "*":
        return True
    try:
        target = float(answer.text)
    except ValueError:
        return False
    return abs(value - target) <= (answer.tolerance or 0.0) + 1e-12


def _index(choice: Any, size: int) -> int:
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < size:
        raise InvalidImportedResponse(f"choice {choice!r} is not one of the {size} options")
    return choice

