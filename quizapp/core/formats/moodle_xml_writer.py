"""Writing questions as Moodle XML that Moodle imports and ``parse_moodle_xml`` reads back to the same questions.

Laid out as Moodle's own exporter writes it (``qformat_xml::writequestion``): a ``category``
pseudo-question whenever the category changes, then per question its name, text, general
feedback, grade, penalty, idnumber, the type's settings and answers, hints and tags; texts in
CDATA when they hold markup; embedded images as ``<file name=... path=... encoding="base64">``
inside the text that links to them.  Beyond Moodle's exporter: a text containing a carriage
return is written with character references (CDATA cannot keep one), and a character that XML
cannot hold raises ``MoodleXmlWriteError``.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from ..imported import EmbeddedFile, ImportedQuestion

__all__ = ["MoodleXmlWriteError", "write_moodle_xml"]

_MOODLE_FORMATS = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text", "markdown": "markdown"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARKUP = re.compile(r"[&<>]")


class MoodleXmlWriteError(ValueError):
    """A question that Moodle XML cannot hold (a character XML 1.0 forbids)."""


def write_moodle_xml(questions: Sequence[ImportedQuestion], files: Mapping[str, bytes] | None = None) -> str:
    """Moodle XML for ``questions``; ``files`` gives embedded images' bytes by sha256 (missing ones are left out)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category: tuple[str, str] | None = None
    for number, question in enumerate(questions, start=1):
        here = (question.category, question.category_info)
        if question.category and here != category:
            out.append(_category(question))
        category = here if question.category else category
        out.append(_Question(question, files or {}, number).xml())
    out.append("</quiz>\n")
    return "".join(out)


def moodle_format(text_format: str) -> str:
    return _MOODLE_FORMATS.get(text_format, "moodle_auto_format")


