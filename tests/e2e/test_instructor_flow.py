"""An instructor and a learner in real browsers: GIFT upload, preview, assignment, attempt, results, CSV."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, new_context, register, unique_username
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, _describe

AXE = Axe()


def assert_accessible(page: Page, name: str) -> None:
    blocking = [v for v in AXE.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core found serious/critical violations on the {name} page:\n{_describe(blocking)}"

GIFT = """// Week 1 quiz
$CATEGORY: LLM basics

::Q1 subset:: Every LLM is a kind of Generative AI. {TRUE}

::Q2 family:: Which of these is an LLM? {=GPT-4 ~StyleGAN ~BigGAN}

::Q3 methods:: Which are training methods for image generators? {~%50%GANs ~%50%Diffusion ~%-100%Spreadsheets}

::Q4 match:: Match each model to its family. {=GPT-4 -> LLM =StyleGAN -> GAN =Stable Diffusion -> Diffusion}
"""


def _quizapp(env: dict[str, str], *args: str) -> None:
    script = Path(sys.executable).parent / "quizapp"
    subprocess.run([str(script), *args], env=env, check=True, capture_output=True, timeout=60)


def test_instructor_uploads_gift_assigns_and_reads_results(browser, live_server: str, e2e_database_url: str,
                                                           tmp_path: Path) -> None:
    teacher_name = unique_username("teach")
    env = {**os.environ, "DATABASE_URL": e2e_database_url, "QUIZAPP_PASSWORD": PASSWORD, "SECRET_KEY": "e2e"}
    _quizapp(env, "create-user", teacher_name, "--instructor")
    gift_file = tmp_path / "week1.gift"
    gift_file.write_text(GIFT)

    teacher_ctx = new_context(browser, live_server)
    teacher = teacher_ctx.new_page()
    learner_ctx = new_context(browser, live_server)
    learner = learner_ctx.new_page()
    try:
        teacher.goto("/auth/login")
        teacher.get_by_label("Username").fill(teacher_name)
        teacher.get_by_label("Password").fill(PASSWORD)
        teacher.get_by_role("button", name="Log in").click()
        teacher.get_by_role("navigation", name="Main").get_by_role("link", name="Instructor").click()
        teacher.get_by_role("link", name="Upload a question bank").click()
        assert_accessible(teacher, "upload form")
        teacher.get_by_label("Bank file").set_input_files(str(gift_file))
        teacher.get_by_label("Short name for links").fill(unique_username("w").replace("_", "-"))
        teacher.get_by_role("button", name="Check the file").click()
        expect(teacher.get_by_text("4 questions in 1 category, 0 warnings")).to_be_visible()
        assert_accessible(teacher, "upload preview")
        teacher.get_by_role("button", name="Import").click()
        expect(teacher.get_by_text("Created week1")).to_be_visible()
        teacher.get_by_role("link", name="Create assignment").first.click()
        assert_accessible(teacher, "new assignment")
        teacher.get_by_label("Title").fill("Week 1 check")
        teacher.get_by_label("Number of questions").fill("4")
        teacher.get_by_label("Shuffle questions and answers").uncheck()
        teacher.get_by_role("button", name="Create assignment").click()
        expect(teacher.get_by_role("heading", name="Week 1 check")).to_be_visible()
        share = teacher.locator("main a[href*='/a/']").first.get_attribute("href")

        register(learner, unique_username("learner"))
        learner.goto(share)
        learner.get_by_role("button", name="Start attempt 1").click()
        for position in range(1, 5):
            expect(learner.locator("#quiz-progress")).to_have_text(f"Question {position} of 4")
            selects = learner.locator("table.match select")
            if selects.count():
                for i in range(selects.count()):
                    selects.nth(i).select_option(index=i + 1)
            elif learner.locator("input[type=checkbox]").count():
                learner.locator("label", has_text="GANs").click()
                learner.locator("label", has_text="Diffusion").click()
            else:
                learner.locator(".options label").first.click()
            if position == 1:
                assert_accessible(learner, "imported question")
            learner.get_by_role("button", name="Submit answer").click()
            expect(learner.get_by_text("Why:").or_(learner.get_by_text("Right answer")).first).to_be_visible()
            learner.locator("[data-next]").click()
        expect(learner.get_by_role("heading", name="Your results")).to_be_visible()
        score = learner.locator(".big-score").inner_text()
        assert re.fullmatch(r"\d+%", score)

        teacher.reload()
        row = teacher.locator("table.stats tbody tr").first
        expect(row).to_contain_text(score.replace("%", ""))
        expect(teacher.get_by_role("heading", name="Item analysis")).to_be_visible()
        expect(teacher.locator("table.items tbody tr")).to_have_count(4)
        assert_accessible(teacher, "assignment results")
        with teacher.expect_download() as info:
            teacher.get_by_role("link", name="Download gradebook (CSV)").click()
        path = info.value.path()
        lines = Path(path).read_text().splitlines()
        assert lines[0].startswith("display name,username,attempts") and len(lines) == 2
    finally:
        teacher_ctx.close()
        learner_ctx.close()
