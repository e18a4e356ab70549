"""Issue 8's "Done means" in a real browser: a quiz holding one question of every kind, and axe on its pages.

A guest ticks every generated kind of the generators' registry on the start form, with as many questions as
there are kinds, so a kind added to the registry is taken here with no change to this file. Each question is
answered rightly through the form of the response type its stored question names (radio buttons, checkboxes,
one select per row, a text box), its feedback says "Correct!", and the results list every kind at 100 %.
The same is done with an assignment of Moodle's own XML examples (every imported response type: single and
multiple choice, true/false, short answer, matching, numerical, essay, and a description shown with the essay).

axe-core runs on every question page, every feedback page and the results page, at phone width (the second bank
and the assignment in the dark theme); no serious or critical violation may be found, and no page may be wider
than the phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, select

from quizapp.core.generators import KINDS
from quizapp.core.responses.base import is_generated
from quizapp.core.responses.choice import ChoiceKey
from quizapp.core.responses.essay import EssayKey
from quizapp.core.responses.matching import MatchKey
from quizapp.core.responses.numeric import NumericKey
from quizapp.core.responses.registry import IMPORTED_KINDS, RESPONSE_TYPES, key_of, response_name
from quizapp.core.responses.text import TextKey, full_marks
from quizapp.models import AttemptQuestion
from quizapp.templating import KIND_NAMES
from tests.e2e.flows import (
    ALL_KINDS,
    create_assignment,
    go_on,
    new_context,
    percent_shown,
    read_feedback,
    register,
    start_quiz,
    unique_username,
    upload_bank,
)
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, _describe
from tests.e2e.test_instructor_assignments import _teacher

AXE = Axe()
PHONE = {"width": 390, "height": 844}
# Each bank in one system theme, so both themes' contrast is checked on every kind's pages without walking twice.
BANKS_AND_THEMES = (("llm-vs-genai", "light"), ("sql-vs-nosql", "dark"))
MOODLE_EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "moodlexml" / "xmlformat_test_examples.xml"
# Moodle's examples have a multiple choice with several answers only; this one-answer question completes the set.
ONE_ANSWER = """  <question type="multichoice">
    <name><text>One answer</text></name>
    <questiontext format="plain_text"><text>Which of these numbers is even?</text></questiontext>
    <single>true</single>
    <shuffleanswers>false</shuffleanswers>
    <answer fraction="0"><text>1</text></answer>
    <answer fraction="100"><text>2</text></answer>
    <answer fraction="0"><text>3</text></answer>
  </question>
</quiz>"""
AWAITING = "Answer saved: awaiting grading"
# The innermost elements reaching past the phone's right edge, to name in a failure.
WIDEST = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 0.5))
  .slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
    + `(right ${Math.round(e.getBoundingClientRect().right)} px): ${e.textContent.trim().slice(0, 60)}`)"""


