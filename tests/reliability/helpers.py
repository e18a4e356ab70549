"""Reliability test helpers: a real gunicorn server, a tiny cookie-keeping HTTP client, database checks.

Only the standard library and what quizapp itself depends on (gunicorn, psycopg, SQLAlchemy's URL
parsing): the tests must run where only ``.[test]`` is installed.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

SERVER_START_TIMEOUT = 90.0  # gunicorn boots slowly when the machine is busy
GRACEFUL_TIMEOUT = 30  # gunicorn --graceful-timeout: how long workers may finish in-flight requests (a killed
# worker shows as a shutdown that lasted this long; generous, so a loaded machine is not mistaken for one)
REQUEST_TIMEOUT = 20.0
BANK = "llm-vs-genai"
ALL_KINDS = ["classify", "match", "method", "truefalse", "organization", "modality", "dimension"]
NO_MATCH_KINDS = [k for k in ALL_KINDS if k != "match"]  # every question has a "choice" radio with >= 2 options
# What a server log must never show during these tests.
LOG_PROBLEMS = ("database is locked", "Traceback", "Unhandled error", "WORKER TIMEOUT", "OperationalError")


# --------------------------------------------------------------------------------------------- database


class Database:
    """The server's database: a fresh SQLite file, or a fresh PostgreSQL database; queried directly."""

    def __init__(self, url: str):
        self.url = url
        self.kind = "sqlite" if url.startswith("sqlite") else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def connect(self) -> Any:
        if self.kind == "sqlite":
            return sqlite3.connect(self.sqlite_path, timeout=10)
        import psycopg

        return psycopg.connect(psycopg_conninfo(self.url), autocommit=True, connect_timeout=10)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            cursor = conn.cursor()
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            conn.close()


