"""The instructor's pages read the database a fixed number of times, whatever the number of learners, and a list
of attempts loads essay marks only for essay answers (no query per learner or per answered question)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from quizapp.extensions import db
from tests.conftest import AuthActions
from tests.web.test_instructor import create_assignment, import_bank, make_instructor

# Eight true/false statements and one essay: an attempt of nine questions, one of them marked by hand.
GIFT = "\n\n".join([f"::T{i}:: Statement number {i} is true. {{TRUE}}" for i in range(8)]
                   + ["::E:: Explain why an LLM is a kind of Generative AI. {}"]) + "\n"
QUESTIONS = 9


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the block runs (every one, on the app's own engine)."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads_from(seen: list[str], table: str) -> int:
    return sum(1 for s in seen if s.lstrip().upper().startswith("SELECT") and re.search(rf"\bFROM {table}\b", s))


def take_all(learner: FlaskClient, code: str) -> None:
    started = learner.post(f"/a/{code}/start")
    attempt_id = int(started.location.rsplit("/", 1)[1])
    for _ in range(QUESTIONS):
        html = learner.get(f"/quiz/{attempt_id}").get_data(as_text=True)
        action = re.search(r'action="(/quiz/\d+/answer/\d+)"', html).group(1)
        essay = "<textarea" in html
        assert learner.post(action, data={"choice": "It is trained to generate text." if essay else "true"}) \
            .status_code == 302


def test_pages_read_the_same_whatever_the_number_of_learners(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, GIFT, "many.gift")
    assignment_id, code = create_assignment(teacher, slug, question_count=QUESTIONS, attempts_allowed=0)
    pages = (f"/instructor/assignments/{assignment_id}", f"/instructor/assignments/{assignment_id}/gradebook.csv",
             f"/instructor/assignments/{assignment_id}/grading", "/instructor/")
    counted: dict[int, dict[str, int]] = {}
    learners: list[FlaskClient] = []
    for count in (1, 4):
        while len(learners) < count:
            learner = app.test_client()
            AuthActions(learner).register(f"learner{len(learners)}")
            take_all(learner, code)
            take_all(learner, code)
            learners.append(learner)
        counted[count] = {}
        for url in pages:
            with statements(app) as seen:
                assert teacher.get(url).status_code == 200
            counted[count][url] = len(seen)
            if "assignments" in url and not url.endswith("/grading"):
                # the gradebook, the list of attempts, the item analysis and the essays count share one load
                assert reads_from(seen, "quiz_attempts") == 1, (url, seen)
    assert counted[1] == counted[4], counted


def test_a_list_of_attempts_loads_marks_for_essay_answers_only(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    slug = import_bank(teacher, GIFT, "many.gift")
    _, code = create_assignment(teacher, slug, question_count=QUESTIONS, attempts_allowed=0)
    learner = app.test_client()
    AuthActions(learner).register("lea")
    take_all(learner, code)
    take_all(learner, code)
    for url in (f"/a/{code}", "/progress"):
        with statements(app) as seen:
            page = learner.get(url)
        assert page.status_code == 200 and "awaiting grading" in page.get_data(as_text=True)
        # two attempts, one essay answer each: at most one read of essay marks per attempt, none per question
        assert reads_from(seen, "essay_grades") <= 2, (url, seen)


def test_the_dashboard_reads_the_same_whatever_the_number_of_banks_and_assignments(app: Flask):
    teacher = app.test_client()
    make_instructor(app, teacher)
    counted = []
    for round_ in range(2):
        for n in range(3):  # banks of their own, another instructor's shared one, an assignment on each
            other = app.test_client()
            make_instructor(app, other, f"other{round_}{n}")
            import_bank(other, GIFT, f"shared{round_}{n}.gift", visibility="shared")
            create_assignment(teacher, import_bank(teacher, GIFT, f"own{round_}{n}.gift"))
        with statements(app) as seen:
            page = teacher.get("/instructor/")
        assert page.status_code == 200 and page.get_data(as_text=True).count("(shared by ") == 3 * (round_ + 1)
        counted.append(len(seen))
    assert counted[0] == counted[1], counted
