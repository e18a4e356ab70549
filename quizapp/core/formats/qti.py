"""Questions as an IMS QTI 1.2 package (a .zip with ``imsmanifest.xml``), the "QTI .zip" Canvas imports.

The assessment follows IMS QTI ASI 1.2.1 (it validates against ``ims_qtiasiv1p2p1.dtd``) in the
dialect Canvas writes and reads: one ``assessment`` with a ``root_section``, each item's Canvas
``question_type`` and ``points_possible`` in its ``itemmetadata``, ``SCORE`` from 0 to 100.

How each question type is written:

- multiple choice, one answer: ``response_lid`` Single; every answer with a positive fraction sets
  SCORE to its percentage (Canvas keeps the best one as the right answer);
- multiple choice, several answers: ``response_lid`` Multiple; full marks for exactly the answers
  with positive fractions (Canvas scores partial credit its own way, Moodle's negative marks are lost);
- true/false: a Single ``response_lid`` with True and False;
- short answer: ``response_str``; each answer with a positive fraction, compared as text (``case``
  when the question is case-sensitive); a ``*`` pattern cannot be expressed and is left out;
- numerical: each answer as value ± tolerance (``vargte``/``varlte``); units are lost;
- matching: one ``response_lid`` per item over all the right-hand choices, each worth an equal share;
- essay: a ``response_str`` with no scoring; description: Canvas's text-only item.

Feedback: the general feedback (where quizapp keeps a generated question's explanation) is shown
for any response; per-answer feedback of multiple choice and true/false for that answer (short-answer
and numerical answers' feedback is not written); Moodle's combined feedback is lost.  Not written at
all: categories (one section), tags, ID numbers, penalties, hints, answer numbering, units, essays'
grader information and response options.  Texts become HTML: plain text escaped, Markdown rendered,
Moodle auto-format with its line breaks as ``<br>``.
Images travel in ``images/`` and are linked as Canvas does (``$IMS-CC-FILEBASE$/images/...``).
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - building XML only, nothing is parsed
import zipfile
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from ..embedded_files import resolve_links
from ..imported import EmbeddedFile, ImportedQuestion

__all__ = ["QTI_NAMESPACE", "QtiWriteError", "write_qti_package"]

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
_CP_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_CANVAS_TYPES = {"truefalse": "true_false_question", "shortanswer": "short_answer_question",
                 "numerical": "numerical_question", "matching": "matching_question", "essay": "essay_question",
                 "description": "text_only_question"}
_UrlFor = Callable[[EmbeddedFile], str]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class QtiWriteError(ValueError):
    """A question that QTI (XML) cannot hold."""


def write_qti_package(title: str, questions: Sequence[ImportedQuestion],
                      files: Mapping[str, bytes] | None = None) -> bytes:
    """The .zip: ``imsmanifest.xml``, the assessment ``<ident>/<ident>.xml`` and the images it links to."""
    files = files or {}
    ident = "quizapp_" + hashlib.sha256(title.encode()).hexdigest()[:16]
    images: dict[str, tuple[str, bytes]] = {}  # sha256 -> (zip path, bytes)

    def image_url(file: EmbeddedFile) -> str:
        if file.sha256 not in files:
            return f"images/{quote(file.name)}"
        name = f"{file.sha256[:12]}.{_EXTENSIONS.get(file.content_type, 'bin')}"
        images[file.sha256] = (f"images/{name}", files[file.sha256])
        return f"%24IMS-CC-FILEBASE%24/images/{name}"

    assessment = _assessment(ident, title, questions, image_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_info("imsmanifest.xml"), _manifest(ident, title, [p for p, _ in images.values()]))
        archive.writestr(_info(f"{ident}/{ident}.xml"), assessment)
        for path, data in sorted(images.values()):
            archive.writestr(_info(path), data)
    return buffer.getvalue()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: the same questions give the same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _manifest(ident: str, title: str, image_paths: list[str]) -> bytes:
    root = ET.Element("manifest", {"identifier": f"{ident}_manifest", "xmlns": _CP_NAMESPACE})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", {"identifier": ident, "type": "imsqti_xmlv1p2"})
    ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
    for number, path in enumerate(image_paths, start=1):
        image = ET.SubElement(resources, "resource", {"identifier": f"{ident}_image_{number}", "type": "webcontent",
                                                      "href": path})
        ET.SubElement(image, "file", {"href": path})
    return _xml(root)


class _Item:
    """One ``<item>``: metadata, presentation, response processing and feedback, in the DTD's order."""

    def __init__(self, q: ImportedQuestion, ident: str, image_url: _UrlFor) -> None:
        self.q, self.ident = q, ident
        self.image_url = image_url
        self.element = ET.Element("item", {"ident": ident, "title": _clean(q.name)[:250]})
        self.feedback: list[tuple[str, str]] = []  # (ident, html)

    def html(self, text: str, area: str) -> str:
        fmt = self.q.text_format
        if fmt == "plain":
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
        elif fmt == "moodle":  # Moodle auto-format is HTML whose line breaks count, as quizapp shows it
            text = text.replace("\r\n", "\n").replace("\n", "<br>")
        elif fmt == "markdown":
            import markdown  # the app's own Markdown renderer (a dependency)

            text = markdown.markdown(text)
        return resolve_links(_clean(text), self.q.files, self.image_url, area)

    def material(self, parent: ET.Element, text: str, area: str) -> None:
        material = ET.SubElement(parent, "material")
        ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = self.html(text, area)

    def metadata(self, canvas_type: str) -> None:
        meta = ET.SubElement(ET.SubElement(self.element, "itemmetadata"), "qtimetadata")
        for label, entry in (("question_type", canvas_type), ("points_possible", _number(self.q.default_grade))):
            field = ET.SubElement(meta, "qtimetadatafield")
            ET.SubElement(field, "fieldlabel").text = label
            ET.SubElement(field, "fieldentry").text = entry

    def resprocessing(self) -> ET.Element:
        processing = ET.SubElement(self.element, "resprocessing")
        outcomes = ET.SubElement(processing, "outcomes")
        ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                           "vartype": "Decimal"})
        if self.q.general_feedback:
            condition = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
            ET.SubElement(ET.SubElement(condition, "conditionvar"), "other")
            ET.SubElement(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
            self.feedback.append(("general_fb", self.html(self.q.general_feedback, "generalfeedback")))
        return processing

    def condition(self, processing: ET.Element, score: float | None, feedback_ident: str = "",
                  action: str = "Set") -> ET.Element:
        # Add keeps going (each matching item adds its share); Set ends processing at the first match.
        condition = ET.SubElement(processing, "respcondition",
                                  {"continue": "Yes" if score is None or action == "Add" else "No"})
        conditionvar = ET.SubElement(condition, "conditionvar")
        if score is not None:
            ET.SubElement(condition, "setvar", {"action": action, "varname": "SCORE"}).text = _number(score)
        if feedback_ident:
            ET.SubElement(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback_ident})
        return conditionvar

    def finish(self) -> ET.Element:
        for ident, html in self.feedback:
            flow = ET.SubElement(ET.SubElement(self.element, "itemfeedback", {"ident": ident}), "flow_mat")
            material = ET.SubElement(flow, "material")
            ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = html
        return self.element


