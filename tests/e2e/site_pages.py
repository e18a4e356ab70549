"""Every page of the app, with the data each one needs, for tests that check all pages (phone width, dark mode).

The pages are the GET routes of the app's own URL map, so a route added later is visited without anyone
listing it. :func:`page_url` fills a route's URL arguments from :class:`Site` (a learner, an instructor, an
uploaded bank, an assignment, attempts, a deck); a route whose arguments it cannot fill, or that is not a page,
must be in :data:`NOT_PAGES` with the reason, or the tests that use this module fail and say so.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Response, expect
from werkzeug.routing import Rule

from tests.e2e.flows import (
    DEFAULT_BANK,
    PASSWORD,
    create_assignment,
    log_in,
    new_context,
    register,
    start_quiz,
    unique_username,
    upload_bank,
)

# GET routes that are not pages a person reads, each with the reason. Every other GET route is visited.
NOT_PAGES: dict[str, str] = {
    "static": "stylesheets, scripts and images, not pages",
    "main.health": "JSON for load balancers",
    "cards.export": "a file download (.apkg, .tsv)",
    "auth.download_data": "a JSON download (my data)",
    "instructor.export_bank": "a file download (GIFT, JSON)",
    "instructor.gradebook_download": "a CSV download",
    "instructor.question_files.serve": "an image inside an imported question, not a page",
    "instructor.question_files.pending": "an image inside an upload's preview, not a page",
    "lti.jwks": "JSON keys for LMS platforms",
    "lti.login": "OIDC log-in initiation: a redirect that only an LMS's request (iss, login_hint) can start",
    "lti.deep_link": "opened only by a signed LTI launch from an LMS",
}

# Who visits each page: instructor pages as an instructor, the log-in and register forms as a guest (anyone
# logged in is sent on from them), every other page as a learner (and, answered 403, as an instructor: so an
# instructor page in a new blueprint is visited too). Pages learners see are also checked as guests.
GUEST_ONLY = {"auth.login", "auth.register"}
INSTRUCTOR_BLUEPRINTS = ("instructor.", "lti.")
LEARNER_PAGES_UNDER_INSTRUCTOR = {"instructor.assignment_landing"}

# A small GIFT bank of the kinds every helper of the answer loop below knows how to answer.
GIFT = """$CATEGORY: Phone check

::P1 subset:: Every LLM is a kind of Generative AI. {TRUE}

::P2 family:: Which of these is an LLM, the family of models trained on text to predict the next token? {=GPT-4
~StyleGAN ~BigGAN}

