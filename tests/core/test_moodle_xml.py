"""Moodle XML: faithful import of Moodle's own test fixtures (tests/data/moodlexml), hardening, export, round trips."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.core.bank_check import check_bank_text, detect_format
from quizapp.core.embedded_files import MAX_IMAGE_BYTES, describe_file, resolve_links, sniff_image
from quizapp.core.formats.moodle_xml import parse_moodle_xml
from quizapp.core.formats.moodle_xml_questions import strip_tags
from quizapp.core.formats.moodle_xml_writer import MoodleXmlWriteError, write_moodle_xml
from quizapp.core.imported import Answer, ImportedQuestion, MatchPair, ParseResult, Unit
from tests.core.linear_time import KB, assert_linear, repeated

DATA = Path(__file__).resolve().parents[1] / "data" / "moodlexml"


def read(name: str) -> ParseResult:
    return parse_moodle_xml((DATA / name).read_text(encoding="utf-8"))


def ok(name: str) -> ParseResult:
    result = read(name)
    assert result.errors == [], result.errors
    return result


def png(width: int = 1, height: int = 1, padding: int = 0) -> bytes:
    """A real PNG (a valid IHDR, IDAT and IEND), optionally with a large ancillary chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw))
    if padding:
        body += chunk(b"teXt", b"c\x00" + b"x" * padding)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def truefalse(extra: str = "", text: str = "Is it?") -> str:
    return f"""<question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text>{text}</text>{extra}</questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>"""


# -- Moodle's fixtures, with what Moodle's own tests expect of them ------------------------------------

def test_category_with_description():  # qformat_xml_import_export_test::test_import_category
    (q,) = ok("category_with_description.xml").questions
    assert (q.category, q.category_info) == ("$course$/Alpha", "This is Alpha category for test")
    assert (q.qtype, q.name, q.text, q.text_format) == ("truefalse", "Alpha Question", "<p>Testing Alpha Question</p>",
                                                        "html")
    assert (q.tf_answer, q.default_grade, q.penalty) == (True, 1.0, 1.0)


def test_nested_categories_with_questions():  # test_import_nested_categories_with_questions
    result = ok("nested_categories_with_questions.xml")
    where = {q.name: (q.category, q.category_info) for q in result.questions}
    assert where == {
        "Iota Question": ("$course$/Iota", "This is Iota category for test"),
        "Kappa Essay Question": ("$course$/Iota/Kappa", "This is Kappa category for test"),
        "Kappa Question": ("$course$/Iota/Kappa", "This is Kappa category for test"),
        "Lambda Question": ("$course$/Iota/Kappa/Lambda", "This is Lambda category for test"),
        "Mu Question": ("$course$/Iota/Mu", "This is Mu category for test"),
    }
    essay = result.questions[1]
    assert (essay.qtype, essay.text_format, essay.penalty, essay.response_format) == ("essay", "moodle", 0.0, "editor")
    assert dict(essay.moodle_options) == {"responsefieldlines": "10"}  # 15 is Moodle's default, 10 is kept


def test_old_format_file_categories_without_info():  # test_import_old_format
    result = ok("old_format_file.xml")
    assert [(q.name, q.category, q.category_info) for q in result.questions] == [
        ("Pi Question", "$course$/Pi", ""), ("Rho Question", "$course$/Pi/Rho", "")]


def test_categories_in_reverse_order():  # test_import_categories_in_reverse_order
    tau, sigma = ok("categories_reverse_order.xml").questions
    assert (tau.name, tau.category, tau.qtype) == ("Tau Question", "$course$/Sigma/Tau", "essay")
    assert (sigma.name, sigma.category, sigma.qtype, sigma.usecase) == (
        "Sigma Question", "$course$/Sigma", "shortanswer", False)
    assert sigma.answers == (Answer("yes", 1.0), Answer("no", 0.0), Answer("may be", 0.0))


def test_names_lose_their_tags_as_in_moodle():  # clean_question_name() uses PARAM_TEXT
    text = (DATA / "error_invalid_grades.xml").read_text().replace('fraction="33"', 'fraction="33.33333"')
    (q,) = parse_moodle_xml(text).questions
    assert q.name == "Question with invalid grades : x > 1 & x < 2"


def test_html_characters_in_idnumbers():
    (q,) = ok("html_chars_in_idnumbers.xml").questions
    assert q.id_number == "T & F"


