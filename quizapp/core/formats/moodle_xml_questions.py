"""One Moodle XML ``<question>``: the parts every type has (``import_headers``) and each type's own
(``import_multichoice``, ``import_truefalse``, ...), read with the document helpers of ``moodle_xml``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only walks a tree that defusedxml parsed
from typing import TYPE_CHECKING, Any

from ..imported import Answer, EmbeddedFile, ImportedQuestion, MatchPair, Unit
from .gift import default_name, snap_fraction

if TYPE_CHECKING:
    from .moodle_xml import DocumentReader, TextField

WS = " \t\n\r\0\x0b"  # PHP trim()
NUMBER = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")
_TAG = re.compile(r"<[^>]*>")


def strip_tags(text: str) -> str:
    """``_TAG.sub("", text)`` in linear time.

    A '<' after the last '>' can never start a tag, but the pattern would scan from each one to the end
    of the text to find that out (quadratic for a name of many '<'). Before the last '>' every '<' has a
    '>' after it, so each try matches and the scan moves on."""
    end = text.rfind(">")
    return text if end < 0 else _TAG.sub("", text[:end + 1]) + text[end + 1:]
_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# Settings kept only to be written back (Moodle XML export): per question type, tag -> Moodle's default.
_KEPT = {
    "multichoice": {"showstandardinstruction": "1"},
    "numerical": {"unitgradingtype": "0", "unitpenalty": "0.1", "showunits": "", "unitsleft": "0",
                  "instructions": ""},
    "essay": {"responserequired": "1", "responsefieldlines": "15", "attachments": "0", "attachmentsrequired": "0",
              "maxbytes": "", "filetypeslist": "", "minwordlimit": "", "maxwordlimit": ""},
}


class QuestionReader:
    """One ``<question>``: the common parts (import_headers) and the type's own (import_<type>)."""

    def __init__(self, reader: DocumentReader, element: ET.Element, line: int) -> None:
        self.r, self.q, self.line = reader, element, line
        self.files: list[EmbeddedFile] = []
        self.fields: dict[str, Any] = {}
        self.answer_lines: list[int] = []

    def text(self, element: ET.Element | None, default_format: str, area: str) -> TextField:
        read = self.r.text_field(element, default_format, area)
        self.files.extend(read.files)
        return read

    def build(self, qtype: str) -> ImportedQuestion | None:
        r, q = self.r, self.q
        name_el = q.find("name/text")
        name = r.clean(name_el.text or "", r.line(name_el), "the question name") if name_el is not None else ""
        name = strip_tags(name).strip(WS)[:255]  # clean_question_name(): PARAM_TEXT strips tags; 255 characters
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
            if text != "*" and not NUMBER.fullmatch(text):
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
