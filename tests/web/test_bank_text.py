"""A bank's text as stored: written from the file's UTF-8 bytes (``store_bank``, ``load-bank``), read back as the
same text (real database: SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import codecs
import gc
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text

from quizapp.bank_questions import BankQuestion
from quizapp.banks import store_bank
from quizapp.core.bank_loader import BankError
from quizapp.extensions import db
from quizapp.models import PRIVATE, SHARED, Bank, BankUpload, BankVersion

# Characters of one, two, three and four UTF-8 bytes, in a name, a question and feedback.
GIFT = ("::Café — ☕::Which drink is this? ☕ {=coffee#Right — café. ~tea#No: 🍵 is tea.}\n\n"
        "::Zürich::Zürich is in Switzerland. {TRUE}\n")


def stored(slug: str) -> tuple[str, int, str, str]:
    """The bank's text, the database's length of it, its SQLite storage class ("" elsewhere) and its hash."""
    row = db.session.execute(select(Bank).filter_by(slug=slug)).scalar_one()
    length = db.session.scalar(select(func.length(Bank.source_text)).filter_by(slug=slug))
    kind = db.session.scalar(text("SELECT typeof(source_text) FROM banks WHERE slug = :slug"), {"slug": slug}) \
        if db.engine.dialect.name == "sqlite" else ""
    return row.source_text, length or 0, kind or "", row.content_hash


def test_load_bank_stores_the_files_text_from_its_bytes(app: Flask, tmp_path: Path):
    """The text is bound as UTF-8 bytes and decoded by the database: stored as text (a blob would come back as
    bytes, and its length would count bytes), without the byte order mark, hashed as the text's UTF-8."""
    path = tmp_path / "cafe.gift"
    path.write_bytes(codecs.BOM_UTF8 + GIFT.encode())
    result = app.test_cli_runner().invoke(args=["load-bank", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        source, length, kind, digest = stored("cafe")
        assert source == GIFT and length == len(GIFT) and kind in ("text", "")
        assert digest == hashlib.sha256(GIFT.encode()).hexdigest()
        assert store_bank(GIFT, "cafe.gift").status == "unchanged"  # the same text given as a str
        assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == 2


def test_a_new_version_from_bytes_keeps_the_old_text_as_text(app: Flask):
    with app.app_context():
        store_bank(GIFT, "cafe.gift")
        changed = GIFT.replace("Zürich", "Genève")
        assert store_bank(changed.encode(), "cafe.gift").status == "updated"
        source, length, _, _ = stored("cafe")
        assert source == changed and length == len(changed)
        old = db.session.execute(select(BankVersion.source_text, func.length(BankVersion.source_text))).one()
        assert tuple(old) == (GIFT, len(GIFT))


def test_bytes_that_are_not_utf8_are_refused_naming_the_file_and_nothing_is_written(app: Flask, tmp_path: Path):
    latin = GIFT.encode("utf-8").replace("Zürich".encode(), "Zürich".encode("latin-1"))
    with app.app_context():
        banks = db.session.scalar(select(func.count()).select_from(Bank))
        with pytest.raises(BankError, match=r"cafe.gift: the file is not UTF-8 text \(byte \d+\)"):
            store_bank(latin, "cafe.gift")
    path = tmp_path / "cafe.gift"
    path.write_bytes(latin)
    result = app.test_cli_runner().invoke(args=["load-bank", str(path)])
    assert result.exit_code == 1 and "not UTF-8 text" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Bank)) == banks


def test_storing_a_str_leaves_no_utf8_copy_on_it(app: Flask):
    """Both drivers bind a str through its UTF-8 form, which CPython then keeps on the str for its lifetime
    (``sys.getsizeof`` counts it): 25 MB on a 50,000-question file's text. ``store_bank`` binds bytes instead."""
    source = GIFT + "\n"  # a str of this test's own, not the module's constant
    size = sys.getsizeof(source)
    with app.app_context():
        store_bank(source, "cafe.gift")
    assert sys.getsizeof(source) == size


def test_the_cyclic_collector_stays_paused_for_the_whole_load(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """Between reading the file and writing its rows it walked every parsed question again (all of them young):
    0.1-0.3 s of a 50,000-question load. It runs again afterwards."""
    import quizapp.banks
    import quizapp.question_files

    enabled: dict[str, bool] = {}

    def noting(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            enabled[name] = gc.isenabled()
            return step(*args, **kwargs)
        return run

    # The steps after the check, in turn.
    for module, name in ((quizapp.banks, "slug_problem"), (quizapp.question_files, "store_question_files"),
                         (quizapp.banks, "write_questions")):
        monkeypatch.setattr(module, name, noting(name, getattr(module, name)))
    with app.app_context():
        store_bank(GIFT, "cafe.gift")
    assert enabled == {"slug_problem": False, "store_question_files": False, "write_questions": False}
    assert gc.isenabled()


def test_a_confirmed_upload_reads_its_text_once_and_writes_its_bank_once(app: Flask):
    """Its visibility goes in with the bank's row, and the upload is deleted by id: on SQLite an UPDATE of the row
    wrote the bank's whole text again, and deleting the (committed, so expired) upload read its text back first."""
    from tests.web.test_instructor import make_instructor, upload

    teacher = app.test_client()
    make_instructor(app, teacher)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    for visibility in (SHARED, PRIVATE):  # a new bank, then the same text again: unchanged but for who may use it
        statements.clear()
        response = upload(teacher, GIFT, "cafe.gift", visibility=visibility)
        event.listen(engine, "before_cursor_execute", note)
        try:
            assert teacher.post(response.location + "/confirm").status_code == 302
        finally:
            event.remove(engine, "before_cursor_execute", note)
        reads = [s for s in statements if s.startswith("SELECT") and "bank_uploads.text" in s]
        writes = [s for s in statements if s.startswith(("INSERT INTO banks", "UPDATE banks"))]
        assert len(reads) == 1 and len(writes) == 1, (reads, writes)
        with app.app_context():
            row = db.session.execute(select(Bank).filter_by(slug="cafe")).scalar_one()
            assert (row.visibility, row.source_text, row.version) == (visibility, GIFT, 1)
            assert db.session.scalar(select(func.count()).select_from(BankUpload)) == 0