::P3 maker:: Which company made BigGAN, the class-conditional image generator? {=DeepMind ~Meta ~NVIDIA}
"""
# For the essay-grading pages, where the app has them: one essay, answered and waiting for a mark.
ESSAY_GIFT = """::E1 why:: Explain in a few sentences why every LLM is also a kind of Generative AI. {}
"""
GRADING_ROUTE = "instructor.grade_essay"
# Pages of the essay assignment (its queue has an essay waiting; the next essay to mark is that one).
GRADING_PAGES = {"instructor.grading_queue", "instructor.grade_next", GRADING_ROUTE}
# Pages only an answers-at-the-end quiz in progress has (a finished or immediate quiz is sent on to another page).
END_MODE_PAGES = {"quiz.question_at_position", "quiz.summary"}
# Routes that are not a page of their own but send the browser to one, with the page they must land on (a regular
# expression of its path); every other page must be the page asked for, not a redirect to some other page.
REDIRECTS: dict[str, str] = {
    "instructor.grade_next": r"/instructor/assignments/\d+/grading/\d+",  # the next essay waiting for a mark
}
# Pages whose data the walk must see (CSS selectors, each present), so a page is checked full, not empty.
CONTENT: dict[str, tuple[str, ...]] = {
    "quiz.question": ("form[data-question]",),
    "quiz.question_at_position": ("nav.quiz-nav [data-nav-state='answered flagged']", "[data-recorded]"),
    "quiz.summary": ("[data-unanswered]", "[data-flagged]"),
    "instructor.attempt_detail": ("table.stats tbody tr",),
    "instructor.edit_assignment": ("form input[name='title']",),
    "instructor.grading_queue": ("[data-grading-queue] a[href*='/grading/']",),
    "lti.assignment_scores": ("table.stats tbody tr",),
    "lti.platforms": ("main li form.inline",),
}


def visitor(endpoint: str) -> str:
    """``"guest"``, ``"learner"`` or ``"instructor"``: who opens this page."""
    if endpoint in GUEST_ONLY:
        return "guest"
    if endpoint.startswith(INSTRUCTOR_BLUEPRINTS) and endpoint not in LEARNER_PAGES_UNDER_INSTRUCTOR:
        return "instructor"
    return "learner"


def page_rules() -> list[Rule]:
    """The GET rules of the app's URL map that are pages, sorted by endpoint (POST-only routes are actions that
    redirect to a page; those pages are here)."""
    from quizapp import create_app

    with tempfile.TemporaryDirectory(prefix="quizapp-urlmap-") as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/unused.sqlite", "SECRET_KEY": "url-map",
                          "INSTANCE_PATH": tmp})
        rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())]
    endpoints = {rule.endpoint for rule in rules}
    for name, listed in (("NOT_PAGES", NOT_PAGES), ("REDIRECTS", REDIRECTS), ("CONTENT", CONTENT),
                         ("END_MODE_PAGES", END_MODE_PAGES)):
        stale = set(listed) - endpoints
        assert not stale, f"{name} lists routes the app no longer has: {sorted(stale)}"
    return sorted((rule for rule in rules if rule.endpoint not in NOT_PAGES), key=lambda rule: rule.endpoint)


@dataclass
class Site:
    """What the pages need, made through the browser as people would (and the command line for the instructor)."""

    learner: BrowserContext
    instructor: BrowserContext
    guest: BrowserContext
    bank_slug: str  # an instructor's uploaded GIFT bank
    upload_id: int  # an upload still waiting for confirmation
    assignment_id: int
    assignment_code: str
    assignment_attempt_id: int  # the learner's finished attempt at the assignment
    finished_attempt_id: int  # a finished practice quiz with feedback after each question
    open_attempt_id: int  # a quiz in progress
    end_attempt_id: int  # an answers-at-the-end quiz in progress: question 1 answered and flagged, the rest not
    essay_assignment_id: int | None = None  # an assignment with an essay the learner answered (if the app grades)
    essay_answer_id: int | None = None
    contexts: list[BrowserContext] = field(default_factory=list)

    def context(self, who: str) -> BrowserContext:
        return {"learner": self.learner, "instructor": self.instructor, "guest": self.guest}[who]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def page_url(rule: Rule, site: Site) -> str:
    """The URL of ``rule`` with its arguments filled from ``site``; raises LookupError naming an argument it
    cannot fill (add it here, or list the route in NOT_PAGES with the reason)."""
    endpoint = rule.endpoint
    values: dict[str, object] = {}
    for name in sorted(rule.arguments):
        if name == "slug":
            values[name] = site.bank_slug if endpoint.startswith(INSTRUCTOR_BLUEPRINTS) else DEFAULT_BANK
        elif name == "attempt_id":
            values[name] = (site.assignment_attempt_id if endpoint.startswith(INSTRUCTOR_BLUEPRINTS)
                            else site.open_attempt_id if endpoint == "quiz.question"
                            else site.end_attempt_id if endpoint in END_MODE_PAGES else site.finished_attempt_id)
        elif name == "position":
            values[name] = 1
        elif name == "assignment_id":
            grading = endpoint in GRADING_PAGES and site.essay_assignment_id is not None
            values[name] = site.essay_assignment_id if grading else site.assignment_id
        elif name == "answer_id" and site.essay_answer_id is not None:
            values[name] = site.essay_answer_id
        elif name == "code":
            values[name] = site.assignment_code
        elif name == "upload_id":
            values[name] = site.upload_id
        else:
            raise LookupError(f"route {endpoint} ({rule.rule}) needs <{name}>, which tests/e2e/site_pages.py cannot "
                              "fill: teach page_url() to, or list the route in NOT_PAGES with the reason")
    _, path = rule.build(values, append_unknown=False)
    return path


def open_page(site: Site, who: str, url: str, size: dict[str, int],
              color_scheme: Literal["light", "dark"] = "light") -> tuple[Page, Response | None, str]:
    """``url`` in a new tab of ``who``'s browser at ``size`` in the given system theme, loaded and its scripts run;
    a learner answered 403 tries again as the instructor. Returns the page, the response and who saw it."""
    page = site.context(who).new_page()
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=color_scheme)
    response = page.goto(url)
    if who == "learner" and response is not None and response.status == 403:
        page.close()
        return open_page(site, "instructor", url, size, color_scheme)
    page.wait_for_load_state()
    return page, response, who


def not_the_real_page(endpoint: str, url: str, page: Page, who: str) -> str | None:
    """Why the page shown is not ``endpoint``'s own page with its data (a redirect elsewhere, or an empty page), or
    None when it is. A guest sent to log in (with ``next=`` this page) is shown the page guests get there."""
    shown = urlsplit(page.url).path
    if who == "guest" and shown == "/auth/login" and f"next={quote(urlsplit(url).path, safe='')}" in page.url:
        return None
    expected = REDIRECTS.get(endpoint)
    if expected is None and shown != urlsplit(url).path:
        return f"{endpoint} ({url}) redirected to {shown}: the walk would check that page, not this one"
    if expected is not None and not re.fullmatch(expected, shown):
        return f"{endpoint} ({url}) should lead to {expected}, not {shown}"
    missing = [selector for selector in CONTENT.get(endpoint, ()) if not page.locator(selector).count()]
    if missing:
        return f"{endpoint} ({url}) as {who} lacks {missing}: the page is checked without the data it shows"
    return None


def _quizapp(env: dict[str, str], *args: str) -> None:
    script = Path(sys.executable).parent / "quizapp"
    subprocess.run([str(script), *args], env=env, check=True, capture_output=True, timeout=60)


def answer_until_results(page: Page) -> int:
    """Answer whatever questions come (first option, or each select's first choice) until the results page;
    returns the attempt id."""
    for _ in range(40):
        if re.search(r"/quiz/\d+/results$", page.url):
            return int(re.search(r"/quiz/(\d+)/results$", page.url).group(1))
        form = page.locator("form[data-question]")
        if form.count():
            selects = form.locator("select")
            for i in range(selects.count()):
                selects.nth(i).select_option(index=1)
            labels = form.locator(".options label")
            if labels.count():
                labels.first.click()
            texts = form.locator("textarea, input[type=text], input[type=number]")
            for i in range(texts.count()):
                texts.nth(i).fill("1")
            with page.expect_navigation():
                form.get_by_role("button", name=re.compile("Submit answer|Save|Next", re.I)).first.click()
            continue
        onward = page.locator("[data-next]").or_(page.get_by_role("link", name=re.compile(
            "Next question|See your results|Review and submit", re.I))).or_(page.get_by_role(
                "button", name=re.compile("Submit (the )?quiz|Submit all", re.I)))
        if not onward.count():
            headings = " | ".join(page.locator("h1, h2").all_inner_texts())
            raise AssertionError(f"answering a quiz: no question and no way on at {page.url} ({headings})")
        with page.expect_navigation():
            onward.first.click()
    raise AssertionError(f"never reached the results page; stuck at {page.url}")


def _answer_and_flag_one(learner: Page) -> int:
    """Start an answers-at-the-end quiz, answer question 1 and flag it; returns the attempt id."""
    start_quiz(learner, ("classify", "truefalse"), length=5, feedback="At the end, on the results page")
    attempt_id = int(re.search(r"/quiz/(\d+)$", learner.url).group(1))
    learner.locator("form[data-question] .options label").first.click()
    learner.get_by_role("button", name="Submit answer").click()
    expect(learner.locator("#quiz-progress")).to_have_text(re.compile(r"^Question 2 of"))
    learner.goto(f"/quiz/{attempt_id}/q/1")
    learner.get_by_role("button", name="Flag for review").click()
    expect(learner.get_by_role("button", name="Remove the flag")).to_be_visible()
    return attempt_id


def _launched_from_an_lms(database_url: str, username: str, assignment_id: int) -> None:
    """What a launch from an LMS leaves behind: a registered platform, the assignment placed in a course with a
    line item, and the learner as its grade target; so the learner's finished attempt queues a score, and the
    LMS pages (platforms, the assignment's scores) show rows rather than their empty state."""
    from sqlalchemy import select

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.lti.models import LtiGradeTarget, LtiPlatform, LtiResourceLink
    from quizapp.models import User

    with tempfile.TemporaryDirectory(prefix="quizapp-lti-") as tmp:
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "e2e", "INSTANCE_PATH": tmp})
        with app.app_context():
            user_id = db.session.execute(select(User.id).filter_by(username=username)).scalar_one()
            lms = "https://moodle.phone-check.example/a-long-path-to-the-platform"
            platform = LtiPlatform(name="Moodle of the phone check, a name long enough to wrap", issuer=lms,
                                   client_id="phone-check-client-0123456789abcdef", auth_login_url=f"{lms}/auth.php",
                                   auth_token_url=f"{lms}/token.php", key_set_url=f"{lms}/certs.php",
                                   deployment_ids=["1"])
            db.session.add(platform)
            db.session.flush()
            link = LtiResourceLink(platform_id=platform.id, resource_link_id="phone-check-link",
                                   assignment_id=assignment_id, lineitem_url=f"{lms}/lineitems/1", ags_scopes=[])
            db.session.add(link)
            db.session.flush()
            db.session.add(LtiGradeTarget(resource_link_id=link.id, user_id=user_id, sub="phone-check-learner"))
            db.session.commit()
        with app.app_context():
            db.engine.dispose()