def _assessment(ident: str, title: str, questions: Sequence[ImportedQuestion], image_url: _UrlFor) -> bytes:
    root = ET.Element("questestinterop", {
        "xmlns": QTI_NAMESPACE, "xmlns:xsi": _XSI,
        "xsi:schemaLocation": f"{QTI_NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": _clean(title)[:250]})
    meta = ET.SubElement(assessment, "qtimetadata")
    field = ET.SubElement(meta, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = "cc_maxattempts"
    ET.SubElement(field, "fieldentry").text = "1"
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for number, q in enumerate(questions, start=1):
        section.append(_item(q, f"{ident}_q{number}", image_url))
    return _xml(root)


def _item(q: ImportedQuestion, ident: str, image_url: _UrlFor) -> ET.Element:
    item = _Item(q, ident, image_url)
    if q.qtype == "multichoice":
        item.metadata("multiple_choice_question" if q.single else "multiple_answers_question")
    else:
        item.metadata(_CANVAS_TYPES[q.qtype])
    presentation = ET.SubElement(item.element, "presentation")
    item.material(presentation, q.text, "questiontext")
    if q.qtype in ("multichoice", "truefalse"):
        _choices(item, presentation)
    elif q.qtype in ("shortanswer", "numerical", "essay"):
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        render = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"} if q.qtype == "numerical" else {})
        ET.SubElement(render, "response_label", {"ident": "answer1", "rshuffle": "No"})
        _typed(item)
    elif q.qtype == "matching":
        _matching(item, presentation)
    elif q.general_feedback:
        item.resprocessing()
    return item.finish()


def _choices(item: _Item, presentation: ET.Element) -> None:
    q = item.q
    if q.qtype == "truefalse":
        options = [("true", "True", 1.0 if q.tf_answer else 0.0, q.tf_feedback_right if q.tf_answer
                    else q.tf_feedback_wrong),
                   ("false", "False", 0.0 if q.tf_answer else 1.0, q.tf_feedback_wrong if q.tf_answer
                    else q.tf_feedback_right)]
    else:
        options = [(f"{item.ident}_a{i}", a.text, a.fraction, a.feedback) for i, a in enumerate(q.answers)]
    single = q.qtype == "truefalse" or q.single
    response = ET.SubElement(presentation, "response_lid", {"ident": "response1",
                                                            "rcardinality": "Single" if single else "Multiple"})
    render = ET.SubElement(response, "render_choice", {"shuffle": "Yes" if q.shuffle_answers else "No"})
    for i, (ident, text, _, _) in enumerate(options):
        label = ET.SubElement(render, "response_label", {"ident": ident})
        item.material(label, text, f"answer/{i}")
    processing = item.resprocessing()
    for i, (ident, _, _, feedback) in enumerate(options):
        if feedback:
            ET.SubElement(item.condition(processing, None, f"{ident}_fb"), "varequal", {"respident": "response1"}
                          ).text = ident
            item.feedback.append((f"{ident}_fb", item.html(feedback, f"answerfeedback/{i}")))
    if single:
        for ident, _, fraction, _ in sorted(options, key=lambda o: -o[2]):
            if fraction > 0:
                ET.SubElement(item.condition(processing, fraction * 100), "varequal", {"respident": "response1"}
                              ).text = ident
        return
    both = ET.SubElement(item.condition(processing, 100.0), "and")
    for ident, _, fraction, _ in options:
        parent = both if fraction > 0 else ET.SubElement(both, "not")
        ET.SubElement(parent, "varequal", {"respident": "response1"}).text = ident


def _typed(item: _Item) -> None:
    q = item.q
    processing = item.resprocessing()
    if q.qtype == "essay":
        ET.SubElement(item.condition(processing, None), "other")
        return
    for answer in sorted(q.answers, key=lambda a: -a.fraction):
        if answer.fraction <= 0 or answer.text == "*" or (q.qtype == "shortanswer" and "*" in answer.text):
            continue
        conditionvar = item.condition(processing, answer.fraction * 100)
        if q.qtype == "shortanswer":
            attrs = {"respident": "response1", "case": "Yes"} if q.usecase else {"respident": "response1"}
            ET.SubElement(conditionvar, "varequal", attrs).text = _clean(answer.text)
            continue
        value, tolerance = float(answer.text), answer.tolerance or 0.0
        either = ET.SubElement(conditionvar, "or")
        ET.SubElement(either, "varequal", {"respident": "response1"}).text = _number(value)
        both = ET.SubElement(either, "and")
        ET.SubElement(both, "vargte", {"respident": "response1"}).text = _number(value - tolerance)
        ET.SubElement(both, "varlte", {"respident": "response1"}).text = _number(value + tolerance)


def _matching(item: _Item, presentation: ET.Element) -> None:
    q = item.q
    choices = list(dict.fromkeys(p.right for p in q.pairs))  # the distinct right-hand texts, in file order
    lefts = [(i, p) for i, p in enumerate(q.pairs) if p.left]
    for i, pair in lefts:
        response = ET.SubElement(presentation, "response_lid", {"ident": f"response_{i}", "rcardinality": "Single"})
        item.material(response, pair.left, f"subquestion/{i}")
        render = ET.SubElement(response, "render_choice", {"shuffle": "Yes" if q.shuffle_answers else "No"})
        for j, choice in enumerate(choices):
            label = ET.SubElement(render, "response_label", {"ident": f"{item.ident}_c{j}"})
            item.material(label, choice, "")
    processing = item.resprocessing()
    share = 100 / len(lefts) if lefts else 0.0
    for i, pair in lefts:
        ET.SubElement(item.condition(processing, share, action="Add"), "varequal",
                      {"respident": f"response_{i}"}).text = f"{item.ident}_c{choices.index(pair.right)}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _clean(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise QtiWriteError(f"the text {text[:40]!r} contains U+{ord(bad.group()):04X}, which XML cannot hold")
    return text
