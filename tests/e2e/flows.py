"""What a learner does in the browser, as small steps the e2e tests share.

Every step acts through what a user sees (labels, buttons, links) and waits with Playwright's
auto-waiting ``expect`` assertions, never with sleeps.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from quizapp.core.generators import KINDS

DEFAULT_BANK = "llm-vs-genai"
ALL_KINDS = tuple(KINDS)  # every generated kind, so start_quiz can untick those not wanted
# Five kinds including "match": the generator takes kinds in turn, so a 5-question quiz has one of each.
FIVE_KINDS_WITH_MATCH = ("classify", "match", "truefalse", "organization", "modality")
PASSWORD = "correct-horse-battery"
# Playwright waits this long (ms) for an element or a navigation before failing a test.
ACTION_TIMEOUT_MS = 10_000


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh browser context (no cookies) whose relative URLs go to ``base_url``."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    return context


def unique_username(prefix: str = "e2e") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def register(page: Page, username: str, display_name: str | None = None) -> None:
    """Create an account through the register form; the user is then logged in."""
    display_name = display_name or username.replace("_", " ").title()
    page.goto("/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill(display_name)
    page.get_by_label("Password (at least").fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=display_name)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()


def log_in(page: Page, username: str) -> None:
    """Log in through the form (password ``PASSWORD``) and wait for the logged-in menu."""
    page.goto("/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").filter(has_text="Logged in as")).to_be_visible()  # at any width


def upload_bank(teacher: Page, bank_file: Path, slug: str, import_it: bool = True) -> str:
    """Upload a bank file through the instructor's form; import it, or leave it waiting on its preview.
    Returns the bank's slug."""
    teacher.goto("/instructor/banks/upload")
    teacher.get_by_label("Bank file").set_input_files(str(bank_file))
    teacher.get_by_label("Short name for links").fill(slug)
    teacher.get_by_role("button", name="Check the file").click()
    expect(teacher.get_by_role("button", name="Import")).to_be_visible()
    if import_it:
        teacher.get_by_role("button", name="Import").click()
        expect(teacher.get_by_role("link", name="Create assignment").first).to_be_visible()
    return slug


def create_assignment(teacher: Page, slug: str, title: str, questions: int, shuffle: bool = True) -> tuple[int, str]:
    """Create an assignment of bank ``slug`` through the form; returns its id and share link."""
    teacher.goto(f"/instructor/banks/{slug}/assign")
    teacher.get_by_label("Title").fill(title)
    teacher.get_by_label("Number of questions").fill(str(questions))
    if not shuffle:
        teacher.get_by_label("Shuffle questions and answers").uncheck()
    teacher.get_by_role("button", name="Create assignment").click()
    expect(teacher).to_have_url(re.compile(r"/instructor/assignments/\d+$"))
    expect(teacher.get_by_role("heading", name=title)).to_be_visible()
    assignment_id = int(re.search(r"/instructor/assignments/(\d+)$", teacher.url).group(1))
    share = teacher.locator("main a[href*='/a/']").first.get_attribute("href")
    assert share, "the assignment page shows no share link"
    return assignment_id, share


def start_quiz(page: Page, kinds: tuple[str, ...], length: int = 5, feedback: str = "After each question",
               bank: str = DEFAULT_BANK) -> None:
    """Fill the start form (only ``kinds`` ticked) and land on question 1."""
    page.goto("/quiz/")
    expect(page.get_by_role("heading", name="Start a quiz")).to_be_visible()
    page.get_by_label("Question bank").select_option(bank)
    for kind in ALL_KINDS:
        box = page.locator(f'input[name="kinds"][value="{kind}"]')
        if kind in kinds:
            box.check()
        else:
            box.uncheck()
    page.get_by_label("Number of questions").fill(str(length))
    page.get_by_label(feedback).check()
    page.get_by_role("button", name="Start quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz/\d+$"))
    # A bank may hold fewer questions of the chosen kinds than asked for; the quiz then has all of them.
    expect(page.locator("#quiz-progress")).to_have_text(re.compile(r"Question 1 of \d+"))
    page.wait_for_load_state()  # the deferred app.js has run: keyboard shortcuts work from here


@dataclass
class Answered:
    position: int
    prompt: str
    is_match: bool
    score: float  # as the feedback page states it (partial scores are rounded to whole percents)


def answer_current_by_clicking(page: Page, position: int, total: int, option: int = 0) -> Answered:
    """Answer the question on screen with the mouse and submit; returns what was asked.

    Single-answer questions: click the label of option ``option`` (the radio itself is visually
    hidden). Match questions: choose an option in every select.
    """
    expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of {total}")
    expect(page).to_have_title(re.compile(rf"^Question {position} of {total}\b"))
    form = page.locator("form[data-question]")
    prompt = " ".join(form.locator("h1.prompt").inner_text().split())
    selects = form.locator("table.match select")
    is_match = selects.count() > 0
    if is_match:
        for i in range(selects.count()):
            select = selects.nth(i)
            choices = select.locator("option").count() - 1  # the first is the "Choose…" placeholder
            select.select_option(index=1 + (i + option) % choices)
            expect(select).not_to_have_value("")
    else:
        labels = form.locator("ul.options label")
        radios = form.get_by_role("radio")
        assert labels.count() >= 2, f"question {position} shows {labels.count()} options"
        labels.nth(option).click()
        expect(radios.nth(option)).to_be_checked()
    form.get_by_role("button", name="Submit answer").click()
    return Answered(position, prompt, is_match, read_feedback(page, position, total))


def read_feedback(page: Page, position: int, total: int) -> float:
    """Check the feedback page of question ``position`` and return the score it states."""
    expect(page).to_have_url(re.compile(rf"/quiz/\d+/feedback/{position}$"))
    page.wait_for_load_state()  # the deferred app.js has run: keyboard shortcuts work from here
    expect(page.locator("#quiz-progress")).to_have_text(f"Question {position} of {total}")
    expect(page.locator("p.explanation")).to_contain_text("Why:")
    expect(page.locator("p.source")).to_contain_text("Source:")
    assert page.locator("p.explanation").inner_text().removeprefix("Why:").strip(), "empty explanation"
    assert page.locator("p.source").inner_text().removeprefix("Source:").strip(), "empty source"
    verdict = " ".join(page.locator(".verdict-box h1").inner_text().split())
    if verdict == "Correct!":
        return 1.0
    if verdict == "Not quite.":
        return 0.0
    partly = re.fullmatch(r"Partly correct: (\d+)%", verdict)
    assert partly, f"unexpected verdict {verdict!r}"
    return int(partly.group(1)) / 100


def go_on(page: Page, last: bool) -> None:
    """Follow the feedback page's link to the next question, or to the results after the last."""
    page.get_by_role("link", name="See your results" if last else "Next question").click()


def percent_shown(page: Page) -> int:
    score = page.locator(".big-score")
    expect(score).to_have_text(re.compile(r"^\s*\d{1,3}%\s*$"))
    return int(score.inner_text().strip().rstrip("%"))


def take_quiz_by_clicking(page: Page, kinds: tuple[str, ...] = FIVE_KINDS_WITH_MATCH,
                          length: int = 5) -> list[Answered]:
    """Start a quiz with feedback after each question, answer every question, end on the results page."""
    start_quiz(page, kinds, length)
    answered = []
    for position in range(1, length + 1):
        answered.append(answer_current_by_clicking(page, position, length, option=position % 2))
        go_on(page, last=position == length)
    expect(page).to_have_url(re.compile(r"/quiz/\d+/results$"))
    expect(page.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    return answered
