"""Dark mode: it follows the system's prefers-color-scheme, a header toggle overrides it and is remembered (a
cookie the server reads, so it holds without JS too), and axe-core's contrast checks pass on every page in both
themes. The pages are the app's own GET routes (tests/e2e/site_pages.py), as in the phone-width test.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.flows import new_context
from tests.e2e.site_pages import Site, not_the_real_page, open_page, page_rules, page_url, visitor
from tests.e2e.test_accessibility import _describe

AXE = Axe()
CONTRAST_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
RULES = {rule.endpoint: rule for rule in page_rules()}
DARK_BG = "rgb(18, 21, 25)"  # --bg of the dark theme in static/style.css
LIGHT_BG = "rgb(251, 251, 253)"


def _background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")



@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_every_page_passes_axe_contrast(site: Site, endpoint: str, scheme: str) -> None:
    url = page_url(RULES[endpoint], site)
    page, response, who = open_page(site, visitor(endpoint), url, {"width": 1280, "height": 800}, scheme)
    try:
        status = response.status if response else None
        assert status == 200, f"{endpoint} ({url}): HTTP {status}"
        assert not_the_real_page(endpoint, url, page, who) is None, not_the_real_page(endpoint, url, page, who)
        assert _background(page) == (DARK_BG if scheme == "dark" else LIGHT_BG)
        violations = AXE.run(page, options=CONTRAST_RULES).response["violations"]
        assert not violations, f"{endpoint} ({url}) in the {scheme} theme:\n{_describe(violations)}"
    finally:
        page.close()


def _context(browser: Browser, live_server: str, scheme: str, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=live_server, color_scheme=scheme, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("system", ["light", "dark"])
def test_toggle_overrides_the_system_and_is_remembered(browser, live_server: str, system: str) -> None:
    other = "dark" if system == "light" else "light"
    context = _context(browser, live_server, system)
    try:
        page = context.new_page()
        page.goto("/")
        toggle = page.get_by_role("button", name="Dark mode")
        expect(toggle).to_have_attribute("aria-pressed", "true" if system == "dark" else "false")
        assert _background(page) == (DARK_BG if system == "dark" else LIGHT_BG)
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true" if other == "dark" else "false")
        assert _background(page) == (DARK_BG if other == "dark" else LIGHT_BG)
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("theme") == other
        page.goto("/quiz/")  # another page, drawn by the server in the chosen theme
        assert page.evaluate("document.documentElement.dataset.theme") == other
        assert _background(page) == (DARK_BG if other == "dark" else LIGHT_BG)
        page.get_by_role("button", name="Dark mode").click()  # back to the system's choice: nothing to remember
        assert _background(page) == (DARK_BG if system == "dark" else LIGHT_BG)
        assert "theme" not in {c["name"] for c in context.cookies()}
    finally:
        context.close()


def test_the_remembered_theme_needs_no_javascript(browser, live_server: str) -> None:
    context = _context(browser, live_server, "light", java_script_enabled=False)
    try:
        host = live_server.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": "theme", "value": "dark", "domain": host, "path": "/"}])
        page = context.new_page()
        page.goto("/cards/")
        assert _background(page) == DARK_BG
        assert not page.get_by_role("button", name="Dark mode").is_visible()  # the toggle needs JS: hidden without
        context.clear_cookies()
        page.goto("/cards/")
        assert _background(page) == LIGHT_BG
    finally:
        context.close()


def test_no_inline_script_anywhere(browser, live_server: str) -> None:
    """The CSP forbids inline scripts: the theme works from static files alone, and nothing was blocked."""
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto("/")
        assert page.locator("script:not([src])").count() == 0
        page.get_by_role("button", name="Dark mode").click()
        assert not blocked, blocked
    finally:
        context.close()
