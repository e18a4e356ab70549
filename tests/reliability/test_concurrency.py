"""Many concurrent clients answering against a real gunicorn: every acknowledged answer stored exactly once.

Four kinds of client run at the same time, each a guest with its own cookies who starts its quiz through
the form with its CSRF token:

* walkers answer their quiz page by page, as a browser does; an answers-at-the-end quiz then waits on its
  Review and submit page (it must not finish by itself) and the walker presses Submit there;
* some walkers submit one answer twice at the same instant from two threads (a double click on two tabs):
  exactly one acknowledgement and one 409, never a 500; those with answers at the end also press Submit twice
  at the same instant: both are sent to the results, and the attempt is finished and graded once;
* bursters post every question of their quiz at once from several threads, so answers to the same attempt
  race each other (the score must still add up), then submit twice at once;
* racers answer everything, then change every answer while pressing Submit twice, all at the same instant:
  each change lands before the submission (and counts) or is refused with a 409 (and changes nothing).

Then the database itself is checked (sqlite3 on the file, or psycopg): one row per acknowledged answer and
none for unacknowledged ones, every score equals the sum of its answers, immediate-feedback attempts finished
exactly when complete and answers-at-the-end attempts exactly when submitted.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.helpers import (
    NO_MATCH_KINDS,
    AnswerForm,
    Browser,
    Database,
    Ledger,
    Server,
    answers_per_question,
    consistency_problems,
    current_answer_form,
    finish_quiz,
    start_quiz,
    submit,
    submit_quiz,
    summary_token,
)

pytestmark = pytest.mark.slow  # real gunicorn servers

WALKERS = 18
DOUBLE_SUBMITTERS = 8  # of the walkers, these submit one answer twice at once
BURSTERS = 6
RACERS = 6
QUIZ_LENGTH = 6
LOAD_TIME_LIMIT = 40.0  # seconds; the whole load normally takes a few
# record_answer's message when the unique key (not the "already answered" check) refused the duplicate
RACE_LOST = "has already been answered.<"


def walker(server: Server, index: int, ledger: Ledger, deadline: float, duplicates: list[list[int]],
           double_submitter: bool) -> int:
    """Answer a quiz page by page; a double submitter posts its 2nd answer (and Submit) from two threads at once."""
    rng = random.Random(index)
    browser = Browser(server.base_url)
    feedback = rng.choice(["immediate", "end"])
    attempt_id = start_quiz(browser, QUIZ_LENGTH, feedback=feedback)
    ledger.attempts.add(attempt_id)
    for _ in range(QUIZ_LENGTH + 1):
        if time.monotonic() > deadline:
            ledger.problem(f"walker {index}: out of time")
            break
        form = current_answer_form(browser, attempt_id, rng)
        if form is None:
            break
        if double_submitter and form.position == 2:
            duplicates.append(double_submit(browser, form, ledger))
        else:
            reply = submit(browser, form, ledger)
            if reply.status == 409:
                ledger.problem(f"walker {index}: 409 for a first answer: {reply.body[:300]!r}")
    if double_submitter and feedback == "end":
        token = summary_token(browser, attempt_id, ledger)
        if token is None:
            ledger.problem(f"walker {index}: no Review and submit page after the last answer")
        else:
            statuses = at_once([lambda: submit_quiz(browser, attempt_id, token, ledger).status] * 2)
            if statuses != [302, 302]:
                ledger.problem(f"walker {index}: Submit pressed twice at once gave {statuses}")
    else:
        finish_quiz(browser, attempt_id, feedback, ledger)
    return attempt_id


def double_submit(browser: Browser, form: AnswerForm, ledger: Ledger) -> list[int]:
    """The same answer from two threads of the same session, released together by a barrier."""
    barrier = threading.Barrier(2, timeout=10)
    statuses: list[int] = []

    def post() -> None:
        barrier.wait()
        reply = submit(browser, form, ledger)
        statuses.append(reply.status)
        if reply.status == 409 and RACE_LOST in reply.body:
            ledger.note("duplicate refused by the unique key")

    other = threading.Thread(target=post)
    other.start()
    post()
    other.join(timeout=30)
    return sorted(statuses)


def at_once(posts: list[Callable[[], int]]) -> list[int]:
    """Run every post from its own thread, released together by a barrier; their statuses, sorted."""
    barrier = threading.Barrier(len(posts), timeout=10)

    def post(send: Callable[[], int]) -> int:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(len(posts)) as pool:
        return sorted(pool.map(post, posts))


def burster(server: Server, index: int, ledger: Ledger) -> int:
    """Post every question of a quiz concurrently (questions without match items all take ``choice``)."""
    rng = random.Random(1000 + index)
    browser = Browser(server.base_url)
    attempt_id = start_quiz(browser, QUIZ_LENGTH, feedback="end", kinds=NO_MATCH_KINDS)
    ledger.attempts.add(attempt_id)
    token = current_answer_form(browser, attempt_id, rng).data["csrf_token"]
    forms = [AnswerForm(f"/quiz/{attempt_id}/answer/{position}", attempt_id, position,
                        {"csrf_token": token, "choice": str(rng.randrange(2))})
             for position in range(1, QUIZ_LENGTH + 1)]
    with ThreadPoolExecutor(len(forms)) as pool:
        replies = list(pool.map(lambda form: submit(browser, form, ledger), forms))
    refused = [r.status for r in replies if r.status == 409]
    if refused:
        ledger.problem(f"burster {index}: answers to different questions refused: {refused}")
    pending = browser.request("GET", f"/quiz/{attempt_id}/results")  # all answered, not submitted: not finished
    if not pending.location.endswith(f"/quiz/{attempt_id}/summary"):
        ledger.problem(f"burster {index}: results before submitting: {pending.status} {pending.location!r}")
    submitted = at_once([lambda: submit_quiz(browser, attempt_id, token, ledger).status] * 2)
    if submitted != [302, 302]:
        ledger.problem(f"burster {index}: Submit pressed twice at once gave {submitted}")
    results = browser.request("GET", f"/quiz/{attempt_id}/results")  # finished: no redirect loop
    ledger.saw("results", results)
    if results.status != 200:
        ledger.problem(f"burster {index}: results page {results.status}")
    return attempt_id


# What the change route answers when the submission came first.
CHANGE_TOO_LATE = "already finished"


def racer(server: Server, index: int, ledger: Ledger) -> int:
    """Answer every question, then change every answer and press Submit twice, all at the same instant."""
    rng = random.Random(2000 + index)
    browser = Browser(server.base_url)
    attempt_id = start_quiz(browser, QUIZ_LENGTH, feedback="end", kinds=NO_MATCH_KINDS)
    ledger.attempts.add(attempt_id)
    while (form := current_answer_form(browser, attempt_id, rng)) is not None:
        if submit(browser, form, ledger).status != 302:
            ledger.problem(f"racer {index}: answer {form.position} refused")
            return attempt_id
    token = summary_token(browser, attempt_id, ledger)
    if token is None:
        ledger.problem(f"racer {index}: no Review and submit page after the last answer")
        return attempt_id

    def change(position: int) -> Callable[[], int]:
        def send() -> int:
            path = f"/quiz/{attempt_id}/change/{position}"
            reply = browser.request("POST", path, {"csrf_token": token, "choice": str(rng.randrange(2))})
            ledger.saw(path, reply)
            if reply.status == 302:
                ledger.note("change before the submission")
            elif reply.status == 409 and CHANGE_TOO_LATE in reply.body:
                ledger.note("change after the submission refused")
            else:
                ledger.problem(f"racer {index}: {path}: {reply.status} {reply.body[:300]!r}")
            return reply.status
        return send

    posts = [change(position) for position in range(1, QUIZ_LENGTH + 1)]
    posts += [lambda: submit_quiz(browser, attempt_id, token, ledger).status] * 2
    at_once(posts)
    return attempt_id


def run_load(server: Server, walkers: int, bursters: int, double_submitters: int, racers: int = RACERS) -> None:
    """All four kinds of client at once, then check every response and the database itself."""
    ledger = Ledger()
    duplicates: list[list[int]] = []
    started = time.monotonic()
    deadline = started + LOAD_TIME_LIMIT
    with ThreadPoolExecutor(walkers + bursters + racers) as pool:
        futures = [pool.submit(walker, server, i, ledger, deadline, duplicates, i < double_submitters)
                   for i in range(walkers)]
        futures += [pool.submit(burster, server, i, ledger) for i in range(bursters)]
        futures += [pool.submit(racer, server, i, ledger) for i in range(racers)]
        attempts = []
        for future in futures:
            try:
                attempts.append(future.result(timeout=LOAD_TIME_LIMIT + 20))
            except AssertionError as exc:  # e.g. a 500 when starting the quiz
                ledger.problem(f"client failed: {str(exc)[:300]}")
    elapsed = time.monotonic() - started
    print(f"{len(futures)} clients in {elapsed:.1f} s: {ledger.summary()}")

    logged = sorted({line for line in server.log_problems() if "Error" in line})
    assert not logged, "the server logged errors:\n" + "\n".join(logged)
    assert server.log_problems() == []
    assert not ledger.transport_errors, ledger.summary()
    assert not ledger.problems, "\n".join(ledger.problems[:30])
    assert all(status < 500 for status in ledger.statuses), ledger.summary()
    assert duplicates == [[302, 409]] * double_submitters, duplicates

    stored = answers_per_question(server.database)
    assert set(stored) == ledger.acknowledged, (
        f"acknowledged but not stored: {sorted(ledger.acknowledged - set(stored))[:20]}; "
        f"stored but never acknowledged: {sorted(set(stored) - ledger.acknowledged)[:20]}")
    assert len(ledger.acknowledged) == len(attempts) * QUIZ_LENGTH  # every client finished its quiz
    assert consistency_problems(server.database, ledger) == []
    finished = server.database.query("SELECT COUNT(*) FROM quiz_attempts WHERE finished_at IS NOT NULL")[0][0]
    assert finished == len(attempts)
    at_the_end = {row[0] for row in server.database.query("SELECT id FROM quiz_attempts WHERE feedback = 'end'")}
    assert ledger.submitted == ledger.submits_posted == at_the_end, ledger.summary()  # Submit only where needed


def test_concurrent_answers_are_stored_exactly_once(server: Server) -> None:
    run_load(server, WALKERS, BURSTERS, DOUBLE_SUBMITTERS)


@pytest.mark.skipif(os.environ.get("QUIZAPP_RELIABILITY_OVERLOAD") != "1",
                    reason="set QUIZAPP_RELIABILITY_OVERLOAD=1: ~25 s of 48 concurrent request handlers")
def test_no_locked_database_under_overload(database: Database, tmp_path: Path) -> None:
    """Far more concurrent handlers than cores (6 workers x 8 threads on 2 cores, 120 clients).

    SQLite's busy handler is not fair: a writer polling every 100 ms can lose the lock to newcomers for
    seconds. With a 5 s busy_timeout this gave 3-8 "database is locked" 500s per run on a 2-core machine.
    """
    server = Server(database, tmp_path, workers=6, threads=8)
    server.init_db()
    server.start()
    try:
        run_load(server, walkers=90, bursters=30, double_submitters=45)
    finally:
        server.kill()
