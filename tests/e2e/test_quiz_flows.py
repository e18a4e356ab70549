"""Quiz flows without dead ends, in a real Chromium against a real server (issue 10 §1 and §2).

The countdown, the Back button, answers-at-the-end navigation (strip, flag, change, Review and submit),
Retry my mistakes; checkboxes in their cards ticked by number keys, Enter submitting a matching question.
axe runs on every page these flows touch and must find no violation of any impact.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.flows import new_context, percent_shown

PHONE = {"width": 390, "height": 844}


def start(page: Page, kinds: tuple[str, ...], length: int = 5, feedback: str = "After each question") -> int:
    """Start a quiz of exactly ``kinds`` and return its attempt id."""
    page.goto("/quiz/")
    boxes = page.locator('input[name="kinds"]')
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.set_checked(box.get_attribute("value") in kinds)
    page.get_by_label("Number of questions").fill(str(length))
    page.get_by_label(feedback).check()
    page.get_by_role("button", name="Start quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz/\d+$"))
    page.wait_for_load_state()
    return int(page.url.rsplit("/", 1)[1])


def axe_clean(page: Page, name: str, found: dict[str, list[dict[str, Any]]]) -> None:
    found[name] = Axe().run(page).response["violations"]


def assert_no_violations(found: dict[str, list[dict[str, Any]]]) -> None:
    report = {name: [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3]) for v in violations]
              for name, violations in found.items() if violations}
    assert not report, report


@pytest.fixture
def phone_page(browser, live_server: str):
    context = new_context(browser, live_server)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    yield page
    context.close()


def test_the_countdown_moves_warns_and_submits_at_zero(page: Page, e2e_database_url: str) -> None:
    attempt_id = start(page, ("classify",))
    deadline = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=6)
    engine = create_engine(e2e_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE quiz_attempts SET deadline = :d WHERE id = :i"),
                           {"d": deadline, "i": attempt_id})
    engine.dispose()
    page.reload()
    shown = page.locator("[data-timer]")
    first = shown.inner_text()
    expect(page.locator("[data-timer-warning]")).to_contain_text("Less than a minute left")
    expect(page.locator("[data-timer-warning]")).to_have_attribute("aria-live", "polite")
    expect(shown).not_to_have_text(first)  # it counts down
    found: dict[str, list[dict[str, Any]]] = {}
    axe_clean(page, "question with countdown", found)
    # At zero, with nothing chosen, the quiz is submitted and the results are shown.
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/results$"), timeout=20_000)
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    assert_no_violations(found)


def test_time_running_out_on_a_feedback_page_submits_the_quiz(page: Page, e2e_database_url: str) -> None:
    """Immediate feedback: a learner reading the feedback when the time is up is taken to the results too."""
    attempt_id = start(page, ("classify",))
    form = page.locator("form[data-question]")
    form.locator("ul.options label").nth(0).click()
    form.get_by_role("button", name="Submit answer").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/feedback/1$"))
    engine = create_engine(e2e_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE quiz_attempts SET deadline = :d WHERE id = :i"),
                           {"d": datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=4), "i": attempt_id})
    engine.dispose()
    page.reload()
    expect(page.locator("[data-timer-warning]")).to_contain_text("Less than a minute left")
    found: dict[str, list[dict[str, Any]]] = {}
    axe_clean(page, "feedback with countdown", found)
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/results$"), timeout=20_000)
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    assert_no_violations(found)


def test_back_and_re_answer_shows_the_recorded_answer_and_continues(phone_page: Page) -> None:
    page = phone_page
    start(page, ("classify",))
    form = page.locator("form[data-question]")
    chosen = form.locator("ul.options label").nth(0).inner_text()
    form.locator("ul.options label").nth(0).click()
    form.get_by_role("button", name="Submit answer").click()
    expect(page).to_have_url(re.compile(r"/feedback/1$"))
    page.go_back()
    page.locator("form[data-question] ul.options label").nth(1).click()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Question 1 is already answered", level=1)).to_be_visible()
    expect(page.locator("[data-recorded-answer]")).to_have_text(chosen.lstrip("1").strip())
    found: dict[str, list[dict[str, Any]]] = {}
    axe_clean(page, "already answered", found)
    page.get_by_role("link", name="Continue the quiz").click()
    expect(page.locator("#quiz-progress")).to_have_text("Question 2 of 5")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_violations(found)


def test_answers_at_the_end_strip_flag_change_review_submit_and_retry(phone_page: Page) -> None:
    page = phone_page
    found: dict[str, list[dict[str, Any]]] = {}
    attempt_id = start(page, ("classify",), feedback="At the end, on the results page")
    strip = page.get_by_role("navigation", name="Questions of this quiz")
    expect(strip.get_by_role("link")).to_have_count(6)  # five numbers and Review and submit
    page.keyboard.press("1")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#quiz-progress")).to_have_text("Question 2 of 5")
    expect(strip.get_by_role("link", name="Question 1: answered")).to_be_visible()
    page.get_by_role("button", name="Flag for review").click()
    expect(strip.get_by_role("link", name="Question 2: unanswered, flagged")).to_be_visible()
    expect(page.get_by_role("button", name="Remove the flag")).to_have_attribute("aria-pressed", "true")
    axe_clean(page, "question with strip", found)
    # Change question 1's answer: the recorded one is ticked, another is saved in its place.
    strip.get_by_role("link", name="Question 1: answered").click()
    radios = page.locator("form[data-question]").get_by_role("radio")
    expect(radios.nth(0)).to_be_checked()
    page.locator("form[data-question] ul.options label").nth(1).click()
    page.get_by_role("button", name="Save changed answer").click()
    expect(page.get_by_text("Your answer to question 1 is changed.")).to_be_visible()
    strip.get_by_role("link", name="Question 1: answered").click()
    expect(page.locator("form[data-question]").get_by_role("radio").nth(1)).to_be_checked()
    # Review and submit lists what is still unanswered.
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Review and submit", level=1)).to_be_visible()
    expect(page.locator("[data-unanswered]")).to_contain_text("question 2, question 3, question 4, question 5.")
    expect(page.locator("[data-summary-row='2']")).to_contain_text("Flagged for review")
    axe_clean(page, "review and submit", found)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/results$"))
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    axe_clean(page, "results", found)
    # Four unanswered questions at least are mistakes: retry them.
    retry = page.get_by_role("button", name=re.compile(r"^Retry my mistakes \([45] questions\)$"))
    retry.click()
    expect(page.locator("#quiz-progress")).to_have_text(re.compile(r"^Question 1 of [45]$"))
    page.goto("/progress")
    history = page.locator("table.history")
    expect(history.get_by_text("Retry of mistakes")).to_have_count(1)
    expect(history.get_by_role("link", name=re.compile(r"^Review"))).to_have_count(1)
    expect(history.get_by_role("link", name="Continue")).to_have_count(1)
    axe_clean(page, "progress", found)
    assert_no_violations(found)


def test_checkboxes_sit_in_their_cards_and_number_keys_tick_them(page: Page) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    start(page, ("multiple",))
    form = page.locator("form[data-question]")
    boxes = form.get_by_role("checkbox")
    expect(boxes.first).to_be_visible()
    first_box, first_label = boxes.nth(0).bounding_box(), form.locator("ul.options label").nth(0).bounding_box()
    assert first_box and first_label
    inside = (first_label["x"] <= first_box["x"] and first_box["x"] + first_box["width"] <= first_label["x"]
              + first_label["width"] and first_label["y"] <= first_box["y"]
              and first_box["y"] + first_box["height"] <= first_label["y"] + first_label["height"])
    assert inside, (first_box, first_label)
    expect(page.locator("h1")).to_have_count(1)
    page.keyboard.press("1")
    expect(boxes.nth(0)).to_be_checked()
    page.keyboard.press("2")
    expect(boxes.nth(1)).to_be_checked()
    page.keyboard.press("1")
    expect(boxes.nth(0)).not_to_be_checked()
    axe_clean(page, "multiple answer", found)
    page.get_by_role("button", name="Submit answer").click()
    expect(page).to_have_url(re.compile(r"/feedback/1$"))
    assert_no_violations(found)


def test_enter_submits_a_matching_question(page: Page) -> None:
    start(page, ("match",))
    selects = page.locator("form[data-question] table.match select")
    expect(selects.first).to_be_visible()
    for i in range(selects.count()):
        selects.nth(i).select_option(index=1)
    expect(page.locator("h1")).to_have_count(1)
    found: dict[str, list[dict[str, Any]]] = {}
    axe_clean(page, "matching", found)
    assert_no_violations(found)
    selects.last.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/feedback/1$"))


def test_keyboard_hints_are_hidden_on_touch_screens(browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, has_touch=True, is_mobile=True, viewport=PHONE)
    page = context.new_page()
    try:
        start(page, ("classify",))
        expect(page.locator("form[data-question] .hint")).to_be_hidden()
        expect(page.locator("form[data-question] kbd").first).to_be_hidden()
    finally:
        context.close()
    desktop = browser.new_context(base_url=live_server)
    page = desktop.new_page()
    try:
        start(page, ("classify",))
        expect(page.locator("form[data-question] .hint")).to_be_visible()
    finally:
        desktop.close()


def test_without_javascript_a_late_answer_gets_a_page_with_the_answer_and_the_results(
        browser, live_server: str, e2e_database_url: str) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        attempt_id = start(page, ("classify",))
        label = page.locator("form[data-question] ul.options label").nth(0)
        chosen = " ".join(label.inner_text().split()[1:])  # without its key hint
        label.click()
        engine = create_engine(e2e_database_url)
        with engine.begin() as connection:  # the limit ended a minute ago, past the grace period
            connection.execute(text("UPDATE quiz_attempts SET deadline = :d WHERE id = :i"),
                               {"d": datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1), "i": attempt_id})
        engine.dispose()
        page.get_by_role("button", name="Submit answer").click()
        expect(page.get_by_role("heading", name="Time is up", level=1)).to_be_visible()
        expect(page.locator("[data-typed-answer]")).to_have_text(chosen)
        page.get_by_role("link", name="See your results").click()  # the same template axe checks on Back
        expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    finally:
        context.close()


def _attempt_rows(database_url: str, attempt_id: int) -> tuple[Any, float, list[tuple[int, Any, float]]]:
    """(finished_at, score, [(position, response, mark)]) of one attempt, straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            finished_at, score = connection.execute(text("SELECT finished_at, score FROM quiz_attempts WHERE id = :i"),
                                                    {"i": attempt_id}).one()
            answers = connection.execute(text(
                "SELECT aq.position, a.response, a.score FROM answers a JOIN attempt_questions aq "
                "ON aq.id = a.attempt_question_id WHERE aq.attempt_id = :i ORDER BY aq.position"),
                {"i": attempt_id}).all()
    finally:
        engine.dispose()
    return finished_at, float(score), [(p, r, float(s)) for p, r, s in answers]


