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
  other files (an MP3, a PDF, an SVG) are dropped with a warning naming the file, its line and what
  it seems to be, and the question is imported without them (Moodle imports it with them); an image
  over the limit is an error;
- a category no imported question is in is not kept (quizapp keeps categories only as their
  questions' paths): a warning says so, unless it is only a parent, with no description, of
  categories that are kept; a file holding only categories, or only skipped types, has "no questions".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for TreeBuilder/Element; parsing is defusedxml's
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..embedded_files import MAX_IMAGE_BYTES, describe_file, looks_like_svg, sniff_image
from ..imported import EmbeddedFile, Issue, ParseResult
from .moodle_xml_questions import NUMBER, WS, QuestionReader

__all__ = ["FORMAT_NAMES", "SUPPORTED_TYPES", "parse_moodle_xml"]

# Moodle's text format names and quizapp's (the names GIFT uses).
FORMAT_NAMES = {"moodle_auto_format": "moodle", "html": "html", "plain_text": "plain", "markdown": "markdown",
                "wiki_like": "moodle"}
SUPPORTED_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "match", "essay",
                   "description")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")



def parse_moodle_xml(text: str, filename: str = "questions.xml") -> ParseResult:
    """Read a Moodle XML file.  ``result.errors`` non-empty means the file must not be imported."""
    return DocumentReader().run(text)


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
class TextField:
    """A Moodle text field: its text, quizapp's format name, the files it holds."""

    text: str
    format: str
    files: list[EmbeddedFile] = field(default_factory=list)


class DocumentReader:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.lines: dict[int, int] = {}
        self.category = ""
        self.category_info = ""
        self.declared: dict[str, tuple[int, str]] = {}  # category path -> (line, info) of its first declaration
        self.skipped = 0

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
        if not NUMBER.fullmatch(raw):
            self.error(line, f"{what} '{raw[:40]}' is not a number")
            return default
        number = float(raw)
        if not math.isfinite(number):
            self.error(line, f"{what} '{raw[:40]}' is too large")
            return default
        return number

    def text_field(self, element: ET.Element | None, default_format: str, area: str) -> TextField:
        """import_text_with_files(): ``<x format="..."><text>...</text><file .../></x>``."""
        if element is None:
            return TextField("", default_format)
        fmt = self.format(element.get("format"), default_format, self.line(element))
        text_el = element.find("text")
        text = self.clean(text_el.text or "", self.line(text_el), f"<{element.tag}> text") if text_el is not None \
            else ""
        return TextField(text, fmt, self.files(element, area))

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
                    if looks_like_svg(name, data) else f"not a PNG, JPEG, GIF or WebP image ({describe_file(data)})"
                self.warn(line, f"the file '{full}' is {kind}: quizapp stores only images, so the question is "
                                "imported without it and its links to the file will not work")
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
        if not self.result.errors:
            self.unkept_categories()
        if not self.result.questions and not self.result.errors:
            self.error(1, "There are no questions in the import file" + self.why_empty())
        return self.result

    def why_empty(self) -> str:
        if self.skipped:
            which = "its question is" if self.skipped == 1 else f"all {self.skipped} of its questions are"
            return f" that quizapp can import: {which} of a type quizapp skips (see the warnings)"
        if self.declared:
            names = ", ".join(repr(path[:60]) for path in list(self.declared)[:3])
            return f" (it holds only categories: {names}{', ...' if len(self.declared) > 3 else ''})"
        return ""

    def unkept_categories(self) -> None:
        """Warn of categories no imported question is in: quizapp keeps a category only as its questions' path."""
        used = {q.category for q in self.result.questions}
        for path, (line, info) in self.declared.items():
            if path in used or not self.result.questions:
                continue
            within = any(u.startswith(path + "/") for u in used)
            if within and not info:
                continue  # its name lives on in its subcategories' paths, and it has nothing else
            lost = "its description is not kept" if within else "it is not kept" + (" (nor its description)" if info
                                                                                     else "")
            self.warn(line, f"the category '{path[:80]}' holds no question quizapp imports, so {lost}: quizapp keeps "
                            "a category only as the path of its questions")

    def question(self, element: ET.Element) -> None:
        qtype = (element.get("type") or "").strip(WS)
        line = self.line(element)
        if qtype == "category":
            self.read_category(element, line)
            return
        if qtype not in SUPPORTED_TYPES:
            self.skipped += 1
            name = self.value(element, "name/text", "")
            self.warn(line, f"the {qtype or 'untyped'} question {name[:60]!r} is skipped: quizapp has no "
                            f"{qtype or 'untyped'} questions (it imports multichoice, truefalse, shortanswer, "
                            "numerical, matching, essay and description)")
            return
        errors_before = len(self.result.errors)
        read = QuestionReader(self, element, line)
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
        self.declared.setdefault(path, (line, self.category_info))