def test_invalid_grade_is_an_error_with_its_line():  # Moodle's import with "error" for unlisted grades
    result = read("error_invalid_grades.xml")
    assert [(e.line, e.message.split(" is not")[0]) for e in result.errors] == [(38, "the fraction 33")]
    assert result.questions == []


def test_old_image_tag_and_skipped_cloze():  # sample_questions_with_old_image_tag.xml
    result = ok("sample_questions_with_old_image_tag.xml")
    assert [(w.line, w.message.split(":")[0]) for w in result.warnings] == [
        (16, "the cloze question 'cloze question with image' is skipped")]
    (mcq,) = result.questions
    assert mcq.text.endswith('Moodle 1.9 <img src="@@PLUGINFILE@@/moodle.png" />')
    assert [(f.area, f.name, f.content_type, f.size) for f in mcq.files] == [("questiontext", "moodle.png",
                                                                             "image/png", 606)]
    assert result.files[mcq.files[0].sha256].startswith(b"\x89PNG")
    assert (mcq.single, mcq.shuffle_answers, mcq.penalty, mcq.default_grade) == (True, True, 0.1, 1.0)
    assert [(a.text, a.fraction) for a in mcq.answers] == [("wrong answer", 0.0), ("another wrong answer", 0.0),
                                                           ("right answer", 1.0)]


def test_truefalse_with_images_in_every_text():  # Moodle's truefalse.xml, first question
    result = ok("truefalse_with_images.xml")
    (q,) = result.questions
    assert (q.tf_answer, q.category) == (False, "$course$/Default for testhead/TrueFalse")
    assert [(f.area, f.name, f.content_type) for f in q.files] == [
        ("questiontext", "logo.jpg", "image/jpeg"), ("generalfeedback", "infos.jpg", "image/jpeg"),
        ("tf/true", "thumbdown.jpg", "image/jpeg"), ("tf/false", "thumbup.jpg", "image/jpeg")]
    assert "thumbup.jpg" in q.tf_feedback_right and "thumbdown.jpg" in q.tf_feedback_wrong
    assert set(result.files) == {f.sha256 for f in q.files}


def test_truefalse_xml_whole():  # import_export.feature: "Importing 2 questions from file"
    result = ok("truefalse.xml")
    wrong, right = result.questions
    assert (wrong.name, wrong.tf_answer, right.name, right.tf_answer) == (
        "Moodle acronym (False)", False, "Moodle acronym (True)", True)
    assert "is an acronym for <span style=\"font-style: italic;\">Modular Object-Oriented Dynamic Learning " \
           "Education</span>" in wrong.text and "Learning Environment</span>" in right.text
    assert [(f.area, f.name) for f in right.files] == [("questiontext", "logo.jpg"), ("generalfeedback", "infos.jpg"),
                                                       ("tf/true", "thumbup.jpg"), ("tf/false", "thumbdown.jpg")]
    assert [f.size for f in right.files] == [898, 700, 18063, 599]
    assert len(result.files) == 4  # each image once, though both questions carry it
    assert all(result.files[f.sha256].startswith(b"\xff\xd8\xff") for f in right.files)
    assert result.warnings == []


def test_multichoice_with_an_mp3_and_flag_images():  # import_export.feature: "Importing 1 questions", "Greeting"
    result = read("multichoice.xml")
    assert result.errors == []
    (q,) = result.questions
    assert (q.qtype, q.name, q.category) == ("multichoice", "Greeting", "$course$/Default for testhead/Multichoice")
    assert "What language is being spoken?" in q.text and '<a href="@@PLUGINFILE@@/bonjour.mp3">' in q.text
    assert (q.single, q.shuffle_answers, q.answer_numbering, q.default_grade, q.penalty) == (True, True, "abc", 1.0,
                                                                                             0.1)
    assert [(a.text.rsplit("/> ", 1)[1], a.fraction, a.feedback) for a in q.answers] == [
        ("English</p>", 0.0, "<p>Sorry, listen again.</p>"), ("French</p>", 1.0, "<p>Yes, well done!</p>"),
        ("German</p>", 0.0, "<p>Sorry, listen again.</p>"), ("Danish</p>", 0.0, "<p>Sorry, listen again.</p>")]
    # The four flags are stored with the answers that show them; the MP3 is not an image: the question is imported
    # without it, with a warning naming the file and its line (Moodle would store it).
    assert [(f.area, f.name, f.content_type, f.size) for f in q.files] == [
        ("answer/0", "flag-uk.jpg", "image/jpeg", 1999), ("answer/1", "flag-france.jpg", "image/jpeg", 1098),
        ("answer/2", "flag-german.jpg", "image/jpeg", 1024), ("answer/3", "flag-denmark.jpg", "image/jpeg", 1250)]
    assert set(result.files) == {f.sha256 for f in q.files}
    assert [(w.line, w.message) for w in result.warnings] == [
        (18, "the file 'bonjour.mp3' is not a PNG, JPEG, GIF or WebP image (MP3 audio): quizapp stores only images, "
             "so the question is imported without it and its links to the file will not work")]
    check = check_bank_text((DATA / "multichoice.xml").read_text(), "multichoice.xml")
    assert check.ok and check.summary() == "1 questions in 1 category, 1 warning"
    assert check.to_json()["warnings"] == [f"multichoice.xml: {result.warnings[0]}"]