def test_the_last_answer_leads_to_review_and_submit_and_only_submit_finishes(phone_page: Page,
                                                                             e2e_database_url: str) -> None:
    page = phone_page
    found: dict[str, list[dict[str, Any]]] = {}
    attempt_id = start(page, ("classify",), feedback="At the end, on the results page")
    for position in range(1, 6):
        expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of 5")
        page.locator("form[data-question] ul.options label").nth(0).click()
        page.get_by_role("button", name="Submit answer").click()
    # Every question answered: the summary page, not the results, and the attempt is still open.
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/summary$"))
    expect(page.get_by_role("heading", name="Review and submit", level=1)).to_be_visible()
    expect(page.locator("[data-all-answered]")).to_have_text("Every question has an answer.")
    expect(page.locator("[data-unanswered]")).to_have_count(0)
    expect(page.get_by_role("heading", name="Your results")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_clean(page, "review and submit, all answered", found)
    finished_at, _, answers = _attempt_rows(e2e_database_url, attempt_id)
    assert finished_at is None and [p for p, _, _ in answers] == [1, 2, 3, 4, 5]
    page.goto(f"/quiz/{attempt_id}/results")  # the results wait for the submission
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/summary$"))
    expect(page.get_by_text("Submit the quiz to see your results")).to_be_visible()
    # Change question 1 from the summary's link; saving it comes back to the summary.
    page.get_by_role("link", name="Question 1", exact=True).click()
    radios = page.locator("form[data-question]").get_by_role("radio")
    expect(radios.nth(0)).to_be_checked()
    page.locator("form[data-question] ul.options label").nth(1).click()
    axe_clean(page, "changing an answer", found)
    page.get_by_role("button", name="Save changed answer").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/summary$"))
    expect(page.get_by_text("Your answer to question 1 is changed.")).to_be_visible()
    finished_at, _, answers = _attempt_rows(e2e_database_url, attempt_id)
    assert finished_at is None and len(answers) == 5 and str(answers[0][1]) == "1"
    # A second tab on the same summary, to press Submit there too once the first has submitted.
    second = page.context.new_page()
    second.set_viewport_size(PHONE)
    second.goto(f"/quiz/{attempt_id}/summary")
    expect(second.get_by_role("heading", name="Review and submit", level=1)).to_be_visible()
    # Submit: the results, graded once.
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{attempt_id}/results$"))
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    expect(page.get_by_text("Your quiz is submitted.")).to_be_visible()
    axe_clean(page, "results after submitting", found)
    finished_at, score, answers = _attempt_rows(e2e_database_url, attempt_id)
    assert finished_at is not None and len(answers) == 5
    assert score == sum(mark for _, _, mark in answers)
    assert percent_shown(page) == round(100 * score / 5)
    expect(page.locator(".review-list h3.prompt .verdict", has_text="✓")).to_have_count(int(score))
    # Submit pressed again in the other tab: the same results, nothing counted twice.
    second.get_by_role("button", name="Submit all and finish").click()
    expect(second).to_have_url(re.compile(rf"/quiz/{attempt_id}/results$"))
    expect(second.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    expect(second.get_by_text("Your quiz is submitted.")).to_have_count(0)
    assert percent_shown(second) == percent_shown(page)
    assert _attempt_rows(e2e_database_url, attempt_id) == (finished_at, score, answers)
    assert_no_violations(found)
