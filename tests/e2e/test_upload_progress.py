"""Big banks (issue 11) in a real browser: a sent upload says it is being checked (static/upload.js), the form
works without JavaScript too, and the preview of a 2,000-question file pages 200 at a time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.flows import ACTION_TIMEOUT_MS, PASSWORD, new_context, unique_username


def gift_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / f"bank{count}.gift"
    path.write_text("".join(f"::q{i}:: Which is question {i}? {{=this one ~that one}}\n\n"
                            for i in range(1, count + 1)))
    return path


def instructor(database_url: str) -> str:
    """A new instructor account, made with the command line as an administrator would."""
    name = unique_username("teach")
    env = {**os.environ, "DATABASE_URL": database_url, "QUIZAPP_PASSWORD": PASSWORD}
    subprocess.run([str(Path(sys.executable).parent / "quizapp"), "create-user", name, "--instructor"], env=env,
                   check=True, capture_output=True, timeout=60)
    return name


def log_in(page: Page, username: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out")).to_be_attached()


def test_a_sent_upload_says_it_is_being_checked_then_the_preview_pages(browser: Browser, live_server: str,
                                                                       e2e_database_url: str, tmp_path: Path):
    context = new_context(browser, live_server)
    page = context.new_page()
    try:
        log_in(page, instructor(e2e_database_url))
        page.goto("/instructor/banks/upload")
        status = page.locator("[data-upload-status]")
        expect(status).to_be_hidden()  # empty until the form is sent
        posts: list[str] = []
        page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
        # Hold the form: a listener added after upload.js's cancels the sending, so the page stays to be read
        # (Playwright waits for a navigation under way before it reads the page).
        page.evaluate("""() => { window.holdUpload = (event) => event.preventDefault();
            document.querySelector("form[data-upload]").addEventListener("submit", holdUpload); }""")
        page.get_by_label("Bank file").set_input_files(str(gift_file(tmp_path, 2000)))
        page.get_by_role("button", name="Check the file").click()
        expect(status).to_have_text("Checking the file… A large bank takes a few seconds; the preview opens when "
                                    "it is done.")
        expect(status.locator("progress")).to_be_visible()
        expect(status).to_have_attribute("role", "status")
        page.evaluate("""() => document.querySelector("form[data-upload]").removeEventListener("submit",
            holdUpload)""")
        page.get_by_role("button", name="Check the file").click()  # a second click sends nothing (upload.js)
        assert posts == [] and page.url.endswith("/instructor/banks/upload")
        # The held sending, now (the form's own "submit" property is its button, named submit).
        page.evaluate("""() => HTMLFormElement.prototype.submit.call(document.querySelector("form[data-upload]"))""")
        expect(page.get_by_text("2000 questions in 1 category, 0 warnings")).to_be_visible()
        expect(page.get_by_role("heading", name="Questions 1–200 of 2,000")).to_be_visible()
        expect(page.locator("ol.question-list > li")).to_have_count(200)
        page.get_by_role("navigation", name="Pages of questions").first.get_by_role("link", name="Next").click()
        expect(page.get_by_role("heading", name="Questions 201–400 of 2,000")).to_be_visible()
        expect(page.locator("ol.question-list > li")).to_have_count(200)
        assert page.locator("ol.question-list").get_attribute("start") == "201"
        assert len(posts) == 1
    finally:
        context.close()


def test_the_upload_works_without_javascript(browser: Browser, live_server: str, e2e_database_url: str,
                                            tmp_path: Path):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, instructor(e2e_database_url))
        page.goto("/instructor/banks/upload")
        page.get_by_label("Bank file").set_input_files(str(gift_file(tmp_path, 3)))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_text("3 questions in 1 category, 0 warnings")).to_be_visible()
        expect(page.locator("ol.question-list > li")).to_have_count(3)
    finally:
        context.close()
