"""QTI 1.2 export: the package validates against IMS's ASI DTD, and its response processing scores like the bank."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from quizapp.core.bank_loader import load_bank_text
from quizapp.core.formats.generated import imported_from_generated
from quizapp.core.formats.moodle_xml import parse_moodle_xml
from quizapp.core.formats.qti import QTI_NAMESPACE, QtiWriteError, write_qti_package
from quizapp.core.generators import generate_quiz
from quizapp.core.imported import Answer, ImportedQuestion, MatchPair

DATA = Path(__file__).resolve().parents[1] / "data"
DTD = etree.DTD(str(DATA / "qti" / "ims_qtiasiv1p2p1.dtd"))
BANK = Path(__file__).resolve().parents[2] / "question_bank" / "llm-vs-genai.yaml"

QUESTIONS = [
    ImportedQuestion(qtype="multichoice", name="MC", text="Pick <b>B</b>", text_format="html",
                     answers=(Answer("A", 0.0, "no"), Answer("B", 1.0, "yes"), Answer("C", 0.5)),
                     general_feedback="B is right."),
    ImportedQuestion(qtype="multichoice", name="MA", text="Pick A and C", single=False,
                     answers=(Answer("A", 0.5), Answer("B", -1.0), Answer("C", 0.5))),
    ImportedQuestion(qtype="truefalse", name="TF", text="Is it?", tf_answer=False, tf_feedback_right="Right",
                     tf_feedback_wrong="Wrong"),
    ImportedQuestion(qtype="shortanswer", name="SA", text="Name it", usecase=True,
                     answers=(Answer("GAN", 1.0), Answer("gan*", 0.5), Answer("*", 0.0, "no"))),
    ImportedQuestion(qtype="numerical", name="NUM", text="How many?", text_format="plain",
                     answers=(Answer("42", 1.0, "", 0.5), Answer("40", 0.5, "", 0.0), Answer("*", 0.0, "", None))),
    ImportedQuestion(qtype="matching", name="MAT", text="Match", pairs=(
        MatchPair("1", "one"), MatchPair("2", "two"), MatchPair("", "three"))),
    ImportedQuestion(qtype="essay", name="ESSAY", text="Discuss", general_feedback="Model answer"),
    ImportedQuestion(qtype="description", name="DESC", text="Read this", text_format="markdown"),
]


def package(questions, files=None, title="Week 1") -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(write_qti_package(title, questions, files)))


def assessment(archive: zipfile.ZipFile) -> etree._Element:
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    (href,) = manifest.xpath("//cp:resource[@type='imsqti_xmlv1p2']/cp:file/@href", namespaces=ns)
    return etree.fromstring(archive.read(href))


def without_namespace(root: etree._Element) -> etree._Element:
    """The document as the namespace-free DTD describes it (the DTD predates XML namespaces)."""
    copy = etree.fromstring(etree.tostring(root))
    for element in copy.iter():
        element.tag = etree.QName(element).localname
        for name in [n for n in element.attrib if n.startswith("{")]:
            del element.attrib[name]
    etree.cleanup_namespaces(copy)
    return copy


def validate(root: etree._Element) -> None:
    plain = without_namespace(root)
    assert DTD.validate(plain), DTD.error_log.filter_from_errors()


def score(item: etree._Element, responses: dict[str, object]) -> float:
    """QTI 1.2 response processing for the conditions the exporter writes (a tiny interpreter)."""
    ns = {"q": QTI_NAMESPACE}

    def holds(node: etree._Element) -> bool:
        tag = etree.QName(node).localname
        if tag == "conditionvar" or tag == "and":
            return all(holds(child) for child in node)
        if tag == "or":
            return any(holds(child) for child in node)
        if tag == "not":
            return not holds(node[0])
        if tag == "other":
            return True
        given = responses.get(node.get("respident"))
        if given is None:
            return False
        if tag == "varequal":
            if isinstance(given, set):
                return node.text in given
            if node.get("case") == "Yes":
                return str(given) == node.text
            try:
                return float(given) == float(node.text)
            except ValueError:
                return str(given).casefold() == node.text.casefold()
        if tag == "vargte":
            return float(given) >= float(node.text)
        if tag == "varlte":
            return float(given) <= float(node.text)
        raise AssertionError(f"unexpected condition {tag}")

    total = 0.0
    for condition in item.xpath("q:resprocessing/q:respcondition", namespaces=ns):
        if not holds(condition.find("q:conditionvar", ns)):
            continue
        for setvar in condition.findall("q:setvar", ns):
            value = float(setvar.text)
            total = value if setvar.get("action") == "Set" else total + value
        if condition.get("continue") == "No":
            break
    return total


def items(root: etree._Element) -> dict[str, etree._Element]:
    return {item.get("title"): item for item in root.iter(f"{{{QTI_NAMESPACE}}}item")}


def labels(item: etree._Element) -> dict[str, str]:
    """Choice text -> response_label ident."""
    out = {}
    for label in item.iter(f"{{{QTI_NAMESPACE}}}response_label"):
        text = "".join(label.itertext()).strip()
        out[text] = label.get("ident")
    return out


def test_every_type_validates_against_the_qti_dtd():
    validate(assessment(package(QUESTIONS)))


def test_the_dtd_check_does_fail_on_a_misplaced_element():
    root = assessment(package(QUESTIONS[:1]))
    item = next(root.iter(f"{{{QTI_NAMESPACE}}}item"))
    item.append(item[1])  # the presentation moved after the feedback
    assert not DTD.validate(without_namespace(root))


def test_canvas_question_types_and_points():
    found = items(assessment(package(QUESTIONS)))
    types = {}
    for title, item in found.items():
        fields = item.iter(f"{{{QTI_NAMESPACE}}}qtimetadatafield")
        meta = {f[0].text: f[1].text for f in fields}
        types[title] = (meta["question_type"], meta["points_possible"])
    assert types == {"MC": ("multiple_choice_question", "1"), "MA": ("multiple_answers_question", "1"),
                     "TF": ("true_false_question", "1"), "SA": ("short_answer_question", "1"),
                     "NUM": ("numerical_question", "1"), "MAT": ("matching_question", "1"),
                     "ESSAY": ("essay_question", "1"), "DESC": ("text_only_question", "1")}


def test_response_processing_scores_like_the_bank():
    found = items(assessment(package(QUESTIONS)))
    mc = labels(found["MC"])
    assert [score(found["MC"], {"response1": mc[t]}) for t in "ABC"] == [0.0, 100.0, 50.0]
    ma = labels(found["MA"])
    assert score(found["MA"], {"response1": {ma["A"], ma["C"]}}) == 100.0
    assert score(found["MA"], {"response1": {ma["A"], ma["B"], ma["C"]}}) == 0.0
    assert score(found["TF"], {"response1": "false"}) == 100.0 and score(found["TF"], {"response1": "true"}) == 0.0
    assert score(found["SA"], {"response1": "GAN"}) == 100.0
    assert score(found["SA"], {"response1": "gan"}) == 0.0  # case-sensitive (usecase), and gan* is not expressible
    assert [score(found["NUM"], {"response1": v}) for v in ("42", "42.4", "41.4", "40", "7")] == [
        100.0, 100.0, 0.0, 50.0, 0.0]
    mat = found["MAT"]
    choice = {text: ident for text, ident in labels(mat).items()}
    assert score(mat, {"response_0": choice["one"], "response_1": choice["two"]}) == pytest.approx(100.0)
    assert score(mat, {"response_0": choice["one"], "response_1": choice["three"]}) == pytest.approx(50.0)
    assert score(found["ESSAY"], {"response1": "anything"}) == 0.0


def test_feedback_and_text_formats():
    found = items(assessment(package(QUESTIONS)))
    mc = etree.tostring(found["MC"], encoding="unicode")
    assert "general_fb" in mc and "B is right." in mc and "Pick &lt;b&gt;B&lt;/b&gt;" in mc
    desc = "".join(found["DESC"].itertext())
    assert "<p>Read this</p>" in desc  # Markdown becomes HTML
    num = found["NUM"].find(f".//{{{QTI_NAMESPACE}}}mattext").text
    assert num == "How many?"


def test_images_travel_in_the_package():
    result = parse_moodle_xml((DATA / "moodlexml" / "truefalse_with_images.xml").read_text())
    archive = package(result.questions, result.files)
    root = assessment(archive)
    validate(root)
    names = set(archive.namelist())
    images = sorted(n for n in names if n.startswith("images/"))
    assert len(images) == len(result.files) == 2
    text = etree.tostring(root, encoding="unicode")
    assert "@@PLUGINFILE@@" not in text and text.count("%24IMS-CC-FILEBASE%24/images/") == 4
    manifest = archive.read("imsmanifest.xml").decode()
    assert all(f'href="{image}"' in manifest for image in images)


def test_a_generated_quiz_exports_and_validates():
    bank = load_bank_text(BANK.read_text(encoding="utf-8"))
    questions = generate_quiz(bank, count=30, seed=3)
    imported = imported_from_generated("llm-vs-genai", questions)
    root = assessment(package(imported, title="LLMs vs GenAI"))
    validate(root)
    found = list(root.iter(f"{{{QTI_NAMESPACE}}}item"))
    assert len(found) == len(questions)
    for q, item in zip(questions, found, strict=True):
        if q.is_match or q.answers:
            continue
        by_text = labels(item)
        right = ("True" if q.answer == 0 else "False") if q.kind == "truefalse" and len(q.options) == 2 \
            else q.options[q.answer]
        assert score(item, {"response1": by_text[right]}) == 100.0


def test_the_same_questions_give_the_same_bytes():
    assert write_qti_package("W", QUESTIONS) == write_qti_package("W", QUESTIONS)


def test_text_xml_cannot_hold_is_refused():
    with pytest.raises(QtiWriteError):
        write_qti_package("W", [ImportedQuestion(qtype="description", name="N", text="a\x02")])


def test_what_the_readme_says_does_not_survive():  # README, "QTI for Canvas and others"
    from quizapp.core.imported import Unit

    common = {"category": "$course$/CATEGORY-A", "category_info": "CATINFO", "tags": ("TAGX",), "id_number": "ID-7",
              "penalty": 0.5, "hints": ("HINT-1",), "general_feedback": "GENERAL"}
    lossy = [
        ImportedQuestion(qtype="multichoice", name="MC", text="line one\nline two", answer_numbering="123",
                         answers=(Answer("A", 1.0, "A-FB"), Answer("B", -0.5, "B-FB")), correct_feedback="CF-TEXT",
                         partially_correct_feedback="PF-TEXT", incorrect_feedback="IF-TEXT", show_num_correct=True,
                         **common),
        ImportedQuestion(qtype="multichoice", name="MA", text="Pick", single=False, answers=(
            Answer("A", 0.5), Answer("B", -1.0), Answer("C", 0.5)), **common),
        ImportedQuestion(qtype="shortanswer", name="SA", text="Name it", answers=(
            Answer("GAN", 1.0, "SA-FB"), Answer("disc*", 0.5, "WILD-FB"), Answer("nope", 0.0, "ZERO-FB"),
            Answer("*", 0.0, "ANY-FB")), **common),
        ImportedQuestion(qtype="numerical", name="NUM", text="How far?", units=(Unit("UNITCM", 100.0),),
                         answers=(Answer("42", 1.0, "NUM-FB", 0.5), Answer("*", 0.0, "NUMANY-FB", None)), **common),
        ImportedQuestion(qtype="essay", name="ESSAY", text="Discuss", grader_info="GRADER-INFO",
                         response_template="TEMPLATE-TEXT", response_format="monospaced", **common),
    ]
    root = assessment(package(lossy))
    validate(root)
    text = etree.tostring(root, encoding="unicode")
    for lost in ("CATEGORY-A", "CATINFO", "TAGX", "ID-7", "HINT-1", "CF-TEXT", "PF-TEXT", "IF-TEXT", "123", "disc*",
                 "SA-FB", "WILD-FB", "ZERO-FB", "ANY-FB", "UNITCM", "NUM-FB", "NUMANY-FB", "GRADER-INFO",
                 "TEMPLATE-TEXT", "monospaced", "penalty"):
        assert lost not in text, lost
    assert text.count("GENERAL") == len(lossy) and "A-FB" in text and "B-FB" in text  # what does survive
    found = items(root)
    assert found["MC"].find(f".//{{{QTI_NAMESPACE}}}mattext").text == "line one<br>line two"
    ma = labels(found["MA"])
    assert score(found["MA"], {"response1": {ma["A"]}}) == 0.0  # no partial credit in the package
    assert score(found["MA"], {"response1": {ma["A"], ma["C"]}}) == 100.0
    mc = labels(found["MC"])
    assert score(found["MC"], {"response1": mc["B"]}) == 0.0  # a negative mark scores 0 (SCORE is 0..100)
