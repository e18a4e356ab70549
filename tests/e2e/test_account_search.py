"""Search and delete-account in a real Chromium: the flows, axe with no violation of any impact on both
pages in light and dark mode, and both pages within a 390 px phone screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.flows import ACTION_TIMEOUT_MS, PASSWORD, register, unique_username

DARK_BG = "rgb(18, 21, 25)"  # --bg of the dark theme in static/style.css


def _context_page(browser: Browser, live_server: str, scheme: str, width: int = 1280) -> Page:
    context = browser.new_context(base_url=live_server, color_scheme=scheme,
                                  viewport={"width": width, "height": 844})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context.new_page()


def _no_violations(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations]


def _fits_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_from_the_header_finds_a_card_and_leads_to_its_deck(browser: Browser, live_server: str, scheme: str):
    page = _context_page(browser, live_server, scheme)
    try:
        page.goto("/")
        page.get_by_role("search", name="Site search").get_by_label("Search cards and questions").fill("BigGAN")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/search\?q=BigGAN$"))
        expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()
        expect(page.locator("#search-count")).to_contain_text("for “biggan”")
        card = page.locator("li.card", has_text="Flashcard").first
        expect(card).to_contain_text("BigGAN")
        if scheme == "dark":
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BG
        _no_violations(page)
        page.goto("/search?q=llm")
        expect(page.get_by_role("navigation", name="Result pages")).to_be_visible()
        _no_violations(page)
        page.get_by_role("link", name="Next page").click()
        expect(page.get_by_text(re.compile(r"Page 2 of \d+"))).to_be_visible()
        page.goto("/search?q=BigGAN")
        page.locator("li.card", has_text="Flashcard").first.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"/cards/[\w-]+$"))
    finally:
        page.context.close()


def test_search_works_without_javascript_and_fits_a_phone(browser: Browser, live_server: str):
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/search")
        _fits_phone(page)
        page.get_by_role("main").get_by_label("Find a card or question by its words").fill("organization developed")
        page.get_by_role("main").get_by_role("button", name="Search").click()
        expect(page.locator("li.card").first).to_contain_text("organization developed", ignore_case=True)
        _fits_phone(page)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_download_my_data_then_delete_my_account(browser: Browser, live_server: str, scheme: str, tmp_path: Path):
    page = _context_page(browser, live_server, scheme)
    username = unique_username("del")
    try:
        register(page, username, display_name="Doomed Learner")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Doomed Learner").click()
        page.set_viewport_size({"width": 390, "height": 844})
        expect(page.get_by_role("heading", name="Delete my account")).to_be_visible()
        _fits_phone(page)
        _no_violations(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download my data (JSON)").click()
        saved = tmp_path / "data.json"
        download.value.save_as(saved)
        assert json.loads(saved.read_text())["account"]["username"] == username

        page.get_by_label("Your password, to confirm").fill("not-the-password")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("that is not your password; nothing was deleted")).to_be_visible()
        _no_violations(page)  # the page with the error, too

        page.get_by_label("Your password, to confirm").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("Your account is deleted")).to_be_visible()
        _fits_phone(page)
        page.goto("/auth/profile")
        expect(page).to_have_url(re.compile(r"/auth/login"))  # the session ended with the account
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    finally:
        page.context.close()