def _upload(teacher: Page, gift_text: str, import_it: bool) -> str:
    """Upload a GIFT bank through the form; import it, or leave it waiting on its preview. Returns its slug."""
    slug = unique_username("ph").replace("_", "-")
    with tempfile.TemporaryDirectory() as tmp:
        gift = Path(tmp) / f"{slug}.gift"
        gift.write_text(gift_text, encoding="utf-8")
        return upload_bank(teacher, gift, slug, import_it)


def _take(learner: Page, share: str) -> int:
    learner.goto(share)
    learner.get_by_role("button", name=re.compile(r"Start attempt")).first.click()
    return answer_until_results(learner)


def build_site(browser: Browser, base_url: str, database_url: str) -> Site:
    """A learner with a finished quiz, a quiz in progress and a rated flashcard; an instructor with an uploaded
    bank, a pending upload and an assignment the learner has taken (and, where the app grades essays, an essay
    the learner answered); and a guest."""
    endpoints = {rule.endpoint for rule in page_rules()}
    contexts = [new_context(browser, base_url) for _ in range(3)]
    learner_ctx, instructor_ctx, guest_ctx = contexts
    learner, teacher = learner_ctx.new_page(), instructor_ctx.new_page()
    guest_ctx.new_page().close()

    learner_name = unique_username("phone")
    register(learner, learner_name)
    start_quiz(learner, ("classify", "truefalse"), length=5)
    finished = answer_until_results(learner)
    start_quiz(learner, ("match",), length=5)
    open_attempt = int(re.search(r"/quiz/(\d+)$", learner.url).group(1))
    end_attempt = _answer_and_flag_one(learner)
    learner.goto(f"/cards/{DEFAULT_BANK}/review")
    learner.get_by_role("link", name="Show answer").or_(learner.get_by_role("button", name="Show answer")).click()
    learner.get_by_role("button", name=re.compile("Good")).click()

    teacher_name = unique_username("pteach")
    env = {**os.environ, "DATABASE_URL": database_url, "QUIZAPP_PASSWORD": PASSWORD, "SECRET_KEY": "e2e"}
    _quizapp(env, "create-user", teacher_name, "--instructor", "--display-name", "Phone Check Teacher")
    log_in(teacher, teacher_name)
    bank_slug = _upload(teacher, GIFT, import_it=True)
    _upload(teacher, GIFT, import_it=False)  # waits on its preview page
    upload_id = int(re.search(r"/instructor/uploads/(\d+)", teacher.url).group(1))
    assignment_id, share = create_assignment(teacher, bank_slug,
                                             "Phone check: a title long enough to wrap on a small screen", 3)
    code = share.rstrip("/").rsplit("/", 1)[-1]
    _launched_from_an_lms(database_url, learner_name, assignment_id)
    assignment_attempt = _take(learner, share)

    essay_assignment_id = essay_answer_id = None
    if GRADING_ROUTE in endpoints:
        essay_assignment_id, essay_share = create_assignment(
            teacher, _upload(teacher, ESSAY_GIFT, import_it=True), "Phone check: an essay", 1)
        _take(learner, essay_share)
        teacher.goto(f"/instructor/assignments/{essay_assignment_id}/grading")
        link = teacher.locator("main a[href*='/grading/']").first.get_attribute("href") or ""
        essay_answer_id = int(re.search(r"/grading/(\d+)$", link).group(1))
    learner.close()
    teacher.close()
    return Site(learner=learner_ctx, instructor=instructor_ctx, guest=guest_ctx, bank_slug=bank_slug,
                upload_id=upload_id, assignment_id=assignment_id, assignment_code=code,
                assignment_attempt_id=assignment_attempt, finished_attempt_id=finished,
                open_attempt_id=open_attempt, end_attempt_id=end_attempt, essay_assignment_id=essay_assignment_id,
                essay_answer_id=essay_answer_id, contexts=contexts)


PUBLIC_ARGUMENTS = {"slug", "code"}  # a guest may open these; an attempt of the learner's is a 404 for anyone else


def visits(rules: list[Rule]) -> list[tuple[str, str]]:
    """(endpoint, who) for every page: each by its visitor, and learners' pages that take no one's own data by a
    guest as well (they differ for guests: notes, log-in links)."""
    out = []
    for rule in rules:
        who = visitor(rule.endpoint)
        out.append((rule.endpoint, who))
        if who == "learner" and set(rule.arguments) <= PUBLIC_ARGUMENTS:
            out.append((rule.endpoint, "guest"))
    return out
