"""Imported banks stored one row per question: what a quiz draws from them is what the whole-bank rule draws,
and a start reads only the questions it asks (real database: SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text

from quizapp.bank_questions import BankQuestion, draw_questions, imported_questions, kinds_and_categories
from quizapp.banks import store_bank
from quizapp.core.bank_check import read_questions
from quizapp.core.imported import ImportedQuestion
from quizapp.core.imported_quiz import IMPORTED_KINDS, POOL_KINDS, assignable_kinds, gradable, select_questions
from quizapp.extensions import db
from quizapp.models import Bank, QuizAttempt
from quizapp.owner import Owner
from quizapp.quiz.service import start_attempt


def mixed_gift(parts: int = 3, per_part: int = 7) -> str:
    """Categories, every graded kind, essays, descriptions before, between and after the questions."""
    lines = ["::Welcome::Read this first."]
    for part in range(parts):
        lines.append(f"$CATEGORY: top/Part {part}")
        lines.append(f"::Intro {part}::This part is about topic {part}.")
        for i in range(per_part):
            n = part * per_part + i
            lines.append([
                f"::S{n}::Pick the right one ({n}). {{=right ~wrong ~other}}",
                f"::M{n}::Pick both ({n}). {{~%50%a ~%50%b ~%-100%c}}",
                f"::T{n}::Statement {n} is true. {{TRUE}}",
                f"::A{n}::Name it ({n}). {{=GAN =%50%GAN*}}",
                f"::N{n}::Give {n}. {{#{n}:0.5}}",
                f"::P{n}::Match ({n}). {{=a -> 1 =b -> 2 =c -> 3}}",
                f"::E{n}::Explain {n}. {{}}",
            ][n % 7])
            if i == 3:
                lines.append(f"::Between {n}::Halfway through part {part}.")
        lines.append(f"::End {part}::That was part {part}.")
    lines.append("$CATEGORY: top/Last")
    lines.append("::Outro::Thanks for taking part.")
    return "\n\n".join(lines) + "\n"


TEXT = mixed_gift()
SOURCE = "Mixed (mixed.gift)"


@pytest.fixture
def bank(app: Flask) -> Flask:
    """The app with the mixed bank loaded."""
    with app.app_context():
        store_bank(TEXT, "mixed.gift", title="Mixed")
    return app


def the_bank() -> Bank:
    return db.session.execute(select(Bank).filter_by(slug="mixed")).scalar_one()


def reference() -> list[ImportedQuestion]:
    result = read_questions("gift", TEXT, "mixed.gift")
    assert not result.errors
    return result.questions


# Some kinds, every kind (with and without descriptions), and every kind but one.
KIND_FILTERS = [None, ["single"], ["truefalse", "numerical"], ["essay", "description"], ["description"],
                list(IMPORTED_KINDS), sorted(POOL_KINDS),
                *([k for k in IMPORTED_KINDS if k != left_out] for left_out in sorted(POOL_KINDS))]
CATEGORY_FILTERS = [None, ["top/Part 1"], ["top/Part 0", "top/Part 2"], ["top/Last"], ["nowhere"]]


def test_rows_are_the_questions_in_file_order_with_their_version(bank: Flask):
    with bank.app_context():
        row = the_bank()
        expected = reference()
        assert imported_questions(row) == tuple(expected)
        assert imported_questions(row, 2, 5) == tuple(expected[2:5])
        stored = db.session.execute(select(BankQuestion.version, BankQuestion.position, BankQuestion.pool_index,
                                           BankQuestion.description).filter_by(bank_id=row.id)
                                    .order_by(BankQuestion.position)).all()
        assert {version for version, *_ in stored} == {1} and [p for _, p, *_ in stored] == list(range(len(expected)))
        pool = gradable(expected)
        assert [i for _, _, i, _ in stored if i is not None] == list(range(len(pool)))
        # Descriptions: the welcome, each part's intro, between and end, the outro.
        assert sum(d for *_, d in stored) == len(expected) - len(pool) == 1 + 3 * 3 + 1


def test_a_draw_from_the_rows_is_the_whole_bank_rule_for_every_filter(bank: Flask):
    """Same questions, same order, same shuffled answers and the same descriptions, as select_questions."""
    with bank.app_context():
        row, questions = the_bank(), reference()
        for kinds, categories, shuffle in itertools.product(KIND_FILTERS, CATEGORY_FILTERS, (True, False)):
            for seed, count in ((1, 5), (7, 1), (42, 10), (3, 200)):
                expected = select_questions(questions, count, seed, source=SOURCE, kinds=kinds,
                                            categories=categories, shuffle=shuffle)
                drawn = draw_questions(row, count, seed, source=SOURCE, kinds=kinds, categories=categories,
                                       shuffle=shuffle)
                assert drawn == expected, (kinds, categories, shuffle, seed, count)


def test_the_filters_choose_what_they_say(bank: Flask):
    """Not only "the same as before": kinds and categories keep to themselves, descriptions come when asked."""
    with bank.app_context():
        row = the_bank()
        everything = draw_questions(row, 200, 1, source=SOURCE)
        assert len(everything) == 21 and len({q["qkey"] for q in everything}) == 21
        assert sum(len(q.get("descriptions", [])) + len(q.get("descriptions_after", [])) for q in everything) == 11
        part_one = draw_questions(row, 200, 1, source=SOURCE, categories=["top/Part 1"])
        assert {q["imported"]["category"] for q in part_one} == {"top/Part 1"} and len(part_one) == 7
        described = [d["imported"]["name"] for q in part_one for d in q.get("descriptions", [])]
        assert sorted(described) == ["Between 10", "Intro 1"]
        assert [d["imported"]["name"] for q in part_one for d in q.get("descriptions_after", [])] == ["End 1"]
        truefalse = draw_questions(row, 200, 1, source=SOURCE, kinds=["truefalse"])
        assert {q["kind"] for q in truefalse} == {"truefalse"} and not any("descriptions" in q for q in truefalse)
        assert draw_questions(row, 5, 9, source=SOURCE) == draw_questions(row, 5, 9, source=SOURCE)
        assert draw_questions(row, 5, 9, source=SOURCE) != draw_questions(row, 5, 10, source=SOURCE)
        assert draw_questions(row, 5, 9, source=SOURCE, kinds=["description"]) == []


def test_assignment_choices_come_from_the_rows(bank: Flask):
    with bank.app_context():
        questions = reference()
        assert kinds_and_categories(the_bank()) == (
            assignable_kinds(questions), sorted({q.category for q in gradable(questions) if q.category}))


def test_a_start_reads_only_the_questions_it_draws(bank: Flask, monkeypatch: pytest.MonkeyPatch):
    """No bank text, and one question decoded per question asked or description shown, whatever the bank's size."""
    with bank.app_context():
        row = the_bank()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        decoded: list[str] = []
        original = ImportedQuestion.from_dict
        monkeypatch.setattr(ImportedQuestion, "from_dict",
                            classmethod(lambda cls, data: decoded.append(data["name"]) or original(data)))
        attempt = start_attempt(Owner(None, "guest"), row, 3, None, "immediate", seed=5)
        shown = [q.data for q in db.session.get(QuizAttempt, attempt.id).questions]
        described = sum(len(q.get("descriptions", [])) + len(q.get("descriptions_after", [])) for q in shown)
        assert len(decoded) == 3 + described
        assert not any("source_text" in s for s in statements)
        assert len([s for s in statements if "bank_questions" in s]) <= 3  # pool size, questions, descriptions


