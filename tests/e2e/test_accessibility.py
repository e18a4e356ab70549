"""axe-core on the main pages, as rendered by a real Chromium: no serious or critical violation.

One guest walks through a quiz that is certain to contain a matching question; axe runs on each
kind of page on the way (the results and progress pages after the quiz is finished). Each page
is then its own test, so a failure names the page and lists the offending rules and nodes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.flows import FIVE_KINDS_WITH_MATCH, answer_current_by_clicking, go_on, new_context, start_quiz

BLOCKING_IMPACTS = {"serious", "critical"}
LENGTH = 5
PAGES = ("home", "start form", "question (single choice)", "question (matching)", "feedback", "results",
         "progress")


def _violations(axe: Axe, page: Page) -> list[dict[str, Any]]:
    results = axe.run(page)
    return results.response["violations"]


@pytest.fixture(scope="module")
def axe_violations(browser, live_server: str) -> dict[str, list[dict[str, Any]]]:
    """Violations per page name, for a guest who takes a 5-question quiz with a matching question."""
    axe = Axe()
    found: dict[str, list[dict[str, Any]]] = {}
    context = new_context(browser, live_server)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found["home"] = _violations(axe, page)

        page.goto("/quiz/")
        expect(page.get_by_role("button", name="Start quiz")).to_be_visible()
        found["start form"] = _violations(axe, page)

        start_quiz(page, FIVE_KINDS_WITH_MATCH, LENGTH)
        for position in range(1, LENGTH + 1):
            expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of {LENGTH}")
            name = ("question (matching)" if page.locator("table.match select").count()
                    else "question (single choice)")
            found.setdefault(name, _violations(axe, page))
            answer_current_by_clicking(page, position, LENGTH)
            found.setdefault("feedback", _violations(axe, page))
            go_on(page, last=position == LENGTH)

        expect(page).to_have_url(re.compile(r"/quiz/\d+/results$"))
        expect(page.get_by_role("heading", name="Your results")).to_be_visible()
        found["results"] = _violations(axe, page)

        page.get_by_role("navigation", name="Main").get_by_role("link", name="My progress").click()
        expect(page.locator("svg.chart")).to_be_visible()
        expect(page.locator("table.history tbody tr")).to_have_count(1)
        found["progress"] = _violations(axe, page)
    finally:
        context.close()
    return found


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_axe_violations(axe_violations: dict[str, list[dict[str, Any]]], name: str) -> None:
    assert name in axe_violations, f"the walk-through never reached the {name} page"
    blocking = [v for v in axe_violations[name] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core found serious/critical violations on the {name} page:\n{_describe(blocking)}"
