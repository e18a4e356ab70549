"""Flashcard review in a real browser: keyboard only, counts that change, undo, and axe on every card page."""

from __future__ import annotations

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.flows import DEFAULT_BANK, new_context
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, _describe

REVIEW = f"/cards/{DEFAULT_BANK}/review"


def read_counts(page: Page) -> tuple[int, int, int]:
    text = page.locator("#review-counts").inner_text()
    new, learning, due = (int(n) for n in re.findall(r"(\d+)\s+(?:new|learning|due)", text))
    return new, learning, due


def test_review_five_cards_by_keyboard_alone(browser, live_server: str) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    try:
        page.goto(REVIEW)
        new, learning, _ = read_counts(page)
        assert new > 0
        seen = []
        for _ in range(5):
            front = page.locator("#card-front").inner_text()
            seen.append(front)
            expect(page.locator("#card-back")).to_be_hidden()
            page.keyboard.press("Space")  # flip in place
            expect(page.locator("#card-back")).to_be_visible()
            expect(page.locator('[data-rating="3"]')).to_be_focused()  # focus moves to "Good"
            expect(page.locator('[data-rating="3"] .rate-interval')).to_have_text(re.compile(r"^\S+$"))
            page.keyboard.press("3")
            expect(page.locator("#card-front")).not_to_have_text(front)
            page.wait_for_load_state()  # the next card's page has run its deferred app.js (keys work)
        after = read_counts(page)
        assert after[0] == new - 5 and after[1] == learning + 5, (new, learning, after)
        assert len(set(seen)) == 5
        page.keyboard.press("u")  # undo the fifth rating: that card is new again
        expect(page.get_by_text("Last rating undone.")).to_be_visible()
        assert read_counts(page)[:2] == (new - 4, learning + 4)
        expect(page.locator("#card-front")).to_have_text(seen[-1])
    finally:
        context.close()


def test_review_works_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(REVIEW)
        before = read_counts(page)
        page.get_by_role("link", name="Show answer").click()
        expect(page.locator("#card-back")).to_be_visible()
        page.get_by_role("button", name=re.compile("Good")).click()
        assert read_counts(page)[0] == before[0] - 1
    finally:
        context.close()


def test_flashcard_pages_have_no_serious_axe_violations(browser, live_server: str) -> None:
    axe = Axe()
    context = new_context(browser, live_server)
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for name, url in (("decks", "/cards/"), ("deck", f"/cards/{DEFAULT_BANK}"), ("review front", REVIEW),
                          ("cram", f"/cards/{DEFAULT_BANK}/cram?topic=faq")):
            page.goto(url)
            found[name] = axe.run(page).response["violations"]
        page.goto(REVIEW)
        page.get_by_role("link", name="Show answer").click()
        found["review back"] = axe.run(page).response["violations"]
        page.keyboard.press("4")
        expect(page.locator("#card-back")).to_be_hidden()  # the rating's page has come: nothing to abort
        page.wait_for_load_state()
        page.goto("/cards/stats")
        expect(page.locator("svg.chart")).to_have_count(2)
        found["stats"] = axe.run(page).response["violations"]
    finally:
        context.close()
    blocking = {name: [v for v in vs if v.get("impact") in BLOCKING_IMPACTS] for name, vs in found.items()}
    assert not any(blocking.values()), "\n".join(f"{n}:\n{_describe(v)}" for n, v in blocking.items() if v)


def test_a_cloze_card_flips_to_its_marked_answer_in_light_and_dark(browser, live_server: str) -> None:
    """Cram through the models sub-deck to a cloze card: [...] on the front, the answer marked on the back,
    the topic as a label, and no serious axe violation either way, in light and in dark mode."""
    from quizapp.core.bank_loader import load_bank_file
    from quizapp.core.cards import derive_cards
    from tests.conftest import DEFAULT_BANK as BANK_FILE

    models = [c for c in derive_cards(load_bank_file(BANK_FILE)) if c.topic == "models"]
    position, card = next((i, c) for i, c in enumerate(models) if c.is_cloze)
    axe = Axe()
    found: dict[str, list[dict[str, Any]]] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(base_url=live_server, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(f"/cards/{DEFAULT_BANK}/cram?topic=models&i={position}")
            expect(page.locator("#card-topic")).to_have_text("Models")
            expect(page.locator("#card-front")).to_contain_text("[...]")
            found[f"cloze front ({scheme})"] = axe.run(page).response["violations"]
            page.keyboard.press("Space")
            expect(page.locator("#card-back mark.cloze-answer")).to_have_text(card.answer)
            expect(page.locator("#card-back .source")).to_contain_text("Source:")
            found[f"cloze back ({scheme})"] = axe.run(page).response["violations"]
        finally:
            context.close()
    blocking = {name: [v for v in vs if v.get("impact") in BLOCKING_IMPACTS] for name, vs in found.items()}
    assert not any(blocking.values()), "\n".join(f"{n}:\n{_describe(v)}" for n, v in blocking.items() if v)
