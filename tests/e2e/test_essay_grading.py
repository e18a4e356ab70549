"""Essay grading in a real browser: a learner writes an essay (after a description), the instructor grades it
from the queue with "Save and next ungraded", and the learner sees the mark and comment. axe-core finds no
violation on the pages this adds (question with a description and an essay, grading queue, grading page,
results with a mark), at 390 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, create_assignment, log_in, new_context, register, unique_username, upload_bank
from tests.e2e.test_instructor_flow import _quizapp
from tests.web.test_essays import ESSAY_BANK

AXE = Axe()
PHONE = {"width": 390, "height": 844}


def violations(page: Page) -> list[dict[str, Any]]:
    return [{"id": v["id"], "impact": v.get("impact"), "nodes": [n["target"] for n in v["nodes"]]}
            for v in AXE.run(page).response["violations"]]


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_essay_is_written_graded_and_its_mark_seen(browser, live_server: str, e2e_database_url: str,
                                                      tmp_path: Path) -> None:
    teacher_name = unique_username("teach")
    env = {**os.environ, "DATABASE_URL": e2e_database_url, "QUIZAPP_PASSWORD": PASSWORD, "SECRET_KEY": "e2e"}
    _quizapp(env, "create-user", teacher_name, "--instructor")
    bank_file = tmp_path / "essays.xml"
    bank_file.write_text(ESSAY_BANK, encoding="utf-8")
    found: dict[str, list[dict[str, Any]]] = {}
    teacher_ctx, learner_ctx = new_context(browser, live_server), new_context(browser, live_server)
    teacher, learner = teacher_ctx.new_page(), learner_ctx.new_page()
    teacher.set_viewport_size(PHONE)
    try:
        log_in(teacher, teacher_name)
        slug = upload_bank(teacher, bank_file, unique_username("essay").replace("_", "-"))
        _, share = create_assignment(teacher, slug, "Essay week", 5, shuffle=False)

        register(learner, unique_username("learner"), "Lea Browser")  # at desktop width: it checks the full menu
        learner.set_viewport_size(PHONE)
        learner.goto(share)
        learner.get_by_role("button", name="Start attempt 1").click()
        expect(learner.locator("#quiz-progress")).to_have_text("Question 1 of 2")
        expect(learner.get_by_text("Case study: a chatbot answers customers.")).to_be_visible()
        learner.wait_for_load_state("networkidle")
        assert learner.eval_on_selector("[data-description] img", "i => i.complete && i.naturalWidth") == 1
        assert fits_the_phone(learner)
        found["question with a description and an essay"] = violations(learner)
        learner.get_by_label("Your answer").fill("An LLM predicts the **next token**; nothing checks the facts.")
        learner.get_by_role("button", name="Submit answer").click()
        expect(learner.get_by_role("heading", name="Answer saved: awaiting grading")).to_be_visible()
        learner.locator("[data-next]").click()
        expect(learner.locator("#quiz-progress")).to_have_text("Question 2 of 2")
        learner.locator(".options label").first.click()
        learner.get_by_role("button", name="Submit answer").click()
        learner.locator("[data-next]").click()
        expect(learner.get_by_role("heading", name="Your results")).to_be_visible()
        expect(learner.locator("[data-provisional]")).to_contain_text("1 essay")
        expect(learner.locator("[data-awaiting-grading]")).to_be_visible()
        expect(learner.locator("[data-essay-answer] strong")).to_have_text("next token")

        teacher.reload()
        teacher.get_by_role("link", name="Grade essays (1 awaiting)").click()
        expect(teacher.get_by_role("heading", name="Essays to grade: Essay week")).to_be_visible()
        expect(teacher.locator("[data-grading-queue]")).to_contain_text("Awaiting grading")
        assert fits_the_phone(teacher)
        found["grading queue"] = violations(teacher)
        teacher.get_by_role("link", name="Grade the next ungraded").click()
        expect(teacher.locator("[data-grader-info]")).to_contain_text("Full marks: next-token prediction")
        expect(teacher.locator("[data-essay-answer]")).to_contain_text("nothing checks the facts")
        assert fits_the_phone(teacher)
        found["grading page"] = violations(teacher)
        teacher.get_by_label("Mark").fill("7")
        teacher.get_by_role("button", name="Save and next ungraded").click()
        expect(teacher.get_by_text("The mark must be between 0 and 5.")).to_be_visible()
        teacher.get_by_label("Mark").fill("4")
        teacher.get_by_label("Comment for the learner (optional)").fill("Good: say why no fact check happens.")
        teacher.get_by_role("button", name="Save and next ungraded").click()
        expect(teacher.get_by_text("Every essay of this assignment is graded.")).to_be_visible()
        expect(teacher.locator("[data-grading-queue]")).to_contain_text("4 out of 5")

        learner.reload()
        expect(learner.locator("[data-essay-mark]")).to_contain_text("Mark: 4 out of 5")
        expect(learner.locator("[data-essay-mark]")).to_contain_text("Good: say why no fact check happens.")
        expect(learner.locator("[data-provisional]")).to_have_count(0)
        expect(learner.locator(".big-score")).to_have_text("90%")  # 4/5 + 1 of 2 points
        assert fits_the_phone(learner)
        found["results with a mark"] = violations(learner)
    finally:
        teacher_ctx.close()
        learner_ctx.close()
    assert found == {name: [] for name in found}, found
