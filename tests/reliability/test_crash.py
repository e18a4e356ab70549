"""Crash safety: kill -9 the whole gunicorn process group in the middle of the load, restart, check the data.

Clients keep answering (starting a new quiz when one is done; an answers-at-the-end quiz is submitted on its
summary page once all is answered, and a submission cut by the kill may or may not have finished it) until
the master and its workers are SIGKILLed together. Every answer that got an acknowledgement before the kill
must survive, the database must be intact (SQLite: PRAGMA integrity_check; PostgreSQL: amcheck when
available), every score must add up, and after the restart the app serves /healthz and quizzes again,
including the attempts that were in progress (the sessions outlive the process: SECRET_KEY is fixed).
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.helpers import (
    Browser,
    Ledger,
    Server,
    consistency_problems,
    current_answer_form,
    finish_quiz,
    http_get,
    integrity_problems,
    missing_acknowledged,
    process_group_members,
    start_quiz,
    submit,
)

pytestmark = pytest.mark.slow  # real gunicorn servers

CLIENTS = 12
ROUNDS = 2  # load, kill -9, restart; twice on the same database
QUIZ_LENGTH = 5
ROUND_TIME_LIMIT = 10.0  # seconds of load per round at most
ON_LINUX = Path("/proc/self/stat").exists()  # process_group_members reads /proc


class Client:
    """A guest answering quiz after quiz; keeps its cookies (and its open attempt) across server restarts."""

    def __init__(self, server: Server, index: int):
        self.browser = Browser(server.base_url, timeout=10)
        self.rng = random.Random(index)
        self.attempt_id: int | None = None
        self.feedback = "immediate"

    def run(self, ledger: Ledger, stop: threading.Event, deadline: float) -> None:
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                if self.attempt_id is None:
                    self.feedback = self.rng.choice(["immediate", "end"])
                    self.attempt_id = start_quiz(self.browser, QUIZ_LENGTH, feedback=self.feedback)
                    ledger.attempts.add(self.attempt_id)
                form = current_answer_form(self.browser, self.attempt_id, self.rng)
                if form is None:  # every question answered: answers at the end are submitted on the summary
                    finish_quiz(self.browser, self.attempt_id, self.feedback, ledger)
                    self.attempt_id = None
                else:
                    submit(self.browser, form, ledger)
        except (OSError, http.client.HTTPException) as exc:  # the server died under us: outcome unknown
            ledger.transport_error(exc)


def load_then_kill(server: Server, clients: list[Client], ledger: Ledger, rng: random.Random) -> list[int]:
    """Run every client until some more answers are acknowledged, then SIGKILL master and workers at once."""
    stop = threading.Event()
    deadline = time.monotonic() + ROUND_TIME_LIMIT
    target = len(ledger.acknowledged) + rng.randrange(20, 60)
    with ThreadPoolExecutor(len(clients)) as pool:
        futures = [pool.submit(client.run, ledger, stop, deadline) for client in clients]
        while len(ledger.acknowledged) < target and time.monotonic() < deadline:
            time.sleep(0.01)  # watching counters that other threads move
        killed = server.kill()
        stop.set()
        for future in futures:
            future.result(timeout=30)
    return killed


def test_kill_9_mid_load_loses_no_acknowledged_answer(server: Server) -> None:
    rng = random.Random(20240607)
    ledger = Ledger()
    clients = [Client(server, i) for i in range(CLIENTS)]
    pgid = server.proc.pid
    started = time.monotonic()
    for round_number in range(1, ROUNDS + 1):
        before = len(ledger.acknowledged)
        killed = load_then_kill(server, clients, ledger, rng)
        if ON_LINUX:
            assert len(killed) >= 3, f"expected the master and 2 workers in the process group, got {killed}"
        assert process_group_members(pgid) == [], "a gunicorn process survived SIGKILL of its group"
        assert len(ledger.acknowledged) > before, f"round {round_number}: no answer acknowledged before the kill"
        server.restart()
        pgid = server.proc.pid
        assert integrity_problems(server.database) == [], f"after kill {round_number}"
        assert missing_acknowledged(server.database, ledger.acknowledged) == [], f"after kill {round_number}"
        assert consistency_problems(server.database, ledger) == [], f"after kill {round_number}"
    print(f"{ROUNDS} kills in {time.monotonic() - started:.1f} s: {ledger.summary()}")

    assert not ledger.problems, "\n".join(ledger.problems[:30])
    assert sum(ledger.transport_errors.values()) >= ROUNDS, "the kills should have cut requests in flight"
    assert all(status < 500 for status in ledger.statuses), ledger.summary()

    # The restarted server works: health, a new quiz, and a quiz that was in progress at the last kill.
    health = http_get(server.base_url, "/healthz")
    assert (health.status, health.json()["status"]) == (200, "ok")
    newcomer = Browser(server.base_url)
    attempt_id = start_quiz(newcomer, QUIZ_LENGTH)
    form = current_answer_form(newcomer, attempt_id, rng)
    assert form is not None and form.position == 1
    assert submit(newcomer, form, ledger).status == 302
    for resumed in [c for c in clients if c.attempt_id is not None][:3]:
        form = current_answer_form(resumed.browser, resumed.attempt_id, rng)
        if form is not None:  # its in-flight answer may have been the last one
            assert submit(resumed.browser, form, ledger).status == 302
        else:
            finish_quiz(resumed.browser, resumed.attempt_id, resumed.feedback, ledger)
    assert not ledger.problems, ledger.problems
    assert missing_acknowledged(server.database, ledger.acknowledged) == []
    assert consistency_problems(server.database, ledger) == []
    assert server.log_problems() == []
