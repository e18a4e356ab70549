"""Issue 9, point 19: the deck page's Study button with a sub-deck ticked opens a card of that sub-deck
(it was a 500: the review page used a Jinja filter that does not exist)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.flows import DEFAULT_BANK, new_context


def test_study_one_sub_deck_from_the_deck_page(browser, live_server: str) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    try:
        page.goto(f"/cards/{DEFAULT_BANK}")
        box = page.locator('input[name="topic"]').first
        topic = box.get_attribute("value")
        title = re.sub(r"\s*\(\d+\)$", "", page.locator(f'label[for="topic-{topic}"]').inner_text())
        box.check()
        response_status: list[int] = []
        page.on("response", lambda r: response_status.append(r.status) if "/review" in r.url else None)
        page.get_by_role("button", name="Study").click()
        page.wait_for_load_state()
        assert re.search(rf"/review\?topic={topic}$", page.url), page.url
        assert response_status and response_status[0] == 200, response_status
        expect(page.locator("#card-front")).to_be_visible()
        expect(page.locator("p.muted").first).to_contain_text(title)
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_be_visible()
        page.keyboard.press("3")  # the rating keeps to the sub-deck
        page.wait_for_load_state()
        assert f"topic={topic}" in page.url, page.url
        expect(page.locator("#card-front")).to_be_visible()
    finally:
        context.close()