SKIPPED_CLOZE = ("is skipped: quizapp has no cloze questions (it imports multichoice, truefalse, shortanswer, "
                 "numerical, matching, essay and description)")


def test_multianswer_cloze_is_listed_as_skipped():  # Moodle imports it ("cloze with images"); quizapp has no cloze
    result = read("multianswer.xml")
    assert result.questions == [] and result.files == {}
    assert [(w.line, w.message) for w in result.warnings] == [(12, f"the cloze question 'cloze with images' "
                                                                   f"{SKIPPED_CLOZE}")]
    assert [(e.line, e.message) for e in result.errors] == [(1, "There are no questions in the import file that "
                                                                "quizapp can import: its question is of a type "
                                                                "quizapp skips (see the warnings)")]
    data = check_bank_text((DATA / "multianswer.xml").read_text(), "multianswer.xml").to_json()
    assert data["questions"] == []
    assert data["warnings"] == [f"multianswer.xml: line 12: the cloze question 'cloze with images' {SKIPPED_CLOZE}"]
    assert data["errors"] == [f"multianswer.xml: {result.errors[0]}"]


def test_broken_cloze_questions_are_each_listed():  # test_import_broken_multianswer_questions: none imported
    result = read("broken_cloze_questions.xml")
    assert result.questions == []
    assert [(w.line, w.message) for w in result.warnings] == [(line, f"the cloze question '{name}' {SKIPPED_CLOZE}")
                                                              for line, name in (
        (4, "Multianswer question without subquestions"), (20, "Multichoice subquestion without choices"),
        (36, "Multichoice subquestion with only one choice"),
        (52, "Multichoice subquestion with no completely correct answer"),
        (68, "Numerical subquestion with buggy answer"))]
    assert [e.message for e in result.errors] == [
        "There are no questions in the import file that quizapp can import: all 5 of its questions are of a type "
        "quizapp skips (see the warnings)"]
    data = check_bank_text((DATA / "broken_cloze_questions.xml").read_text(), "broken.xml").to_json()
    assert [w.split(": ")[1] for w in data["warnings"]] == ["line 4", "line 20", "line 36", "line 52", "line 68"]
    assert len(data["errors"]) == 1


def test_nested_categories():  # test_import_nested_categories (Moodle 5: $module$ paths)
    result = ok("nested_categories.xml")
    (q,) = result.questions
    assert (q.name, q.category, q.category_info, q.tf_answer) == (
        "Zeta Question", "$module$/Delta/Epsilon/Zeta", "This is Zeta category for test", True)
    # Delta and Epsilon live on in Zeta's path; their descriptions, which no question carries, are reported lost.
    assert [(w.line, w.message.split(",")[0]) for w in result.warnings] == [
        (4, "the category '$module$/Delta' holds no question quizapp imports"),
        (15, "the category '$module$/Delta/Epsilon' holds no question quizapp imports")]
    assert all("its description is not kept" in w.message for w in result.warnings)


@pytest.mark.parametrize("name", ["export_category.xml", "deprecated_category.xml"])
def test_alpha_category_exports(name: str):  # test_export_category's expected file; test_deprecated_category_import
    (q,) = ok(name).questions
    assert (q.name, q.category, q.category_info, q.text, q.tf_answer, q.penalty) == (
        "Alpha Question", "$course$/Alpha", "This is Alpha category for test", "<p>Testing Alpha Question</p>", True,
        1.0)