def test_a_new_version_draws_from_its_own_rows_and_keeps_the_old_ones(bank: Flask):
    with bank.app_context():
        old = draw_questions(the_bank(), 200, 1, source=SOURCE)
        store_bank(mixed_gift(parts=1, per_part=2), "mixed.gift", title="Mixed")
        row = the_bank()
        assert row.version == 2
        versions = dict(db.session.execute(select(BankQuestion.version, func.count()).filter_by(bank_id=row.id)
                                           .group_by(BankQuestion.version)).all())
        assert versions == {1: len(reference()), 2: len(imported_questions(row))}
        assert {q["imported"]["name"] for q in draw_questions(row, 200, 1, source=SOURCE)} == {"S0", "M1"}
        assert len(old) == 21
        store_bank(mixed_gift(parts=1, per_part=2), "mixed.gift", title="Mixed")  # unchanged: no new rows
        assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == sum(versions.values())


def test_an_assignment_start_keeps_its_categories_and_kinds(bank: Flask):
    from datetime import datetime

    from quizapp.models import Assignment, User
    from quizapp.quiz.service import start_assignment_attempt

    with bank.app_context():
        user = User(username="lea", display_name="Lea", password_hash="x")
        db.session.add(user)
        db.session.flush()
        row = the_bank()
        assignment = Assignment(code="abc", title="A", instructor_id=user.id, bank_id=row.id, kinds=["single", "essay"],
                                categories=["top/Part 0", "top/Part 2"], question_count=50, shuffle=True,
                                feedback="immediate", attempts_allowed=0)
        db.session.add(assignment)
        db.session.commit()
        attempt = start_assignment_attempt(user.id, assignment, datetime(2026, 1, 1), seed=11)
        names = [q.data["imported"]["name"] for q in db.session.get(QuizAttempt, attempt.id).questions]
        assert sorted(names) == sorted(q.name for q in gradable(reference(), ["single", "essay"],
                                                                ["top/Part 0", "top/Part 2"]))
        assert {q.data["kind"] for q in db.session.get(QuizAttempt, attempt.id).questions} == {"single", "essay"}


