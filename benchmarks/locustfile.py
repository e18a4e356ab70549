"""Locust users for ``benchmarks/load.py`` (run by ``locust_driver.py``; usable alone with ``locust -f``).

Three user classes, picked on the locust command line:

* ``HelloUser``: ``GET /bench/hello`` in a loop (the stack's floor; needs QUIZAPP_BENCH_ENDPOINTS=1).
* ``InsertUser``: ``POST /bench/insert`` in a loop (the floor of a committed one-row write).
* ``LearnerUser``: registers, logs out and logs in again, then alternates a 10-question quiz
  (start form, start, every question and answer, submit, results) with a short flashcard review
  (card, show answer, rate), with no think time.

Requests are named by step: "register", "login", "quiz form", "start quiz", "question",
"answer", "submit", "results", "review card", "review show", "review rate".

Environment: ``BENCH_HOSTS`` (comma-separated base URLs; users are dealt to them in turn, so
two gunicorn instances each get half), ``BENCH_BANK`` (default ``llm-vs-genai``),
``BENCH_QUIZ_LENGTH`` (10), ``BENCH_REVIEWS`` (cards per review session, 5),
``BENCH_RUN_TAG`` (prefix making usernames unique across runs on one database).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import secrets
from urllib.parse import quote, urlencode

from locust import FastHttpUser, constant, task
from locust.env import Environment

HOSTS = [h.rstrip("/") for h in os.environ.get("BENCH_HOSTS", "http://127.0.0.1:8000").split(",") if h]
BANK = os.environ.get("BENCH_BANK", "llm-vs-genai")
QUIZ_LENGTH = int(os.environ.get("BENCH_QUIZ_LENGTH", "10"))
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "5"))
RUN_TAG = os.environ.get("BENCH_RUN_TAG") or secrets.token_hex(3)
KINDS = ["classify", "match", "method", "truefalse", "organization", "modality", "dimension"]
PASSWORD = "bench-Pa55-not-common"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ANSWER_ACTION = re.compile(r'<form method="post" action="(/quiz/\d+/answer/\d+)"')
CHOICE = re.compile(r'<input[^>]*name="choice"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
SELECT = re.compile(r'<select[^>]*name="(pair_\d+)"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option[^>]*value="(\d+)"')
CARD_ID = re.compile(r'name="card_id" type="hidden" value="([^"]+)"')
SHOWN_AT = re.compile(r'name="shown_at" type="hidden" value="([^"]*)"')

_serial = itertools.count()
READY = 0  # learners that have finished registering and logging in (locust_driver.py waits for all)


def _host_for_next_user() -> str:
    return HOSTS[next(_serial) % len(HOSTS)]


def _form(fields: list[tuple[str, str]]) -> str:
    return urlencode(fields)


def _csrf(text: str | None) -> str | None:
    match = CSRF.search(text or "")
    return match.group(1) if match else None


def answer_fields(page: str) -> list[tuple[str, str]] | None:
    """A random (not necessarily right) answer for the question form on ``page``."""
    fields: list[tuple[str, str]] = []
    selects = SELECT.findall(page)
    if selects:
        for name, body in selects:
            fields.append((name, random.choice(OPTION_VALUE.findall(body))))
        return fields
    inputs = CHOICE.findall(page)
    if not inputs:
        return None
    if 'type="text"' in inputs[0]:
        return [("choice", "1")]  # imported short-answer or numerical question
    values = [VALUE.search(tag).group(1) for tag in inputs if VALUE.search(tag)]
    if 'type="checkbox"' in inputs[0]:
        return [("choice", v) for v in random.sample(values, random.randint(1, len(values)))]
    return [("choice", random.choice(values))]


class _Pinned(FastHttpUser):
    """A user bound to one of BENCH_HOSTS (round robin), so instances share the users evenly."""

    abstract = True
    wait_time = constant(0)

    def __init__(self, environment: Environment) -> None:
        self.host = _host_for_next_user()
        super().__init__(environment)


class HelloUser(_Pinned):
    @task
    def hello(self) -> None:
        self.client.get("/bench/hello", name="hello")


class InsertUser(_Pinned):
    @task
    def insert(self) -> None:
        self.client.post("/bench/insert", name="insert", data="", headers=FORM)


class LearnerUser(_Pinned):
    """Register, log in, then take quizzes and review flashcards without pause."""

    def on_start(self) -> None:
        global READY
        try:
            self.register_and_login()
        finally:
            READY += 1

    def register_and_login(self) -> None:
        self.username = f"b{RUN_TAG}{next(_serial)}{secrets.token_hex(2)}"[:32]
        self.token: str | None = None
        page = self.client.get("/auth/register", name="register form").text
        token = _csrf(page)
        self.client.post("/auth/register", name="register", allow_redirects=False, headers=FORM, data=_form([
            ("csrf_token", token or ""), ("username", self.username), ("display_name", self.username),
            ("password", PASSWORD), ("confirm", PASSWORD)]))
        self.client.post("/auth/logout", name="logout", allow_redirects=False, headers=FORM,
                         data=_form([("csrf_token", token or "")]))
        self.login()

    def login(self) -> None:
        page = self.client.get("/auth/login", name="login form").text
        token = _csrf(page)
        with self.client.post("/auth/login", name="login", allow_redirects=False, headers=FORM, catch_response=True,
                              data=_form([("csrf_token", token or ""), ("username", self.username),
                                          ("password", PASSWORD)])) as response:
            if response.status_code != 302:
                response.failure(f"login gave {response.status_code}, not a redirect")
        self.token = token

    @task
    def quiz(self) -> None:
        page = self.client.get("/quiz/", name="quiz form").text
        self.token = _csrf(page) or self.token
        fields = [("csrf_token", self.token or ""), ("bank", BANK), *(("kinds", k) for k in KINDS),
                  ("length", str(QUIZ_LENGTH)), ("feedback", "end")]
        with self.client.post("/quiz/", name="start quiz", data=_form(fields), headers=FORM,
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "") if response.status_code == 302 else ""
            match = re.search(r"/quiz/(\d+)", location)
            if not match:
                response.failure(f"start quiz gave {response.status_code}, not a redirect to the quiz")
                return
        attempt = match.group(1)
        for _ in range(QUIZ_LENGTH + 1):
            with self.client.get(f"/quiz/{attempt}", name="question", allow_redirects=False,
                                 catch_response=True) as response:
                if response.status_code == 302:  # every question answered: on to Review and submit
                    break
                action = ANSWER_ACTION.search(response.text or "")
                fields = answer_fields(response.text or "")
                if response.status_code != 200 or not action or fields is None:
                    response.failure(f"question page gave {response.status_code} without an answer form")
                    return
            with self.client.post(action.group(1), name="answer", allow_redirects=False, headers=FORM,
                                  catch_response=True,
                                  data=_form([("csrf_token", self.token or ""), *fields])) as response:
                if response.status_code != 302:
                    response.failure(f"answer gave {response.status_code}, not a redirect")
                    return
        # Answers at the end: the attempt ends only when the learner submits it from the summary page.
        with self.client.post(f"/quiz/{attempt}/submit", name="submit", allow_redirects=False, headers=FORM,
                              catch_response=True, data=_form([("csrf_token", self.token or "")])) as response:
            if response.status_code != 302:
                response.failure(f"submit gave {response.status_code}, not a redirect")
                return
        with self.client.get(f"/quiz/{attempt}/results", name="results", catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"results gave {response.status_code}")

    @task
    def review(self) -> None:
        base = f"/cards/{quote(BANK)}/review"
        for _ in range(REVIEWS):
            page = self.client.get(base, name="review card").text or ""
            card = CARD_ID.search(page)
            if card is None:  # nothing due (new-card limit reached and learning cards not yet due)
                return
            page = self.client.get(f"{base}?show={quote(card.group(1), safe='')}", name="review show").text or ""
            shown_at = SHOWN_AT.search(page)
            token = _csrf(page) or self.token
            rating = random.choices(["1", "2", "3", "4"], weights=[1, 1, 6, 2])[0]
            with self.client.post(base, name="review rate", allow_redirects=False, headers=FORM, catch_response=True,
                                  data=_form([("csrf_token", token or ""), ("card_id", card.group(1)),
                                              ("shown_at", shown_at.group(1) if shown_at else ""),
                                              ("rating", rating)])) as response:
                if response.status_code != 302:
                    response.failure(f"rating gave {response.status_code}, not a redirect")
                    return