def moodle_normalised(xml: str) -> list[str]:
    """qformat_xml_import_export_test::normalise_xml(): question ids as 0, no trailing zeros, no final newline."""
    import re

    xml = re.sub(r"(?<=<!-- question: )([0-9]+)(?=  -->)", "0", xml.replace("\r\n", "\n").removesuffix("\n"))
    xml = re.sub(r">.0000000<", ">0<", xml)
    xml = re.sub(r"(\.(:?[0-9]*[1-9])?)0*<", r"\1<", xml)
    return re.sub(r"([0-9]).<", r"\1<", xml).split("\n")  # "." is any character, as in Moodle's pattern


def test_export_category_writes_moodles_expected_file_but_the_category_idnumber():  # test_export_category
    expected = (DATA / "export_category.xml").read_text()
    first = ok("export_category.xml")
    written = moodle_normalised(write_moodle_xml(first.questions, first.files))
    assert [i for i, (a, b) in enumerate(zip(moodle_normalised(expected), written, strict=True)) if a != b] == [10]
    assert (moodle_normalised(expected)[10], written[10]) == ("    <idnumber>alpha-idnumber</idnumber>",
                                                              "    <idnumber></idnumber>")  # not kept by quizapp


def test_a_file_of_categories_only_has_no_questions():  # as an empty GIFT, Aiken or CSV file: an error
    text = (DATA / "nested_categories.xml").read_text()
    categories_only = text[:text.index("<!-- question: 93")] + "</quiz>\n"
    result = parse_moodle_xml(categories_only)
    assert result.questions == [] and result.warnings == []
    assert [(e.line, e.message) for e in result.errors] == [
        (1, "There are no questions in the import file (it holds only categories: '$module$/Delta', "
            "'$module$/Delta/Epsilon', '$module$/Delta/Epsilon/Zeta')")]
    check = check_bank_text(categories_only, "categories.xml")
    assert not check.ok and check.errors == [f"categories.xml: {result.errors[0]}"]


def test_a_category_no_question_is_in_is_reported():
    text = quiz('<question type="category"><category><text>$course$/Empty</text></category></question>',
                '<question type="category"><category><text>$course$/Week 1</text></category></question>', truefalse())
    result = parse_moodle_xml(text)
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, "the category '$course$/Empty' holds no question quizapp imports, so it is not kept: quizapp keeps a "
            "category only as the path of its questions")]


def test_what_a_file_that_is_not_an_image_seems_to_be():
    assert [describe_file(d) for d in (b"ID3\x03", b"\xff\xf3\xc0", b"%PDF-1.4", b"PK\x03\x04", b"hello\n",
                                       "caf\u00e9".encode()[:4], b"\x00\x01")] == [
        "MP3 audio", "MP3 audio", "a PDF document", "a ZIP archive or Office document", "a text file", "a text file",
        "a file of another type"]


