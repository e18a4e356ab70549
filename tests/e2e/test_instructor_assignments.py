"""Issue 10 §4 in real browsers: a share link through log-in and registration, the time-zone picker (the browser's
zone filled in by JS, the filter box), the assignment's settings, close/reopen/delete, one learner's attempt, and
the upload page's warnings beside its errors. axe must find no violation of any impact on these pages."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.flows import ACTION_TIMEOUT_MS, PASSWORD, log_in, new_context, unique_username
from tests.e2e.test_accessibility import _describe
from tests.e2e.test_instructor_flow import _quizapp

AXE = Axe()
AIKEN = """Which model family is an LLM?
A) StyleGAN
B) GPT
ANSWER: B

What does a GAN have?
A. A generator and a discriminator
B. Only an encoder
ANSWER: A
"""


def assert_no_axe_violation(page: Page, name: str) -> None:
    violations = AXE.run(page).response["violations"]
    assert not violations, f"axe-core found violations on the {name} page:\n{_describe(violations)}"


def _teacher(browser, live_server: str, e2e_database_url: str):
    name = unique_username("teach")
    env = {**os.environ, "DATABASE_URL": e2e_database_url, "QUIZAPP_PASSWORD": PASSWORD, "SECRET_KEY": "e2e"}
    _quizapp(env, "create-user", name, "--instructor")
    context = browser.new_context(base_url=live_server, timezone_id="Europe/Paris")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    log_in(page, name)
    return context, page


def _import(page: Page, tmp_path: Path) -> None:
    bank = tmp_path / "week1.txt"
    bank.write_text(AIKEN)
    page.goto("/instructor/banks/upload")
    page.get_by_label("Bank file").set_input_files(str(bank))
    page.get_by_label("Short name for links").fill(unique_username("w").replace("_", "-"))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import").click()


def test_assignment_settings_time_zone_attempt_close_reopen_delete_and_share_link(
        browser, live_server: str, e2e_database_url: str, tmp_path: Path) -> None:
    teacher_ctx, teacher = _teacher(browser, live_server, e2e_database_url)
    learner_ctx = new_context(browser, live_server)
    learner = learner_ctx.new_page()
    try:
        _import(teacher, tmp_path)
        teacher.get_by_role("link", name="Create assignment").first.click()
        zone = teacher.get_by_label("Your time zone")
        expect(zone).to_have_value("Europe/Paris")  # the browser's zone, filled in by JS
        finder = teacher.get_by_label("Find a time zone")
        finder.fill("tokyo")
        expect(zone).to_have_value("Asia/Tokyo")
        finder.fill("paris")
        expect(zone).to_have_value("Europe/Paris")
        assert_no_axe_violation(teacher, "new assignment")
        teacher.get_by_label("Title").fill("Week 1 check")
        teacher.get_by_label("Number of questions").fill("2")
        teacher.get_by_label("Closes (empty = never)").fill("2031-07-08T18:30")
        teacher.get_by_role("button", name="Create assignment").click()
        expect(teacher.get_by_role("heading", name="Week 1 check")).to_be_visible()
        expect(teacher.locator(".settings-list")).to_contain_text("2031-07-08 18:30 CEST")
        share = teacher.locator("main a[href*='/a/']").first.get_attribute("href")

        # A logged-out learner follows the link, registers from the log-in page and lands on the assignment.
        learner.goto(share)
        learner.get_by_role("main").get_by_role("link", name="Register").click()
        name = unique_username("learner")
        learner.get_by_label("Username").fill(name)
        learner.get_by_label("Display name").fill("Lea Learner")
        learner.get_by_label("Password (at least").fill(PASSWORD)
        learner.get_by_label("Repeat password").fill(PASSWORD)
        learner.get_by_role("button", name="Create account").click()
        expect(learner.get_by_role("heading", name="Week 1 check")).to_be_visible()
        learner.get_by_role("button", name="Start attempt 1").click()
        for _ in range(2):
            learner.locator(".options label").first.click()
            learner.get_by_role("button", name="Submit answer").click()
            learner.locator("[data-next]").click()
        expect(learner.get_by_role("heading", name="Your results")).to_be_visible()

        teacher.reload()
        assert_no_axe_violation(teacher, "assignment results")
        teacher.get_by_role("link", name="Lea Learner, attempt 1").click()
        expect(teacher.get_by_role("heading", name="Lea Learner, attempt 1")).to_be_visible()
        expect(teacher.locator("table.stats tbody tr")).to_have_count(2)
        assert_no_axe_violation(teacher, "learner's attempt")
        teacher.get_by_role("link", name="← Week 1 check").click()

        teacher.get_by_role("button", name="Close now").click()
        expect(teacher.get_by_text("is closed")).to_be_visible()
        learner.goto(share)
        expect(learner.get_by_text("This assignment is not open now.")).to_be_visible()
        teacher.get_by_role("button", name="Reopen").click()
        expect(teacher.get_by_text("is open again")).to_be_visible()
        teacher.get_by_role("link", name="Edit settings").click()
        assert_no_axe_violation(teacher, "edit assignment")
        teacher.get_by_label("Title").fill("Week 1 check (resit)")
        teacher.get_by_role("button", name="Save changes").click()
        expect(teacher.get_by_role("heading", name="Week 1 check (resit)")).to_be_visible()
        teacher.get_by_role("button", name="Delete").click()
        expect(teacher.get_by_text("deleted. Learners' attempts and results are kept.")).to_be_visible()
        assert learner.goto(share).status == 404
    finally:
        teacher_ctx.close()
        learner_ctx.close()


def test_upload_shows_warnings_beside_errors(browser, live_server: str, e2e_database_url: str,
                                             tmp_path: Path) -> None:
    context, teacher = _teacher(browser, live_server, e2e_database_url)
    try:
        bad = tmp_path / "bad.gift"
        bad.write_text("::A::Capital? {=Paris ~London %50%Lyon}\n\n::B::Broken {=a ~%33%b}\n")
        teacher.goto("/instructor/banks/upload")
        teacher.get_by_label("Bank file").set_input_files(str(bad))
        teacher.get_by_role("button", name="Check the file").click()
        expect(teacher.get_by_role("heading", name="The file was not imported: 1 problem")).to_be_visible()
        expect(teacher.get_by_text("has %50% inside the answer text")).to_be_visible()
        assert_no_axe_violation(teacher, "upload with errors and warnings")
    finally:
        context.close()