# --- Loading is all or nothing --------------------------------------------------------------------------


def break_rows_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on rows go in batches of 2, and the database refuses the second (its first row repeats position 0)."""
    from quizapp import bank_questions

    real = bank_questions.question_columns
    monkeypatch.setattr(bank_questions, "CHUNK", 2)
    monkeypatch.setattr(bank_questions, "question_columns", lambda questions: (
        {**row, "position": 0} if row["position"] == 2 else row for row in real(questions)))


def stored_state(app: Flask) -> dict[str, object]:
    from quizapp.models import BankUpload, BankVersion

    with app.app_context():
        return {"banks": db.session.execute(select(Bank.slug, Bank.version, Bank.content_hash)
                                            .order_by(Bank.slug)).all(),
                **{m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                   for m in (BankVersion, BankQuestion, BankUpload)}}


def test_the_command_line_load_writes_nothing_when_the_rows_fail_half_way(app: Flask, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    break_rows_half_way(monkeypatch)
    path = tmp_path / "mixed.gift"
    path.write_text(TEXT, encoding="utf-8")
    before = stored_state(app)
    result = app.test_cli_runner().invoke(args=["load-bank", str(path)])
    assert result.exit_code != 0 and "UNIQUE" in str(result.exception).upper()
    assert stored_state(app) == before


def test_a_confirmed_upload_and_a_new_version_write_nothing_when_the_rows_fail_half_way(
        app: Flask, monkeypatch: pytest.MonkeyPatch):
    from tests.web.test_instructor import make_instructor, upload

    teacher = app.test_client()
    make_instructor(app, teacher)
    response = upload(teacher, TEXT, "mixed.gift")
    assert response.status_code == 302
    assert teacher.post(response.location + "/confirm").status_code == 302  # version 1, whole
    version_one = stored_state(app)
    with app.app_context():
        rows_of_one = imported_questions(the_bank())
    break_rows_half_way(monkeypatch)
    for body, filename in ((mixed_gift(parts=2), "mixed.gift"), (TEXT, "other.gift")):  # a new version, a new bank
        response = upload(teacher, body, filename)
        assert response.status_code == 302
        before = stored_state(app)
        confirmed = teacher.post(response.location + "/confirm")
        assert confirmed.status_code == 500
        assert stored_state(app) == before  # the upload still waits; no bank, version or row was written
    with app.app_context():
        assert the_bank().version == 1 and imported_questions(the_bank()) == rows_of_one
    assert stored_state(app)["banks"] == version_one["banks"]


def test_a_big_load_leaves_postgresql_with_statistics_of_the_rows(app: Flask):
    """Else its planner reads every row of a bank to draw a quiz until autovacuum comes by (see analyze)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's planner statistics (run with TEST_DATABASE_URL)")
        store_bank(mixed_gift(parts=50, per_part=20), "big.gift")
        rows = db.session.scalar(select(func.count()).select_from(BankQuestion))
        estimate = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'bank_questions'::regclass"))
        assert rows > 1000 and estimate == rows


def test_on_sqlite_a_banks_text_is_the_last_column_of_its_row(app: Flask):
    """SQLite reaches a column stored after a long value only by walking the value's overflow pages: a quiz
    start's read of a 50,000-question bank's row walked its whole text (migration 0015)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps long values out of line")
        for table, column in (("banks", "source_text"), ("bank_uploads", "text")):
            names = db.session.execute(text(f"SELECT name FROM pragma_table_info('{table}')")).scalars().all()
            assert names[-1] == column and names.count(column) == 1