def test_xmlformat_test_examples():  # question/format/xml/tests/xmlformat_test.php, test_import_*
    result = ok("xmlformat_test_examples.xml")
    description, essay20, essay21, match, multichoice, numerical, short, tf, tf_id, tf_files = result.questions
    assert (description.qtype, description.text, description.text_format, description.general_feedback,
            description.default_grade, description.penalty, description.tags) == (
        "description", "The question text.", "html", "Here is some general feedback.", 0.0, 0.0,
        ("tagDescription", "tagTest"))
    assert (essay20.text_format, essay20.default_grade, essay20.penalty, essay20.response_format, essay20.grader_info,
            essay20.response_template, essay20.moodle_options, essay20.tags) == (
        "moodle", 1.0, 0.0, "editor", "", "", (), ("tagEssay", "tagEssay20", "tagTest"))
    assert (essay21.response_format, essay21.grader_info, essay21.response_template) == (
        "monospaced", "<p>Grade <b>generously</b>!</p>", "<p>Here is something <b>really</b> interesting.</p>")
    assert dict(essay21.moodle_options) == {"responserequired": "0", "responsefieldlines": "42", "attachments": "-1",
                                            "attachmentsrequired": "1"}
    assert (match.shuffle_answers, match.correct_feedback, match.partially_correct_feedback,
            match.incorrect_feedback, match.show_num_correct) == (
        False, "Well done.", "Not entirely.", "Completely wrong!", False)
    assert match.pairs == (MatchPair("A", "a"), MatchPair("B", "b"), MatchPair("C", "c"), MatchPair("", "d"))
    assert (match.hints, match.general_feedback, match.tags) == (
        ("Hint 1", ""), "The answer is A -> a, B -> b and C -> c.", ("tagMatching", "tagTest"))
    assert (multichoice.single, multichoice.shuffle_answers, multichoice.answer_numbering, multichoice.default_grade,
            multichoice.show_num_correct, multichoice.hints) == (False, False, "abc", 2.0, True, ("Hint 1.", "Hint 2."))
    assert [(a.text, a.fraction) for a in multichoice.answers] == [("1", 0.0), ("2", 1.0), ("3", 0.0), ("4", 1.0)]
    assert multichoice.correct_feedback == "<p>Your answer is correct.</p>"
    assert numerical.penalty == 0.1 and numerical.answers == (
        Answer("42", 1.0, "Well done!", 0.001), Answer("13", 0.0, "What were you thinking?!", 1.0),
        Answer("*", 0.0, "Completely wrong.", None))
    assert (short.usecase, short.answers, short.hints) == (
        False, (Answer("Beta", 1.0, "Well done!"), Answer("*", 0.0, "Doh!")), ("Hint 1", "Hint 2"))
    assert (tf.tf_answer, tf.tf_feedback_right, tf.tf_feedback_wrong, tf.penalty) == (True, "Well done!", "Doh!", 1.0)
    assert tf_id.id_number == "TestIdNum1"
    assert tf_files.files == ()  # moodle.txt is not an image
    warnings = [(w.line, w.message) for w in result.warnings]
    assert warnings[0] == (132, "the positive grades of this multiple-answer question add up to 200%, not 100%")
    assert warnings[1][0] == 310 and "cloze question 'Simple multianswer' is skipped" in warnings[1][1]
    assert warnings[2][0] == 339 and "'myfolder/moodle.txt' is not a PNG, JPEG, GIF or WebP image" in warnings[2][1]


def test_export_matches_moodles_expected_xml():  # xmlformat_test::test_export_description / _truefalse
    description = ok("xmlformat_test_examples.xml").questions[0]
    xml = write_moodle_xml([replace(description, tags=())])
    assert """  <question type="description">
    <name>
      <text>A description</text>
    </name>
    <questiontext format="html">
      <text>The question text.</text>
    </questiontext>
    <generalfeedback format="html">
      <text>Here is some general feedback.</text>
    </generalfeedback>
    <defaultgrade>0</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
""" in xml
    tf = ok("xmlformat_test_examples.xml").questions[7]
    assert """    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text>Well done!</text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text>Doh!</text>
      </feedback>
    </answer>""" in write_moodle_xml([tf])


NOTHING_TO_IMPORT = ("error_invalid_grades.xml", "multianswer.xml", "broken_cloze_questions.xml")


def test_every_fixture_has_moodles_expectations_here():
    source = Path(__file__).read_text(encoding="utf-8")
    assert [p.name for p in sorted(DATA.glob("*.xml")) if f'"{p.name}"' not in source] == []


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.xml") if p.name not in NOTHING_TO_IMPORT))
def test_corpus_round_trip(name: str):
    first = ok(name)
    again = parse_moodle_xml(write_moodle_xml(first.questions, first.files))
    assert again.errors == []
    assert [replace(q, line=0) for q in again.questions] == [replace(q, line=0) for q in first.questions]
    assert again.files == first.files


def test_check_bank_reads_moodle_xml_by_extension_and_reports_json():
    text = (DATA / "categories_reverse_order.xml").read_text()
    assert detect_format("bank.xml", text) == "moodlexml"
    check = check_bank_text(text, "bank.xml")
    assert check.ok and check.format == "moodlexml" and check.question_count == 2
    data = check.to_json()
    assert data["format"] == "moodlexml" and [q["qtype"] for q in data["questions"]] == ["essay", "shortanswer"]


