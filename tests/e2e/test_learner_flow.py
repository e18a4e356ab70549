"""A learner's whole path in a real browser: register, take a quiz, see results and progress."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    FIVE_KINDS_WITH_MATCH,
    percent_shown,
    read_feedback,
    register,
    start_quiz,
    take_quiz_by_clicking,
    unique_username,
)


def test_register_take_quiz_with_match_then_results_and_progress(page: Page) -> None:
    username = unique_username()
    register(page, username)

    answered = take_quiz_by_clicking(page, FIVE_KINDS_WITH_MATCH, length=5)

    assert [a.position for a in answered] == [1, 2, 3, 4, 5]
    assert sum(a.is_match for a in answered) == 1, \
        f"expected exactly one matching question with 5 kinds in 5 questions, got {[a.is_match for a in answered]}"
    assert len({a.prompt for a in answered}) == 5, "a question was asked twice"

    # Results: the score, consistent with the five feedback verdicts, and every question reviewed in order.
    shown = percent_shown(page)
    expected = sum(a.score for a in answered) / len(answered) * 100
    assert abs(shown - expected) <= 1, f"results say {shown}%, the feedback pages add up to {expected:.1f}%"
    expect(page.get_by_text(re.compile(r"out of 5 points"))).to_be_visible()
    reviewed = page.locator("ol.review-list > li")
    expect(reviewed).to_have_count(5)
    for i, a in enumerate(answered):
        item = reviewed.nth(i)
        assert a.prompt in " ".join(item.locator("h3.prompt").inner_text().split())
        expect(item.locator("p.explanation")).to_contain_text("Why:")
        expect(item.locator("p.source")).to_contain_text("Source:")
    expect(reviewed.locator("table.match")).to_have_count(1)
    # A signed-in learner is not invited to register.
    expect(page.get_by_role("link", name="Register to keep this score")).to_have_count(0)

    # Progress: the attempt in the history, and the score chart with one point.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My progress").click()
    expect(page).to_have_url(re.compile(r"/progress$"))
    expect(page.get_by_role("heading", name="My progress", level=1)).to_be_visible()
    expect(page.get_by_text("You are not logged in")).to_have_count(0)
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(1)).to_contain_text("LLM")
    expect(cells.nth(2)).to_have_text("5")
    expect(cells.nth(3)).to_have_text(f"{shown}%")
    expect(rows.first.get_by_role("link", name="Review")).to_be_visible()
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("circle.dot")).to_have_count(1)
    expect(chart.locator("desc")).to_contain_text(f"{shown}%")

    # The history's link opens the same results again.
    rows.first.get_by_role("link", name="Review").click()
    expect(page).to_have_url(re.compile(r"/quiz/\d+/results$"))
    assert percent_shown(page) == shown


def test_keyboard_only_answer_with_number_key_and_enter(page: Page) -> None:
    """static/app.js: a digit picks that option, Enter submits; N goes on from the feedback page."""
    start_quiz(page, ("truefalse", "classify"), length=5)
    form = page.locator("form[data-question]")
    radios = form.get_by_role("radio")
    expect(radios.first).not_to_be_checked()
    first_option = " ".join(form.locator("ul.options label").first.inner_text().split())
    first_option = first_option.removeprefix("1").strip()  # the label starts with its <kbd>1</kbd> hint

    page.keyboard.press("1")
    expect(radios.first).to_be_checked()
    expect(radios.first).to_be_focused()
    for i in range(1, radios.count()):
        expect(radios.nth(i)).not_to_be_checked()
    page.keyboard.press("Enter")

    read_feedback(page, 1, 5)
    mine = page.locator("ul.options.review li", has_text="← your answer")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(first_option)

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/quiz/\d+$"))
    expect(page.locator("#quiz-progress")).to_have_text("Question 2 of 5")
