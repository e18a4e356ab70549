"""Every page of the app fits a 390 px phone: no sideways scrolling, chart labels at least 11 px.

The pages are the app's own GET routes (tests/e2e/site_pages.py), so a page added later is checked without
being listed here; a route the helpers cannot fill fails until it is taught or listed with a reason.
"""

from __future__ import annotations

import pytest

from tests.e2e.site_pages import Site, not_the_real_page, open_page, page_rules, page_url, visits

PHONE = {"width": 390, "height": 844}
MIN_LABEL_PX = 11.0
RULES = {rule.endpoint: rule for rule in page_rules()}
VISITS = visits(list(RULES.values()))

# The page's overflow, and the elements whose right edge passes the viewport (the ones to fix).
MEASURE = """() => {
  const width = window.innerWidth;
  const wide = [];
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;  // inside a box that scrolls or clips: it cannot widen the page
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const id = el.id ? "#" + el.id : "";
      const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
      wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 8)};
}"""

# Rendered size of every chart label: its font size times the SVG's scale on screen.
LABEL_SIZES = """() => [...document.querySelectorAll("svg.chart text")].map(t =>
  ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}))"""



@pytest.mark.parametrize(("endpoint", "who"), VISITS, ids=[f"{e}-{w}" for e, w in VISITS])
def test_page_fits_a_phone(site: Site, endpoint: str, who: str) -> None:
    url = page_url(RULES[endpoint], site)
    page, response, who = open_page(site, who, url, PHONE)
    try:
        assert response is not None and response.status == 200, \
            f"{endpoint} ({url}) as {who}: HTTP {response.status if response else 'no response'} at {page.url}"
        assert not_the_real_page(endpoint, url, page, who) is None, not_the_real_page(endpoint, url, page, who)
        size = page.evaluate(MEASURE)
        assert size["scrollWidth"] <= size["innerWidth"], (
            f"{endpoint} ({url}) as {who} is {size['scrollWidth']} px wide at {size['innerWidth']} px; "
            f"too wide: {', '.join(size['wide'])}")
        small = [label for label in page.evaluate(LABEL_SIZES) if label["px"] < MIN_LABEL_PX]
        assert not small, f"{endpoint}: chart labels under {MIN_LABEL_PX} px: {small[:5]}"
    finally:
        page.close()


@pytest.mark.parametrize("width", [390, 480, 600, 720, 1280])
def test_chart_labels_stay_readable_at_every_width(site: Site, width: int) -> None:
    """The score chart and the flashcard charts scale with the page; their labels never drop under 11 px."""
    for url in ("/progress", "/cards/stats"):
        page, _, _ = open_page(site, "learner", url, {"width": width, "height": 900})
        try:
            labels = page.evaluate(LABEL_SIZES)
            assert labels, f"{url} drew no chart labels"
            small = [label for label in labels if label["px"] < MIN_LABEL_PX]
            assert not small, f"{url} at {width} px: chart labels under {MIN_LABEL_PX} px: {small[:5]}"
        finally:
            page.close()


def test_header_menu_folds_on_a_phone_and_opens(site: Site) -> None:
    page, _, _ = open_page(site, "learner", "/", PHONE)
    try:
        nav = page.get_by_role("navigation", name="Main")
        menu = nav.get_by_role("button", name="Menu")
        progress = nav.get_by_role("link", name="My progress")
        assert menu.get_attribute("aria-expanded") == "false" and not progress.is_visible()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true" and progress.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.keyboard.press("Escape")
        assert menu.get_attribute("aria-expanded") == "false" and not progress.is_visible()
        page.set_viewport_size({"width": 1280, "height": 800})  # wide: every link shows, no Menu button
        assert progress.is_visible() and not menu.is_visible()
    finally:
        page.close()


def test_without_javascript_the_phone_menu_shows_every_link(browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        nav = page.get_by_role("navigation", name="Main")
        assert nav.get_by_role("link", name="My progress").is_visible()
        assert not nav.get_by_role("button", name="Menu").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
