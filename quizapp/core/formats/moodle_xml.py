"""Moodle XML question files, read the way Moodle's ``qformat_xml`` reads them (``question/format/xml/format.php``).

Kept as Moodle does it: every value is trimmed (PHP ``trim``); a text's format comes from its
``format`` attribute, html when absent for the question text, the question text's format for
general feedback, per-answer and combined feedback; defaults are Moodle's (grade 1, penalty
0.3333333, a penalty within 0.005 of 1/3 becomes 0.3333333, ``single`` true, ``shuffleanswers``
false for multiple choice and true for matching, ``usecase`` 0, essay ``responseformat`` editor);
answers' ``fraction`` is a percentage; true/false answers are matched by their text ``true`` /
``false``, or taken as true then false in old files; a ``<category>`` pseudo-question sets the
category of the questions after it, with its ``<info>`` description; ``match`` is an alias of
``matching``.  Fractions must be one of Moodle's grades (the import form's default "error if a grade
is not listed"), and multiple choice needs Moodle's sanity checks (two answers, a 100% answer, or
positive fractions adding up to 100%).

Deviations, each where Moodle would store something quizapp cannot use or would be unsafe:

- the parser is defusedxml: entity declarations (billion laughs) and external entities are
  refused with an error naming the entity; control characters (other than tab and newlines) and
  non-finite numbers (``NAN``, ``INF``) are errors;
- question types quizapp has no use for (``cloze``, ``calculated``, ``ddwtos``, ...) are skipped
  with a warning giving their line, where Moodle imports them;
- only images are kept from ``<file>`` elements (PNG, JPEG, GIF, WebP, each at most 1 MB);
  other files are dropped with a warning, and an image over the limit is an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for TreeBuilder/Element; parsing is defusedxml's
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..embedded_files import MAX_IMAGE_BYTES, looks_like_svg, sniff_image
from ..imported import Answer, EmbeddedFile, ImportedQuestion, Issue, MatchPair, ParseResult, Unit
from .gift import default_name, snap_fraction

__all__ = ["FORMAT_NAMES", "SUPPORTED_TYPES", "parse_moodle_xml"]

WS = " \t\n\r\0\x0b"  # PHP trim()
# Moodle's text format names and quizapp's (the names GIFT uses).
FORMAT_NAMES = {"moodle_auto_format": "moodle", "html": "html", "plain_text": "plain", "markdown": "markdown",
                "wiki_like": "moodle"}
SUPPORTED_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "match", "essay",
                   "description")
_NUMBER = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# Settings kept only to be written back (Moodle XML export): per question type, tag -> Moodle's default.
_KEPT = {
    "multichoice": {"showstandardinstruction": "1"},
    "numerical": {"unitgradingtype": "0", "unitpenalty": "0.1", "showunits": "", "unitsleft": "0",
                  "instructions": ""},
    "essay": {"responserequired": "1", "responsefieldlines": "15", "attachments": "0", "attachmentsrequired": "0",
              "maxbytes": "", "filetypeslist": "", "minwordlimit": "", "maxwordlimit": ""},
}


def parse_moodle_xml(text: str, filename: str = "questions.xml") -> ParseResult:
    """Read a Moodle XML file.  ``result.errors`` non-empty means the file must not be imported."""
    return _Reader().run(text)


class _LineTreeBuilder(ET.TreeBuilder):
    """Records the line each element starts on (ElementTree keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


@dataclass
class _Text:
    """A Moodle text field: its text, quizapp's format name, the files it holds."""

    text: str
    format: str
    files: list[EmbeddedFile] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.lines: dict[int, int] = {}
        self.category = ""
        self.category_info = ""

    # -- helpers ---------------------------------------------------------------------------------
    def line(self, element: ET.Element | None) -> int:
        return self.lines.get(id(element), 0) if element is not None else 0

    def error(self, line: int, message: str) -> None:
        self.result.errors.append(Issue(line, message))

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(Issue(line, message))

    def clean(self, value: str, line: int, what: str) -> str:
        """PHP-trimmed text, with control characters refused."""
        found = _CONTROL.search(value)
        if found:
            self.error(line, f"{what} contains the control character U+{ord(found.group()):04X}; remove it")
        return value.strip(WS)

    def value(self, element: ET.Element, path: str, default: str, what: str = "") -> str:
        """Moodle's getpath(): the trimmed text of the element at ``path``, or ``default`` when absent."""
        found = element.find(path)
        if found is None:
            return default
        return self.clean(found.text or "", self.line(found), what or f"<{path}>")

    def number(self, raw: str, line: int, what: str, default: float) -> float:
        if raw == "":
            return default
        if not _NUMBER.fullmatch(raw):
            self.error(line, f"{what} '{raw[:40]}' is not a number")
            return default
        number = float(raw)
        if not math.isfinite(number):
            self.error(line, f"{what} '{raw[:40]}' is too large")
            return default
        return number

    def text_field(self, element: ET.Element | None, default_format: str, area: str) -> _Text:
        """import_text_with_files(): ``<x format="..."><text>...</text><file .../></x>``."""
        if element is None:
            return _Text("", default_format)
        fmt = self.format(element.get("format"), default_format, self.line(element))
        text_el = element.find("text")
        text = self.clean(text_el.text or "", self.line(text_el), f"<{element.tag}> text") if text_el is not None \
            else ""
        return _Text(text, fmt, self.files(element, area))

    def format(self, raw: str | None, default: str, line: int) -> str:
        if raw is None:
            return default
        name = raw.strip(WS)
        if name not in FORMAT_NAMES:
            self.warn(line, f"unknown text format '{name[:40]}': read as html (as Moodle does)")
            return "html"
        return FORMAT_NAMES[name]

    def files(self, element: ET.Element, area: str) -> list[EmbeddedFile]:
        """The images of ``<file name=... path=... encoding="base64">`` children; other files are dropped."""
        kept: list[EmbeddedFile] = []
        seen: set[str] = set()
        for file_el in element.findall("file"):
            line = self.line(file_el)
            name = (file_el.get("name") or "").strip(WS)
            path = (file_el.get("path") or "/").strip(WS) or "/"
            full = (path.strip("/") + "/" + name).lstrip("/") if path != "/" else name
            if not name or "/" in name or name in (".", ".."):
                self.error(line, f"<file> needs a plain file name, not '{name[:60]}'")
                continue
            if full in seen:  # Moodle: debugging('Duplicate file in XML') and skip
                self.warn(line, f"the file '{full}' appears twice in the same text: the second copy is ignored")
                continue
            seen.add(full)
            encoding = (file_el.get("encoding") or "").strip(WS)
            if encoding != "base64":
                self.error(line, f"the file '{full}' has encoding '{encoding}'; Moodle XML files are base64")
                continue
            try:
                data = base64.b64decode("".join((file_el.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                self.error(line, f"the file '{full}' is not valid base64")
                continue
            content_type = sniff_image(data)
            if content_type is None:
                kind = "an SVG image (SVG can carry script, so it is refused; convert it to PNG)" \
                    if looks_like_svg(name, data) else "not a PNG, JPEG, GIF or WebP image"
                self.warn(line, f"the file '{full}' is {kind}: it is not imported, and links to it will not work")
                continue
            if len(data) > MAX_IMAGE_BYTES:
                self.error(line, f"the image '{full}' is {len(data) / 1024 / 1024:.1f} MB; each image may be at most "
                                 f"{MAX_IMAGE_BYTES // 1024 // 1024} MB (make it smaller and export again)")
                continue
            digest = hashlib.sha256(data).hexdigest()
            self.result.files[digest] = data
            kept.append(EmbeddedFile(area, full, digest, content_type, len(data)))
        return kept

    # -- reading ---------------------------------------------------------------------------------
    def run(self, text: str) -> ParseResult:
        builder = _LineTreeBuilder()
        parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        builder.parser = parser
        try:
            parser.feed(text.removeprefix("\ufeff"))
            root = parser.close()
        except EntitiesForbidden as exc:
            where = f" (SYSTEM '{exc.sysid}')" if exc.sysid else ""
            self.error(parser.parser.CurrentLineNumber,
                       f"the file declares the XML entity '{exc.name}'{where}: entity declarations are refused "
                       f"(they can expand to gigabytes, the 'billion laughs' attack, or read files); "
                       f"Moodle XML exports never contain them")
            return self.result
        except (ExternalReferenceForbidden, DTDForbidden, DefusedXmlException) as exc:
            self.error(parser.parser.CurrentLineNumber, f"external references are refused: {exc}")
            return self.result
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else 1
            self.error(line, f"this is not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}")
            return self.result
        self.lines = builder.lines
        if root.tag != "quiz":
            self.error(self.line(root), f"the document's root element is <{root.tag}>, not <quiz>: this is not a "
                                        "Moodle XML question file")
            return self.result
        for element in root:
            if element.tag != "question":
                continue  # xmlize: only <question> children of <quiz> are read
            self.question(element)
        if not self.result.questions and not self.result.errors:
            self.error(1, "There are no questions in the import file")
        return self.result

    def question(self, element: ET.Element) -> None:
        qtype = (element.get("type") or "").strip(WS)
        line = self.line(element)
        if qtype == "category":
            self.read_category(element, line)
            return
        if qtype not in SUPPORTED_TYPES:
            name = self.value(element, "name/text", "")
            self.warn(line, f"the {qtype or 'untyped'} question {name[:60]!r} is skipped: quizapp has no "
                            f"{qtype or 'untyped'} questions (it imports multichoice, truefalse, shortanswer, "
                            "numerical, matching, essay and description)")
            return
        errors_before = len(self.result.errors)
        read = _TypeReader(self, element, line)
        question = read.build("matching" if qtype == "match" else qtype)
        if question is not None and len(self.result.errors) == errors_before:
            self.result.questions.append(question)

    def read_category(self, element: ET.Element, line: int) -> None:
        """import_category(): the path (``$course$/A/B`` as written) and its ``<info>`` description."""
        path = self.value(element, "category/text", "", "the category path")
        if not path:
            self.error(line, "a category question without <category><text>path</text></category>")
            return
        self.category = path
        info = element.find("info")
        self.category_info = self.value(info, "text", "", "the category info") if info is not None else ""


class _TypeReader:
    """One ``<question>``: the common parts (import_headers) and the type's own (import_<type>)."""

    def __init__(self, reader: _Reader, element: ET.Element, line: int) -> None:
        self.r, self.q, self.line = reader, element, line
        self.files: list[EmbeddedFile] = []
        self.fields: dict[str, Any] = {}
        self.answer_lines: list[int] = []

    def text(self, element: ET.Element | None, default_format: str, area: str) -> _Text:
        read = self.r.text_field(element, default_format, area)
        self.files.extend(read.files)
        return read

    def build(self, qtype: str) -> ImportedQuestion | None:
        r, q = self.r, self.q
        name_el = q.find("name/text")
        name = r.clean(name_el.text or "", r.line(name_el), "the question name") if name_el is not None else ""
        name = _TAG.sub("", name).strip(WS)[:255]  # clean_question_name(): PARAM_TEXT strips tags; 255 characters
        question_text = self.text(q.find("questiontext"), "html", "questiontext")
        fmt = question_text.format
        if name_el is None:
            r.error(self.line, "Could not import a question: it has no <name>")  # get_string('xmlimportnoname')
            return None
        text = question_text.text
        old_image, old_data = q.find("image"), q.find("image_base64")
        if old_image is not None and old_data is not None and (old_image.text or "").strip(WS):
            text = self.old_image(old_image, old_data, text)  # Moodle 1.9's <image>, kept as Moodle does
        general = self.text(q.find("generalfeedback"), fmt, "generalfeedback")
        penalty = r.number(r.value(q, "penalty", ""), self.line, "<penalty>", 0.3333333)
        if abs(penalty - 0.3333333) < 0.005:  # "Fix problematic rounding from old files."
            penalty = 0.3333333
        tags = tuple(t for t in (r.clean(tag.text or "", r.line(tag), "a tag") for tag in q.findall("tags/tag/text"))
                     if t)
        self.fields.update(
            qtype=qtype, name=name or default_name(question_text.text), text=text, line=self.line,
            text_format=fmt, category=r.category, category_info=r.category_info,
            general_feedback=general.text, id_number=r.value(q, "idnumber", ""), tags=tags,
            default_grade=r.number(r.value(q, "defaultgrade", ""), self.line, "<defaultgrade>", 1.0),
            penalty=penalty,
            hints=tuple(self.text(h, fmt, f"hint/{i}").text for i, h in enumerate(q.findall("hint"))))
        if general.format != fmt and general.text:
            self.fields["moodle_options"] = (("generalfeedbackformat", general.format),)
        getattr(self, f"read_{qtype}")(fmt)
        self.check_grades()
        kept = dict(self.fields.pop("kept", {}))
        options = tuple(self.fields.pop("moodle_options", ())) + tuple(sorted(kept.items()))
        return ImportedQuestion(**self.fields, files=tuple(self.files), moodle_options=options)

    def old_image(self, image: ET.Element, data: ET.Element, text: str) -> str:
        """Moodle 1.9's ``<image>name</image><image_base64>...</image_base64>``: the picture is appended."""
        name = (image.text or "").strip(WS).replace("/", "_")
        holder = ET.Element("questiontext")
        file_el = ET.SubElement(holder, "file", name=name, encoding="base64")
        file_el.text = data.text or ""
        self.r.lines[id(file_el)] = self.r.line(data)
        files = self.r.files(holder, "questiontext")
        self.files.extend(files)
        return f'{text} <img src="@@PLUGINFILE@@/{name}" />' if files else text

    def keep(self, qtype: str) -> None:
        self.fields["kept"] = {tag: value for tag, default in _KEPT[qtype].items()
                               if (value := self.r.value(self.q, tag if tag != "instructions" else "instructions/text",
                                                         default)) != default}

    def answer(self, element: ET.Element, fmt: str, index: int, with_files: bool) -> tuple[Answer, str]:
        """import_answer(): text (HTML with files, or plain), feedback, fraction as a percentage."""
        r = self.r
        line = r.line(element)
        if with_files:
            answer_text = self.text(element, fmt, f"answer/{index}")
            text, answer_format = answer_text.text, answer_text.format
        else:
            text, answer_format = r.value(element, "text", "", "an answer"), "plain"
        feedback = self.text(element.find("feedback"), fmt, f"answerfeedback/{index}").text
        fraction = r.number((element.get("fraction") or "").strip(WS), line, "the fraction", 0.0) / 100
        self.answer_lines.append(line)
        return Answer(text, fraction, feedback), answer_format

    def check_grades(self) -> None:
        answers = self.fields.get("answers", ())
        snapped = []
        for answer, line in zip(answers, self.answer_lines, strict=True):
            grade = snap_fraction(answer.fraction)
            if grade is None:
                self.r.error(line, f"the fraction {answer.fraction * 100:.10g} is not one of Moodle's grades "
                                   "(100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
                                   "16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 or minus one of them)")
                grade = answer.fraction
            snapped.append(Answer(answer.text, grade, answer.feedback, answer.tolerance))
        if answers:
            self.fields["answers"] = tuple(snapped)

    def combined_feedback(self, fmt: str) -> None:
        for tag, key in zip(_COMBINED, ("correct_feedback", "partially_correct_feedback", "incorrect_feedback"),
                            strict=True):
            self.fields[key] = self.text(self.q.find(tag), fmt, tag).text
        self.fields["show_num_correct"] = self.q.find("shownumcorrect") is not None

    def flag(self, tag: str, default: str) -> bool:
        """trans_single(): "false", "0" and "" are false, anything else true."""
        raw = self.r.value(self.q, tag, default)
        return not (raw == "false" or raw in ("", "0"))

    # -- question types --------------------------------------------------------------------------
    def read_multichoice(self, fmt: str) -> None:
        single = self.flag("single", "true")
        self.fields.update(single=single, shuffle_answers=self.flag("shuffleanswers", "false"),
                           answer_numbering=self.r.value(self.q, "answernumbering", "abc") or "abc")
        answers, formats = [], set()
        for i, element in enumerate(self.q.findall("answer")):
            answer, answer_format = self.answer(element, fmt, i, with_files=True)
            if not answer.text:  # save_question_options() skips blank answers
                self.answer_lines.pop()
                self.r.warn(self.r.line(element), "an answer with no text is left out (as Moodle does)")
                continue
            answers.append(answer)
            formats.add(answer_format)
        self.fields["answers"] = tuple(answers)
        if formats and formats != {fmt}:
            self.fields["answer_format"] = sorted(formats)[0] if len(formats) == 1 else "html"
        self.combined_feedback(fmt)
        self.keep("multichoice")
        # qtype_multichoice::save_question_options(): too few answers stops Moodle's import; the grade checks
        # are only notices there (the question is saved), so they are warnings here.
        if len(answers) < 2:
            self.r.error(self.line, "This type of question requires at least 2 choices")
        elif single and max(a.fraction for a in answers) < 1 - 1e-7:
            best = max(a.fraction for a in answers) * 100
            self.r.warn(self.line, f"no choice is 100%, so nobody can get a full grade for this question (the best "
                                   f"is {best:.7g}%)")
        elif not single and abs(round(sum(a.fraction for a in answers if a.fraction > 0), 2) - 1) > 1e-9:
            total = sum(a.fraction for a in answers if a.fraction > 0) * 100
            self.r.warn(self.line, f"the positive grades of this multiple-answer question add up to {total:.7g}%, "
                                   "not 100%")

    def read_truefalse(self, fmt: str) -> None:
        right: bool | None = None
        feedback = {True: "", False: ""}
        old_style = False
        for i, element in enumerate(self.q.findall("answer")):
            value = self.r.value(element, "text", "", "an answer")
            if value not in ("true", "false"):
                old_style, value = True, "true" if i == 0 else "false"  # old files: true first, then false
            text = self.text(element.find("feedback"), fmt, f"tf/{value}").text
            hundred = self.r.number((element.get("fraction") or "").strip(WS), self.r.line(element),
                                    "the fraction", 0.0) == 100
            is_true = value == "true"
            right = hundred if is_true else not hundred
            feedback[is_true] = text
        if right is None:
            self.r.error(self.line, "a true/false question needs <answer> elements for true and false")
            return
        if old_style:
            self.r.warn(self.line, f"the answers are not 'true' and 'false' (an old export): read as true first, then "
                                   f"false, so the right answer is {'true' if right else 'false'}; check it")
        self.fields.update(tf_answer=right, tf_feedback_right=feedback[right], tf_feedback_wrong=feedback[not right])

    def read_shortanswer(self, fmt: str) -> None:
        self.fields["usecase"] = self.flag("usecase", "0")
        answers = []
        for i, element in enumerate(self.q.findall("answer")):
            answer = self.answer(element, fmt, i, with_files=False)[0]
            if not answer.text:  # save_question_options() skips blank answers
                self.answer_lines.pop()
                self.r.warn(self.r.line(element), "an answer with no text is left out (as Moodle does)")
                continue
            answers.append(answer)
        if not answers:
            self.r.error(self.line, "a short-answer question needs at least one answer")
        self.fields["answers"] = tuple(answers)

    def read_numerical(self, fmt: str) -> None:
        answers = []
        for i, element in enumerate(self.q.findall("answer")):
            answer, _ = self.answer(element, fmt, i, with_files=False)
            text = answer.text or "*"
            line = self.r.line(element)
            if text != "*" and not _NUMBER.fullmatch(text):
                self.r.error(line, f"the numerical answer '{text[:40]}' is not a number (or * for any answer)")
            elif text != "*":
                self.r.number(text, line, "the numerical answer", 0.0)  # refuses INF-sized values
            tolerance: float | None = abs(self.r.number(self.r.value(element, "tolerance", ""), line, "<tolerance>",
                                                        0.0))
            if text == "*" and not tolerance:
                tolerance = None  # quizapp's "any other answer" (as the GIFT reader gives it)
            answers.append(Answer(text, answer.fraction, answer.feedback, tolerance))
        if not answers:
            self.r.error(self.line, "No answers found in numerical question")
        units = []
        for unit in self.q.findall("units/unit"):
            line = self.r.line(unit)
            units.append(Unit(self.r.value(unit, "unit_name", "", "a unit name"),
                              self.r.number(self.r.value(unit, "multiplier", ""), line, "<multiplier>", 1.0)))
        self.fields.update(answers=tuple(answers), units=tuple(units))
        self.keep("numerical")

    def read_matching(self, fmt: str) -> None:
        self.fields["shuffle_answers"] = self.flag("shuffleanswers", "1")
        pairs, formats = [], set()
        for i, element in enumerate(self.q.findall("subquestion")):
            left = self.text(element, fmt, f"subquestion/{i}")
            right = self.r.value(element, "answer/text", "", "a matching answer")
            if not left.text and not right:  # save_question_options() skips blank pairs
                continue
            formats.add(left.format)
            pairs.append(MatchPair(left.text, right))
        if formats and formats != {fmt}:
            self.fields["answer_format"] = sorted(formats)[0] if len(formats) == 1 else "html"
        # qtype_match::save_question_options(): at least 2 subquestions and 3 answers? Moodle asks for 2 pairs.
        if sum(1 for p in pairs if p.left) < 2:
            self.r.error(self.line, "a matching question needs at least 2 questions with answers")
        self.fields["pairs"] = tuple(pairs)
        self.combined_feedback(fmt)

    def read_essay(self, fmt: str) -> None:
        template = self.q.find("responsetemplate")
        self.fields.update(
            response_format=self.r.value(self.q, "responseformat", "editor") or "editor",
            grader_info=self.text(self.q.find("graderinfo"), fmt, "graderinfo").text,
            response_template=self.r.value(template, "text", "") if template is not None else "")
        self.keep("essay")

    def read_description(self, fmt: str) -> None:
        self.fields["default_grade"] = 0.0  # import_description(): defaultmark = 0