@dataclass
class Walk:
    """What axe found on each page of a walk through a quiz, by page name."""

    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    too_wide: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state()
        self.found[name] = [v for v in AXE.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            self.too_wide.append(f"{name}: {page.evaluate(WIDEST, PHONE['width'])}")

    def assert_clean(self) -> None:
        blocking = {name: found for name, found in self.found.items() if found}
        assert not blocking, "axe-core found serious/critical violations:\n" + "\n".join(
            f"on the {name} page:\n{_describe(found)}" for name, found in blocking.items())
        assert not self.too_wide, f"pages wider than {PHONE['width']} px: {self.too_wide}"


# How a learner gives the right answer to a question of each response type: (the question's form, its key).
def _pick_options(form: Locator, key: ChoiceKey, indices: list[int]) -> None:
    labels, boxes = form.locator("ul.options label"), form.locator("ul.options input")
    expect(labels).to_have_count(len(key.options))
    for i in indices:
        if key.text_format == "plain":
            expect(labels.nth(i)).to_contain_text(key.options[i])
        labels.nth(i).click()
        expect(boxes.nth(i)).to_be_checked()


def _answer_single(form: Locator, key: ChoiceKey) -> None:
    _pick_options(form, key, [key.best_index])


def _answer_multiple(form: Locator, key: ChoiceKey) -> None:
    _pick_options(form, key, key.earning)


def _answer_matching(form: Locator, key: MatchKey) -> None:
    rows = form.locator("table.match tbody tr")
    expect(rows).to_have_count(len(key.items))
    for i, (item, right) in enumerate(zip(key.items, key.keys, strict=True)):
        expect(rows.nth(i).locator("th")).to_have_text(item)
        select = rows.nth(i).locator("select")
        select.select_option(value=str(key.choices.index(right)))
        expect(select).to_have_value(str(key.choices.index(right)))


def _typed(text: str) -> str:
    return text.replace("*", "x")  # Moodle's wildcard matches any text


def _answer_text(form: Locator, key: TextKey) -> None:
    form.get_by_label("Your answer").fill(_typed(full_marks(key.answers)[0].text))


def _answer_numeric(form: Locator, key: NumericKey) -> None:
    form.get_by_label("Your answer (a number)").fill(full_marks(key.answers)[0].text)


def _answer_essay(form: Locator, key: EssayKey) -> None:
    form.get_by_label("Your answer").fill("Something interesting, in a few sentences.")


ANSWERERS: dict[str, Callable[[Locator, Any], None] | None] = {
    "single": _answer_single,
    "multiple": _answer_multiple,
    "matching": _answer_matching,
    "text": _answer_text,
    "numeric": _answer_numeric,
    "essay": _answer_essay,
    "description": None,  # not a question of its own: shown above the question after it, never answered
}


def stored_questions(database_url: str, attempt_id: int) -> list[dict[str, Any]]:
    """The attempt's questions as the server stored them (keys included), in order."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(AttemptQuestion.data).where(AttemptQuestion.attempt_id == attempt_id)
                                      .order_by(AttemptQuestion.position))
            return [row.data for row in rows]
    finally:
        engine.dispose()


def attempt_id_of(page: Page) -> int:
    found = re.search(r"/quiz/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


def answer_every_question(page: Page, walk: Walk, questions: list[dict[str, Any]], label: str) -> set[str]:
    """Answer each question rightly by its response type, checking its page and its feedback; end on the
    results page. Returns the response types met (descriptions included)."""
    total = len(questions)
    met: set[str] = set()
    for position, data in enumerate(questions, 1):
        response = response_name(data)
        met.add(response)
        expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of {total}")
        expect(page).to_have_title(re.compile(rf"^Question {position} of {total}\b"))
        form = page.locator("form[data-question]")
        if is_generated(data):
            expect(form.locator(".prompt").first).to_contain_text(data["prompt"])
        if data.get("descriptions"):
            expect(page.locator("[data-description]")).to_have_count(len(data["descriptions"]))
            met.add("description")
        name = f"{label} question {position} ({data['kind']}, {response})"
        walk.check(page, name)
        answer = ANSWERERS[response]
        assert answer is not None, f"{name}: a {response} is not answered"
        answer(form, key_of(data))
        form.get_by_role("button", name="Submit answer").click()
        expect(page).to_have_url(re.compile(rf"/quiz/\d+/feedback/{position}$"))
        expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of {total}")
        verdict = AWAITING if RESPONSE_TYPES[response].manually_graded else "Correct!"
        expect(page.locator(".verdict-box h1")).to_have_text(verdict)
        if is_generated(data):
            assert read_feedback(page, position, total) == 1.0  # with its explanation and source
        walk.check(page, f"{label} feedback {position} ({data['kind']})")
        go_on(page, last=position == total)
    expect(page).to_have_url(re.compile(r"/quiz/\d+/results$"))
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    walk.check(page, f"{label} results")
    return met


def kinds_on_the_results(page: Page) -> dict[str, tuple[str, str]]:
    """The "By kind of question" table: kind name -> (questions, score)."""
    table = page.locator("section", has=page.get_by_role("heading", name="By kind of question")).locator("table")
    rows = table.locator("tbody tr")
    return {rows.nth(i).locator("th").inner_text().strip(): tuple(  # type: ignore[misc]
        c.strip() for c in rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())}


def test_every_response_type_has_a_way_to_answer_it() -> None:
    assert set(ANSWERERS) == set(RESPONSE_TYPES)
    assert all(ANSWERERS[name] is not None for name, t in RESPONSE_TYPES.items() if t.graded)


@pytest.mark.parametrize(("bank", "scheme"), BANKS_AND_THEMES)
def test_a_quiz_of_one_question_of_every_kind(browser, live_server: str, e2e_database_url: str, bank: str,
                                              scheme: Literal["light", "dark"]) -> None:
    total = len(ALL_KINDS)
    walk = Walk()
    context = new_context(browser, live_server)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme=scheme)
    try:
        start_quiz(page, ALL_KINDS, total, bank=bank)
        expect(page.locator("#quiz-progress")).to_have_text(f"Question 1 of {total}")
        questions = stored_questions(e2e_database_url, attempt_id_of(page))
        assert sorted(q["kind"] for q in questions) == sorted(KINDS), "one question of every kind"
        met = answer_every_question(page, walk, questions, bank)
        assert percent_shown(page) == 100
        assert kinds_on_the_results(page) == {KIND_NAMES[kind]: ("1", "100%") for kind in KINDS}
        expect(page.locator("ol.review-list > li")).to_have_count(total)
    finally:
        context.close()
    assert met >= {"single", "multiple", "matching"}, met
    walk.assert_clean()


def test_an_assignment_of_every_imported_type(browser, live_server: str, e2e_database_url: str,
                                              tmp_path: Path) -> None:
    xml = MOODLE_EXAMPLES.read_text(encoding="utf-8")
    assert xml.rstrip().endswith("</quiz>")
    bank_file = tmp_path / "examples.xml"
    bank_file.write_text(xml.rstrip().removesuffix("</quiz>") + ONE_ANSWER + "\n", encoding="utf-8")
    walk = Walk()
    teacher_ctx, teacher = _teacher(browser, live_server, e2e_database_url)
    learner_ctx = new_context(browser, live_server)
    learner = learner_ctx.new_page()
    try:
        slug = upload_bank(teacher, bank_file, unique_username("moodle").replace("_", "-"))
        _, share = create_assignment(teacher, slug, "Every imported type", 50, shuffle=False)

        register(learner, unique_username("learner"))
        learner.set_viewport_size(PHONE)
        learner.emulate_media(color_scheme="dark")
        learner.goto(share)
        learner.get_by_role("button", name="Start attempt 1").click()
        expect(learner.locator("#quiz-progress")).to_have_text(re.compile(r"^Question 1 of \d+$"))
        questions = stored_questions(e2e_database_url, attempt_id_of(learner))
        met = answer_every_question(learner, walk, questions, "imported")
        essays = sum(1 for q in questions if RESPONSE_TYPES[response_name(q)].manually_graded)
        expect(learner.locator("[data-provisional]")).to_contain_text(f"{essays} essay")
        shown = kinds_on_the_results(learner)
        assert set(shown) == {KIND_NAMES[q["kind"]] for q in questions}
    finally:
        teacher_ctx.close()
        learner_ctx.close()
    assert met == set(RESPONSE_TYPES), f"response types not met: {set(RESPONSE_TYPES) - met}"
    assert {q["kind"] for q in questions} == set(IMPORTED_KINDS) - {"description"}
    walk.assert_clean()