# -- hostile and broken input ---------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<quiz><question type="description"><name><text>&lol2;</text></name></question></quiz>
"""


def test_billion_laughs_is_refused_naming_the_entity():
    result = parse_moodle_xml(BILLION_LAUGHS)
    assert result.questions == []
    (error,) = result.errors
    assert error.line == 3 and "entity 'lol'" in error.message and "billion laughs" in error.message


def test_external_entity_is_refused():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
            "<quiz>" + truefalse(text="&secret;") + "</quiz>")
    (error,) = parse_moodle_xml(text).errors
    assert "entity 'secret'" in error.message and "file:///etc/passwd" in error.message


@pytest.mark.parametrize(("text", "line", "words"), [
    ("<quiz><question type='truefalse'>\n<name><text>x</name></question></quiz>", 2, "not well-formed"),
    ("<?xml version='1.0'?>\n<questestinterop/>", 2, "not <quiz>"),
    ("<quiz></quiz>", 1, "There are no questions"),
    ("", 1, "not well-formed"),
])
def test_broken_files(text: str, line: int, words: str):
    (error,) = parse_moodle_xml(text).errors
    assert error.line == line and words in error.message


def test_unknown_types_are_listed_with_their_line():
    text = quiz(truefalse(), '<question type="calculated"><name><text>Calc</text></name></question>',
                '<question type="ddwtos"><name><text>Drag</text></name></question>')
    result = parse_moodle_xml(text)
    assert [q.name for q in result.questions] == ["TF"]
    assert [(w.line, w.message.split(":")[0]) for w in result.warnings] == [
        (9, "the calculated question 'Calc' is skipped"), (10, "the ddwtos question 'Drag' is skipped")]


@pytest.mark.parametrize(("bad", "words"), [
    ('<answer fraction="NAN"><text>true</text></answer>', "the fraction 'NAN' is not a number"),
    ('<answer fraction="1e999"><text>true</text></answer>', "the fraction '1e999' is too large"),
    ("<defaultgrade>INF</defaultgrade>", "<defaultgrade> 'INF' is not a number"),
    ("<penalty>0x10</penalty>", "<penalty> '0x10' is not a number"),
])
def test_non_finite_numbers_are_refused(bad: str, words: str):
    question = truefalse().replace("<answer fraction=\"100\"><text>true</text></answer>", bad) \
        if bad.startswith("<answer") else truefalse().replace("</name>", "</name>" + bad)
    result = parse_moodle_xml(quiz(question))
    assert any(words in e.message for e in result.errors), result.errors


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused(char: str):
    (error,) = parse_moodle_xml(quiz(truefalse(text=f"Is{char}it?"))).errors
    assert error.line == 5 and f"U+{ord(char):04X}" in error.message


def test_c0_control_characters_are_not_xml():
    (error,) = parse_moodle_xml(quiz(truefalse(text="Is&#1;it?"))).errors
    assert "not well-formed" in error.message


# -- embedded files --------------------------------------------------------------------------------------

def file_xml(name: str, data: bytes) -> str:
    return f'<file name="{name}" path="/" encoding="base64">{base64.b64encode(data).decode()}</file>'


def test_images_are_recognised_by_their_bytes_not_their_names():
    gif, webp = b"GIF89a" + b"\x00" * 20, b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8
    assert [sniff_image(d) for d in (png(), b"\xff\xd8\xff\xe0" + b"\x00" * 8, gif, webp, b"<svg/>", b"MZ")] == [
        "image/png", "image/jpeg", "image/gif", "image/webp", None, None]
    files = file_xml("a.gif", png()) + file_xml("b.png", gif)
    (q,) = parse_moodle_xml(quiz(truefalse(files))).questions
    assert [(f.name, f.content_type) for f in q.files] == [("a.gif", "image/png"), ("b.png", "image/gif")]


def test_svg_and_other_files_are_dropped_with_a_warning():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    result = parse_moodle_xml(quiz(truefalse(file_xml("pic.svg", svg) + file_xml("notes.pdf", b"%PDF-1.4"))))
    assert result.errors == [] and result.questions[0].files == () and result.files == {}
    assert "SVG can carry script" in result.warnings[0].message
    assert "'notes.pdf' is not a PNG, JPEG, GIF or WebP image" in result.warnings[1].message


def test_an_image_over_the_limit_is_an_error_and_nothing_is_imported():
    big = png(padding=MAX_IMAGE_BYTES)
    result = parse_moodle_xml(quiz(truefalse(file_xml("big.png", big))))
    assert result.questions == [] and "at most 1 MB" in result.errors[0].message


def test_blank_answers_and_pairs_are_left_out_as_in_moodle():
    text = quiz("""<question type="multichoice"><name><text>M</text></name><questiontext><text>Q</text></questiontext>
    <answer fraction="100"><text>a</text></answer><answer fraction="0"><text></text></answer>
    <answer fraction="0"><text>c</text></answer></question>""",
                """<question type="matching"><name><text>P</text></name><questiontext><text>Q</text></questiontext>
    <subquestion><text>1</text><answer><text>one</text></answer></subquestion>
    <subquestion><text></text><answer><text></text></answer></subquestion>
    <subquestion><text>2</text><answer><text>two</text></answer></subquestion></question>""")
    result = parse_moodle_xml(text)
    multichoice, matching = result.questions
    assert [a.text for a in multichoice.answers] == ["a", "c"]
    assert matching.pairs == (MatchPair("1", "one"), MatchPair("2", "two"))
    assert [(w.line, w.message) for w in result.warnings] == [
        (4, "an answer with no text is left out (as Moodle does)")]


def test_bad_base64_and_bad_names_are_errors():
    text = quiz(truefalse('<file name="x.png" encoding="base64">!!!</file>'),
                truefalse('<file name="../x.png" encoding="base64">AAAA</file>'))
    assert [e.message.split(" is")[0].split(" needs")[0] for e in parse_moodle_xml(text).errors] == [
        "the file 'x.png'", "<file>"]


def test_links_resolve_to_the_file_of_the_same_text_first():
    result = ok("truefalse_with_images.xml")
    (q,) = result.questions
    html = resolve_links(q.text + q.general_feedback, q.files, lambda f: f"/img/{f.sha256[:6]}/{f.name}")
    assert "@@PLUGINFILE@@" not in html and html.count("/img/") == 2
    untouched = resolve_links('<img src="@@PLUGINFILE@@/missing.png">', q.files, lambda f: "x")
    assert untouched == '<img src="@@PLUGINFILE@@/missing.png">'


# -- the writer and the round trip --------------------------------------------------------------------------

def test_writer_refuses_characters_xml_cannot_hold():
    with pytest.raises(MoodleXmlWriteError, match="U\\+0001"):
        write_moodle_xml([ImportedQuestion(qtype="description", name="N", text="a\x01b")])


def test_cdata_end_and_carriage_returns_survive():
    q = ImportedQuestion(qtype="essay", name="N", text="if (x[[0]]>a) <b>\r\nno</b>", text_format="html",
                         grader_info="a ]]> b <i>", default_grade=2.5)
    (again,) = parse_moodle_xml(write_moodle_xml([q])).questions
    assert replace(again, line=0) == q


_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="".join(
    map(chr, range(0x7F, 0xA0)))) | st.sampled_from("\n\t<>&]]>\"'"), max_size=30).map(
    lambda s: s.strip(" \t\n\r\0\x0b"))
_NAME = _TEXT.filter(bool)
_GRADES = st.sampled_from([1.0, 0.5, 0.3333333, 0.25, 0.1, 0.0, -0.5, -1.0])
_COMMON = {"name": _NAME, "text": _TEXT, "text_format": st.sampled_from(["moodle", "html", "plain", "markdown"]),
           "general_feedback": _TEXT, "id_number": _TEXT, "tags": st.lists(_NAME, max_size=3).map(tuple),
           "default_grade": st.sampled_from([0.0, 1.0, 2.0, 0.5]),
           "penalty": st.sampled_from([0.0, 0.1, 0.3333333, 1.0]),
           "hints": st.lists(_TEXT, max_size=2).map(tuple)}


def _multichoice() -> st.SearchStrategy[ImportedQuestion]:
    answers = st.lists(st.builds(Answer, _NAME, _GRADES, _TEXT), min_size=2, max_size=5).map(
        lambda a: (Answer(a[0].text, 1.0, a[0].feedback), *a[1:]))
    return st.builds(ImportedQuestion, qtype=st.just("multichoice"), single=st.booleans(), answers=answers,
                     shuffle_answers=st.booleans(), answer_numbering=st.sampled_from(["abc", "123", "none"]),
                     correct_feedback=_TEXT, partially_correct_feedback=_TEXT, incorrect_feedback=_TEXT,
                     show_num_correct=st.booleans(), **_COMMON)


def _numerical() -> st.SearchStrategy[ImportedQuestion]:
    number = st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: repr(round(x, 3)))
    answer = st.builds(Answer, number, _GRADES, _TEXT, st.sampled_from([0.0, 0.5, 2.0]))
    units = st.lists(st.builds(Unit, _NAME, st.sampled_from([1.0, 100.0, 0.001])), max_size=2).map(tuple)
    return st.builds(ImportedQuestion, qtype=st.just("numerical"), units=units,
                     answers=st.lists(answer, min_size=1, max_size=3).map(tuple), **_COMMON)


QUESTIONS = st.one_of(
    _multichoice(),
    _numerical(),
    st.builds(ImportedQuestion, qtype=st.just("truefalse"), tf_answer=st.booleans(), tf_feedback_right=_TEXT,
              tf_feedback_wrong=_TEXT, **_COMMON),
    st.builds(ImportedQuestion, qtype=st.just("shortanswer"), usecase=st.booleans(),
              answers=st.lists(st.builds(Answer, _NAME, _GRADES, _TEXT), min_size=1, max_size=3).map(tuple),
              **_COMMON),
    st.builds(ImportedQuestion, qtype=st.just("matching"), shuffle_answers=st.booleans(), correct_feedback=_TEXT,
              pairs=st.lists(st.builds(MatchPair, _NAME, _NAME), min_size=2, max_size=4).map(tuple), **_COMMON),
    st.builds(ImportedQuestion, qtype=st.just("essay"), grader_info=_TEXT, response_template=_TEXT,
              response_format=st.sampled_from(["editor", "plain", "monospaced", "noinline"]), **_COMMON),
    st.builds(ImportedQuestion, qtype=st.just("description"), **_COMMON),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUESTIONS, min_size=1, max_size=6), st.lists(_NAME, min_size=1, max_size=3),
       st.lists(_TEXT, min_size=1, max_size=3))
def test_round_trip_import_export_import(questions: list[ImportedQuestion], categories: list[str], infos: list[str]):
    # A Moodle XML file cannot go back to the default category, so categories only change to non-empty ones.
    placed = [replace(q, category=categories[i % len(categories)], category_info=infos[i % len(infos)])
              for i, q in enumerate(questions)]
    first = parse_moodle_xml(write_moodle_xml(placed))
    assert first.errors == []
    again = parse_moodle_xml(write_moodle_xml(first.questions, first.files))
    assert [replace(q, line=0) for q in again.questions] == [replace(q, line=0) for q in first.questions]
    # and what the writer was given comes back, apart from what Moodle normalises (names of blank texts)
    assert len(first.questions) == len(placed)
    assert [q.qtype for q in first.questions] == [q.qtype for q in placed]


ONE_QUESTION = truefalse(file_xml("p.png", png())).replace("<name><text>TF</text></name>",
                                                             "<name><text>Q</text></name>")


@pytest.mark.parametrize("build", [
    repeated(quiz().removesuffix("</quiz>\n"), ONE_QUESTION + "\n", "</quiz>\n"),
    # clean_question_name()'s tag strip: a name of '<' with no '>' made the pattern scan to the end from each one
    repeated('<quiz><question type="truefalse"><name><text>', "&lt;",
             "</text></name>" + truefalse().split("</name>", 1)[1] + "</quiz>"),
    repeated('<quiz><question type="truefalse"><name><text>', "&lt;a ",
             "&gt;</text></name>" + truefalse().split("</name>", 1)[1] + "</quiz>"),
], ids=["many questions", "a name of '<'", "a name of '<a ' then '>'"])
def test_reading_costs_linear_time(build):
    assert_linear(parse_moodle_xml, build, 128 * KB)


GIFT_BANK = """// [id:GR-1] [tag:history]
::Grant tomb::Who's buried in Grant's tomb?{~Grant#No.~Jefferson=no one#Right!####Nobody is buried.}

$CATEGORY: $course$/top/Logic

::TF::The sun rises in the east.{T#No, it does.#Yes.}

::Born::[html]When was <b>Grant</b> born?{#=1822:0#Exactly!=%50%1822:2#Close.}

::Caps:: Match.{=Canada -> Ottawa =Italy -> Rome = -> Paris}

::Short:: Name a GAN part.{=%100%generator#Yes =%50%disc*}

::Essay:: Explain.{####Marking notes}

::Intro:: Read this first.
"""


def test_a_gift_bank_survives_moodle_xml():
    from quizapp.core.formats.gift import parse_gift

    gift = parse_gift(GIFT_BANK)
    assert gift.errors == []
    again = parse_moodle_xml(write_moodle_xml(gift.questions))
    assert again.errors == []
    assert [replace(q, line=0) for q in again.questions] == [replace(q, line=0) for q in gift.questions]


@given(st.text(alphabet="<>a /", max_size=40))
def test_the_linear_tag_strip_strips_what_the_pattern_strips(text: str):
    assert strip_tags(text) == re.sub(r"<[^>]*>", "", text)