def psycopg_conninfo(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://...`` -> ``postgresql://...`` for psycopg itself."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", sqlalchemy_url)


def create_postgres_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``admin_url``; return its SQLAlchemy URL."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    with psycopg.connect(psycopg_conninfo(admin_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(psycopg_conninfo(admin_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


ANSWERS_PER_QUESTION = """
    SELECT aq.attempt_id, aq.position, COUNT(a.id)
    FROM attempt_questions aq JOIN answers a ON a.attempt_question_id = aq.id
    GROUP BY aq.attempt_id, aq.position
"""
ATTEMPT_TOTALS = """
    SELECT qa.id, qa.score, qa.question_count, CASE WHEN qa.finished_at IS NULL THEN 0 ELSE 1 END,
           CASE WHEN qa.feedback = 'immediate' THEN 0 ELSE 1 END,
           CASE WHEN qa.finished_at = qa.deadline OR qa.finished_at = asg.closes_at THEN 1 ELSE 0 END,
           COUNT(DISTINCT aq.id), COUNT(a.id), COALESCE(SUM(a.score), 0)
    FROM quiz_attempts qa
    LEFT JOIN assignments asg ON asg.id = qa.assignment_id
    LEFT JOIN attempt_questions aq ON aq.attempt_id = qa.id
    LEFT JOIN answers a ON a.attempt_question_id = aq.id
    GROUP BY qa.id, qa.score, qa.question_count, qa.finished_at, qa.feedback, qa.deadline, asg.closes_at
"""


def answers_per_question(database: Database) -> dict[tuple[int, int], int]:
    """(attempt id, position) -> how many answer rows that question has."""
    return {(attempt, position): count for attempt, position, count in database.query(ANSWERS_PER_QUESTION)}


def consistency_problems(database: Database, ledger: Ledger) -> list[str]:
    """Every attempt's score is the sum of its answers, and every answered question has exactly one answer row
    (graded once). When an attempt is finished depends on its mode:

    * immediate feedback: finished exactly when every question is answered (its last answer finishes it);
    * answers at the end: finished exactly when submitted (a submission ``ledger`` saw acknowledged, or one
      whose reply never came, e.g. cut by a kill) or when its time limit or assignment ended it (its
      ``finished_at`` is that deadline); never by its last answer, and a submission always finishes it.
    """
    problems = []
    rows = database.query(ATTEMPT_TOTALS)
    for attempt, score, question_count, finished, at_the_end, expired, questions, answered, total in rows:
        if questions != question_count:
            problems.append(f"attempt {attempt}: question_count {question_count} but {questions} questions stored")
        if abs(float(score) - float(total)) > 1e-6:
            problems.append(f"attempt {attempt}: score {score} but its answers add up to {total}")
        if answered > question_count:
            problems.append(f"attempt {attempt}: {answered} answers for {question_count} questions")
        if not at_the_end:
            if finished and answered != question_count:
                problems.append(f"attempt {attempt}: finished with {answered} of {question_count} questions answered")
            if not finished and answered == question_count:
                problems.append(f"attempt {attempt}: all {answered} questions answered but not finished")
            continue
        if finished and not expired and attempt not in ledger.submits_posted:
            problems.append(f"attempt {attempt} (answers at the end): finished with {answered} of {question_count} "
                            "questions answered but never submitted")
        if not finished and attempt in ledger.submitted:
            problems.append(f"attempt {attempt} (answers at the end): its submission was acknowledged but it is "
                            "not finished")
    attempts = {row[0] for row in rows}
    unknown = sorted(ledger.submits_posted - attempts)
    if unknown:
        problems.append(f"submissions posted for attempts not in the database: {unknown[:10]}")
    for (attempt, position), count in answers_per_question(database).items():
        if count != 1:
            problems.append(f"attempt {attempt} question {position}: {count} answers stored")
    return problems


def integrity_problems(database: Database) -> list[str]:
    """SQLite: PRAGMA integrity_check and foreign_key_check. PostgreSQL: amcheck on every B-tree index.

    A killed *client* process cannot corrupt a PostgreSQL server, so there the data checks matter most;
    amcheck is used when the server lets us create the extension, otherwise nothing is checked here.
    """
    if database.kind == "sqlite":
        problems = [f"integrity_check: {row[0]}" for row in database.query("PRAGMA integrity_check")
                    if row[0] != "ok"]
        problems += [f"foreign_key_check: {row}" for row in database.query("PRAGMA foreign_key_check")]
        mode = database.query("PRAGMA journal_mode")[0][0]
        if mode != "wal":
            problems.append(f"journal_mode is {mode}, not wal")
        return problems
    import psycopg

    conn = database.connect()
    try:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except psycopg.Error:
            return []
        indexes = conn.execute("""
            SELECT c.relname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE am.amname = 'btree' AND n.nspname = 'public'""").fetchall()
        problems = []
        for (name,) in indexes:
            try:
                conn.execute("SELECT bt_index_check(%s::regclass, true)", (name,))
            except psycopg.Error as exc:
                problems.append(f"amcheck {name}: {exc}")
        return problems
    finally:
        conn.close()


def missing_acknowledged(database: Database, acknowledged: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Acknowledged answers that are not in the database exactly once."""
    stored = answers_per_question(database)
    return sorted(key for key in set(acknowledged) if stored.get(key) != 1)


# --------------------------------------------------------------------------------------------- server


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quizapp_command() -> list[str]:
    """The venv's ``quizapp`` script, else the same commands through ``python -m flask --app quizapp``."""
    script = Path(sys.executable).parent / "quizapp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "flask", "--app", "quizapp"]


def gunicorn_command(port: int, workers: int = 2, threads: int = 1) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--graceful-timeout", str(GRACEFUL_TIMEOUT), "--timeout", "30"]
    if threads > 1:
        command += ["--threads", str(threads)]  # gthread workers
    from gunicorn.config import KNOWN_SETTINGS

    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        command.append("--no-control-socket")  # gunicorn >= 25 would otherwise share one socket path
    return [*command, "quizapp:create_app()"]


def process_group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group ``pgid`` (Linux /proc; empty elsewhere)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (the gunicorn workers of a master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


class Server:
    """A real gunicorn process (master + 2 sync workers by default) serving quizapp on one database."""

    def __init__(self, database: Database, workdir: Path, workers: int = 2, threads: int = 1):
        self.database = database
        self.workdir = workdir
        self.workers_count, self.threads = workers, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "QUIZAPP_"))}
        self.env.update({"DATABASE_URL": database.url, "SECRET_KEY": "reliability-secret-key",
                         "PYTHONUNBUFFERED": "1"})

    def init_db(self) -> None:
        done = subprocess.run([*quizapp_command(), "init-db"], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"`quizapp init-db` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        """Start gunicorn (in its own process group) and wait until /healthz answers 200."""
        assert self.proc is None or self.proc.poll() is not None, "the server is already running"
        with open(self.log_path, "ab") as log:
            log.write(f"\n==== starting gunicorn on {self.base_url}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(gunicorn_command(self.port, self.workers_count, self.threads), env=self.env,
                                         cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                if http_get(self.base_url, "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {self.proc.returncode}" if self.proc.poll() is not None else \
                    f"did not answer /healthz within {SERVER_START_TIMEOUT:.0f} s"
                self.kill()
                raise RuntimeError(f"gunicorn {state}:\n{self.log()}")
            time.sleep(0.1)  # polling a starting process; there is nothing to wait on yet

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def workers(self) -> list[int]:
        return children(self.proc.pid) if self.running else []

    def terminate(self, timeout: float = GRACEFUL_TIMEOUT + 10) -> int:
        """SIGTERM to the master (graceful shutdown); wait for it and return its exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> list[int]:
        """SIGKILL the whole process group (master and workers) at once; return the pids that were alive."""
        if self.proc is None:
            return []
        members = process_group_members(self.proc.pid)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while process_group_members(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # orphaned workers are reaped by init; nothing to wait on
        return members

    def restart(self) -> None:
        """Start again on the same port and the same database (after kill or terminate)."""
        if self.running:
            self.terminate()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_problems(self) -> list[str]:
        return [line for line in self.log().splitlines() if any(p in line for p in LOG_PROBLEMS)]


# --------------------------------------------------------------------------------------------- HTTP client


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self) -> Any:
        return json.loads(self.body)


def http_get(base_url: str, path: str, timeout: float = REQUEST_TIMEOUT) -> Reply:
    return Browser(base_url, timeout).request("GET", path)


class Browser:
    """One user: its own cookies; one connection per request (gunicorn's sync workers close them anyway).

    Thread-safe, so two threads can submit the same answer from the same session at once.
    """

    def __init__(self, base_url: str, timeout: float = REQUEST_TIMEOUT):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(self, method: str, path: str, form: dict[str, Any] | None = None) -> Reply:
        headers, body = self.headers(), None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()  # IncompleteRead if the server died mid-response
        finally:
            conn.close()
        self.remember(response.headers.get_all("Set-Cookie") or [])
        return Reply(response.status, response.headers, data.decode("utf-8", "replace"))

    def headers(self) -> dict[str, str]:
        headers = {"Connection": "close"}
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def remember(self, set_cookies: list[str]) -> None:
        with self._lock:
            for header in set_cookies:
                name, _, value = header.split(";", 1)[0].strip().partition("=")
                if "max-age=0" in header.lower().replace(" ", "") or "1970" in header:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ACTION_RE = re.compile(r'action="(/quiz/(\d+)/answer/(\d+))"')
PAIR_RE = re.compile(r'name="(pair_\d+)"')
OPTION_RE = re.compile(r'<option value="\d+"')
RADIO_RE = re.compile(r'name="choice"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token in the page:\n{html[:2000]}"
    return match.group(1)


def start_quiz(browser: Browser, length: int, feedback: str = "immediate", kinds: list[str] | None = None) -> int:
    """Start a guest quiz through the real form (with its CSRF token); return the attempt id."""
    page = browser.request("GET", "/quiz/")
    assert page.status == 200, (page.status, page.body[:2000])
    reply = browser.request("POST", "/quiz/", {"bank": BANK, "kinds": kinds or ALL_KINDS, "length": length,
                                               "feedback": feedback, "csrf_token": csrf_token(page.body)})
    assert reply.status == 302, (reply.status, reply.body[:2000])
    return int(reply.location.rstrip("/").rsplit("/", 1)[1])


@dataclass
class AnswerForm:
    action: str
    attempt_id: int
    position: int
    data: dict[str, Any]


def current_answer_form(browser: Browser, attempt_id: int, rng: random.Random) -> AnswerForm | None:
    """The current question's form filled in with random (valid) choices; None when the quiz is done."""
    page = browser.request("GET", f"/quiz/{attempt_id}")
    if page.status == 302:
        return None
    assert page.status == 200, (page.status, page.body[:2000])
    match = ACTION_RE.search(page.body)
    assert match, page.body[:2000]
    data: dict[str, Any] = {"csrf_token": csrf_token(page.body)}
    pairs = PAIR_RE.findall(page.body)
    if pairs:
        options = len(OPTION_RE.findall(page.body)) // len(pairs)
        data.update({name: str(rng.randrange(options)) for name in pairs})
    else:
        data["choice"] = str(rng.randrange(len(RADIO_RE.findall(page.body))))
    return AnswerForm(match.group(1), int(match.group(2)), int(match.group(3)), data)


# --------------------------------------------------------------------------------------------- bookkeeping


@dataclass
class Ledger:
    """What the clients saw, shared by all client threads."""

    acknowledged: set[tuple[int, int]] = field(default_factory=set)  # (attempt id, position) that got a 2xx/3xx
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    attempts: set[int] = field(default_factory=set)
    submits_posted: set[int] = field(default_factory=set)  # attempts whose Submit was pressed (reply or not)
    submitted: set[int] = field(default_factory=set)  # of those, the ones whose submission was acknowledged
    notes: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, what: str, reply: Reply) -> None:
        with self.lock:
            self.statuses[reply.status] += 1
            if reply.status >= 500:
                self.problems.append(f"{what}: {reply.status} {reply.body[:300]!r}")
            if "database is locked" in reply.body.lower():
                self.problems.append(f"{what}: 'database is locked' in the response")

    def ack(self, attempt_id: int, position: int) -> None:
        with self.lock:
            self.acknowledged.add((attempt_id, position))

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def note(self, text: str) -> None:
        with self.lock:
            self.notes[text] += 1

    def transport_error(self, exc: BaseException) -> None:
        with self.lock:
            self.transport_errors[type(exc).__name__] += 1

    def posting_submit(self, attempt_id: int) -> None:
        with self.lock:
            self.submits_posted.add(attempt_id)

    def acknowledged_submit(self, attempt_id: int) -> None:
        with self.lock:
            self.submitted.add(attempt_id)

    def summary(self) -> str:
        return (f"statuses {dict(sorted(self.statuses.items()))}, {len(self.acknowledged)} answers acknowledged, "
                f"{len(self.attempts)} attempts, {len(self.submitted)} submitted, "
                f"transport errors {dict(self.transport_errors)}, notes {dict(self.notes)}")


def submit(browser: Browser, form: AnswerForm, ledger: Ledger) -> Reply:
    """POST one answer and book the outcome: a 2xx/3xx is an acknowledgement, 409 a refused duplicate."""
    reply = browser.request("POST", form.action, form.data)
    ledger.saw(form.action, reply)
    if 200 <= reply.status < 400:
        ledger.ack(form.attempt_id, form.position)
    elif reply.status != 409:
        ledger.problem(f"{form.action}: unexpected {reply.status} {reply.body[:300]!r}")
    return reply


def summary_token(browser: Browser, attempt_id: int, ledger: Ledger) -> str | None:
    """Open an answers-at-the-end attempt's Review and submit page; its CSRF token, or None if it is not there
    (already finished: the page redirects to the results)."""
    page = browser.request("GET", f"/quiz/{attempt_id}/summary")
    ledger.saw(f"/quiz/{attempt_id}/summary", page)
    if page.status == 302 and page.location.endswith(f"/quiz/{attempt_id}/results"):
        return None
    if page.status != 200 or "Submit all and finish" not in page.body:
        ledger.problem(f"summary of {attempt_id}: {page.status} {page.body[:300]!r}")
        return None
    return csrf_token(page.body)


def submit_quiz(browser: Browser, attempt_id: int, token: str, ledger: Ledger) -> Reply:
    """Press *Submit all and finish*; booked as posted before it is sent (a kill may cut the reply), and as
    acknowledged on the redirect to the results. Pressing it again, or at the same instant, is a 302 too."""
    ledger.posting_submit(attempt_id)
    reply = browser.request("POST", f"/quiz/{attempt_id}/submit", {"csrf_token": token})
    ledger.saw(f"/quiz/{attempt_id}/submit", reply)
    if reply.status == 302 and reply.location.endswith(f"/quiz/{attempt_id}/results"):
        ledger.acknowledged_submit(attempt_id)
    else:
        ledger.problem(f"submit {attempt_id}: unexpected {reply.status} {reply.location} {reply.body[:300]!r}")
    return reply


def finish_quiz(browser: Browser, attempt_id: int, feedback: str, ledger: Ledger) -> None:
    """After the last answer. An immediate-feedback quiz was finished by it: its page leads to the results. An
    answers-at-the-end quiz was not: its page leads to Review and submit, where it is submitted. Anything else
    (an answers-at-the-end quiz that finished by itself) is booked as a problem."""
    onward = browser.request("GET", f"/quiz/{attempt_id}")
    ledger.saw(f"/quiz/{attempt_id}", onward)
    expected = "summary" if feedback != "immediate" else "results"
    if attempt_id in ledger.submits_posted and onward.location.endswith(f"/quiz/{attempt_id}/results"):
        return  # a submission whose reply was cut (a kill) did finish it
    if onward.status != 302 or not onward.location.endswith(f"/quiz/{attempt_id}/{expected}"):
        ledger.problem(f"{feedback} quiz {attempt_id} after its last answer: {onward.status} {onward.location!r}, "
                       f"not the {expected} page")
        return
    if expected == "summary":
        token = summary_token(browser, attempt_id, ledger)
        if token is None:
            ledger.problem(f"quiz {attempt_id}: no Review and submit page after its last answer")
        else:
            submit_quiz(browser, attempt_id, token, ledger)
