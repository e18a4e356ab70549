"""A Moodle XML bank with embedded images, in a real browser: the preview and the bank page show the pictures."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import PASSWORD, new_context, unique_username
from tests.e2e.test_instructor_flow import _quizapp

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "moodlexml" / "truefalse_with_images.xml"


def loaded_images(page: Page) -> list[int]:
    """The natural widths of the question images on the page (0 for one that did not load)."""
    return page.eval_on_selector_all("img[src*='files/']", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_moodle_xml_images_show_in_the_preview_and_the_bank_page(browser, live_server: str, e2e_database_url: str,
                                                                 tmp_path: Path) -> None:
    name = unique_username("teach")
    env = {**os.environ, "DATABASE_URL": e2e_database_url, "QUIZAPP_PASSWORD": PASSWORD, "SECRET_KEY": "e2e"}
    _quizapp(env, "create-user", name, "--instructor")
    context = new_context(browser, live_server)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto("/auth/login")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/instructor/banks/upload")
        page.get_by_label("Bank file").set_input_files(str(FIXTURE))
        page.get_by_label("Short name for links").fill(unique_username("img").replace("_", "-"))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_text("in 1 category, 0 warnings")).to_be_visible()
        page.wait_for_load_state("networkidle")
        preview = loaded_images(page)
        # question text, general feedback and both true/false feedbacks
        assert len(preview) == 4 and all(width > 0 for width in preview), preview
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("link", name="Export Moodle XML")).to_be_visible()
        page.wait_for_load_state("networkidle")
        bank = loaded_images(page)
        assert len(bank) == 4 and all(width > 0 for width in bank), bank
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