def _check(text: str, what: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise MoodleXmlWriteError(f"{what} contains U+{ord(bad.group()):04X}, which XML cannot hold")
    return text


def _escape(text: str) -> str:
    """Moodle's xml_escape(): CDATA when the text holds markup, split around any ``]]>``."""
    if "\r" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if _MARKUP.search(text):
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return text


def _attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _number(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _percent(fraction: float) -> str:
    return format((Decimal(repr(float(fraction))) * 100).normalize(), "f")


def _category(q: ImportedQuestion) -> str:
    return ("<!-- question: 0  -->\n"
            '  <question type="category">\n'
            f"    <category>\n      <text>{_escape(_check(q.category, 'a category'))}</text>\n    </category>\n"
            f'    <info format="moodle_auto_format">\n      <text>{_escape(_check(q.category_info, "a category"))}'
            "</text>\n    </info>\n"
            "    <idnumber></idnumber>\n"
            "  </question>\n\n")


class _Question:
    def __init__(self, q: ImportedQuestion, files: Mapping[str, bytes], number: int) -> None:
        self.q, self.files, self.number = q, files, number
        self.fmt = moodle_format(q.text_format)
        self.options = dict(q.moodle_options)
        self.out: list[str] = []

    def text(self, value: str, indent: int = 3) -> None:
        self.out.append(f"{'  ' * indent}<text>{_escape(_check(value, repr(self.q.name)))}</text>\n")

    def write_files(self, area: str) -> None:
        for file in self.q.files:
            if file.area == area and file.sha256 in self.files:
                self.out.append(_file_xml(file, self.files[file.sha256]))

    def field(self, tag: str, value: str, area: str, fmt: str | None = None, indent: int = 2) -> None:
        pad = "  " * indent
        self.out.append(f'{pad}<{tag} format="{fmt or self.fmt}">\n')
        self.text(value, indent + 1)
        self.write_files(area)
        self.out.append(f"{pad}</{tag}>\n")

    def simple(self, tag: str, value: str) -> None:
        self.out.append(f"    <{tag}>{_escape(_check(value, tag))}</{tag}>\n")

    def xml(self) -> str:
        q = self.q
        qtype = q.qtype
        self.out.append(f"<!-- question: {self.number}  -->\n  <question type=\"{qtype}\">\n    <name>\n")
        self.text(q.name)
        self.out.append("    </name>\n")
        self.field("questiontext", q.text, "questiontext")
        general_format = _MOODLE_FORMATS.get(self.options.pop("generalfeedbackformat", ""), self.fmt)
        self.field("generalfeedback", q.general_feedback, "generalfeedback", general_format)
        self.simple("defaultgrade", _number(q.default_grade))
        self.simple("penalty", _number(q.penalty))
        self.simple("hidden", "0")
        self.simple("idnumber", q.id_number)
        getattr(self, f"write_{qtype}")()
        for i, hint in enumerate(q.hints):
            self.field("hint", hint, f"hint/{i}")
        if q.tags:
            self.out.append("    <tags>\n")
            self.out.extend(f"      <tag><text>{_escape(_check(t, 'a tag'))}</text></tag>\n" for t in q.tags)
            self.out.append("    </tags>\n")
        self.out.append("  </question>\n\n")
        return "".join(self.out)

    def kept(self, tag: str, default: str) -> None:
        self.simple(tag, self.options.get(tag, default))

    def combined(self) -> None:
        q = self.q
        for tag, value in (("correctfeedback", q.correct_feedback),
                           ("partiallycorrectfeedback", q.partially_correct_feedback),
                           ("incorrectfeedback", q.incorrect_feedback)):
            self.field(tag, value, tag)
        if q.show_num_correct:
            self.out.append("    <shownumcorrect/>\n")

    def answer(self, i: int, text: str, fraction: float, feedback: str, answer_format: str,
               extra: str = "", text_area: str | None = None, feedback_area: str | None = None) -> None:
        self.out.append(f'    <answer fraction="{_percent(fraction)}" format="{answer_format}">\n')
        self.text(text)
        if text_area:
            self.write_files(text_area)
        self.field("feedback", feedback, feedback_area or f"answerfeedback/{i}", indent=3)
        self.out.append(extra)
        self.out.append("    </answer>\n")

    # -- question types --------------------------------------------------------------------------
    def write_multichoice(self) -> None:
        q = self.q
        self.simple("single", "true" if q.single else "false")
        self.simple("shuffleanswers", "true" if q.shuffle_answers else "false")
        self.simple("answernumbering", q.answer_numbering or "abc")
        self.kept("showstandardinstruction", "1")
        self.combined()
        answer_format = moodle_format(q.answer_format) if q.answer_format else self.fmt
        for i, a in enumerate(q.answers):
            self.answer(i, a.text, a.fraction, a.feedback, answer_format, text_area=f"answer/{i}")

    def write_truefalse(self) -> None:
        q = self.q
        for value in (True, False):
            right = value == q.tf_answer
            feedback = q.tf_feedback_right if right else q.tf_feedback_wrong
            name = "true" if value else "false"
            self.answer(0, name, 1.0 if right else 0.0, feedback, "moodle_auto_format", feedback_area=f"tf/{name}")

    def write_shortanswer(self) -> None:
        self.simple("usecase", "1" if self.q.usecase else "0")
        for i, a in enumerate(self.q.answers):
            self.answer(i, a.text, a.fraction, a.feedback, "plain_text")

    def write_numerical(self) -> None:
        q = self.q
        for i, a in enumerate(q.answers):
            tolerance = f"      <tolerance>{_number(a.tolerance or 0.0)}</tolerance>\n"
            self.answer(i, a.text, a.fraction, a.feedback, "plain_text", extra=tolerance)
        if q.units:
            self.out.append("    <units>\n")
            for unit in q.units:
                self.out.append(f"      <unit>\n        <multiplier>{_number(unit.multiplier)}</multiplier>\n"
                                f"        <unit_name>{_escape(_check(unit.name, 'a unit'))}</unit_name>\n"
                                "      </unit>\n")
            self.out.append("    </units>\n")
        for tag, default in (("unitgradingtype", "0"), ("unitpenalty", "0.1"), ("showunits", ""), ("unitsleft", "0")):
            if tag in self.options or default:
                self.kept(tag, default)
        if self.options.get("instructions"):
            self.field("instructions", self.options["instructions"], "instructions")

    def write_matching(self) -> None:
        q = self.q
        self.simple("shuffleanswers", "true" if q.shuffle_answers else "false")
        self.combined()
        item_format = moodle_format(q.answer_format) if q.answer_format else self.fmt
        for i, pair in enumerate(q.pairs):
            self.out.append(f'    <subquestion format="{item_format}">\n')
            self.text(pair.left)
            self.write_files(f"subquestion/{i}")
            self.out.append("      <answer>\n")
            self.text(pair.right, 4)
            self.out.append("      </answer>\n    </subquestion>\n")

    def write_essay(self) -> None:
        q = self.q
        self.simple("responseformat", q.response_format or "editor")
        for tag, default in (("responserequired", "1"), ("responsefieldlines", "15"), ("attachments", "0"),
                             ("attachmentsrequired", "0")):
            self.kept(tag, default)
        for tag in ("maxbytes", "filetypeslist", "minwordlimit", "maxwordlimit"):
            if tag in self.options:
                self.kept(tag, "")
        self.field("graderinfo", q.grader_info, "graderinfo")
        self.out.append(f'    <responsetemplate format="{self.fmt}">\n')
        self.text(q.response_template)
        self.out.append("    </responsetemplate>\n")

    def write_description(self) -> None:
        """Nothing beyond the common parts (as in Moodle's exporter)."""


def _file_xml(file: EmbeddedFile, data: bytes) -> str:
    folder, _, name = file.name.rpartition("/")
    path = f"/{folder}/" if folder else "/"
    return (f'<file name="{_attr(name)}" path="{_attr(path)}" encoding="base64">'
            f"{base64.b64encode(data).decode('ascii')}</file>\n")
