"""Storing question banks in the database and reading them back (fact banks and imported formats)."""

from __future__ import annotations

import codecs
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from threading import Lock
from typing import NamedTuple

from sqlalchemy import ColumnElement, LargeBinary, Select, Text, bindparam, cast, func, insert, literal, select

from .bank_questions import imported_questions, write_questions
from .core.bank import FactBank
from .core.bank_check import check_bank_text, collector_paused, fit_filename
from .core.bank_loader import BankError, load_bank_text
from .extensions import db
from .models import Bank, BankVersion, utcnow
from .paths import resource_dir

__all__ = ["BankRef", "LoadResult", "bank_by_slug", "bundled_bank_files", "decode_bank", "enabled_banks", "fact_bank",
           "fact_bank_ref", "imported_questions", "read_bank_bytes", "read_bank_file", "slug_problem", "store_bank",
           "store_bank_file"]


@dataclass(frozen=True)
class LoadResult:
    """What loading a bank did. It keeps the check's verdict, not its parsed questions: an imported bank's
    questions are rows by then (``imported_questions(row)`` reads them back), and 50,000 of them take tens of MB."""

    status: str  # "created", "updated" or "unchanged"
    row: Bank
    summary: str  # the check's summary, e.g. "24 questions in 3 categories, 2 warnings"
    warnings: list[str]
    bank: FactBank | None  # the parsed fact bank (None for an imported format)

    def describe(self) -> str:
        what = str(self.bank) if self.bank else f"{self.row.format} bank {self.row.slug!r}: {self.summary}"
        return f"{self.status.capitalize()}: {what}"


def bundled_bank_files() -> list[Path]:
    """The banks shipped in ``question_bank/`` (in a checkout or inside the wheel)."""
    return sorted(resource_dir("question_bank").glob("*.yaml"))


def read_bank_bytes(path: str | Path) -> bytes:
    """A bank file's bytes, without a UTF-8 byte order mark, as ``load-bank`` hands them to :func:`store_bank`
    (which decodes them only for as long as it checks them); an unreadable file raises BankError naming it."""
    path = Path(path)
    try:
        return path.read_bytes().removeprefix(codecs.BOM_UTF8)
    except OSError as exc:
        raise BankError([f"{path.name}: cannot read the file: {exc.strerror}"]) from exc


def decode_bank(data: bytes, filename: str) -> str:
    """A bank file's bytes as text; non-UTF-8 bytes raise BankError naming the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankError([f"{filename}: the file is not UTF-8 text (byte {exc.start})"]) from exc


def read_bank_file(path: str | Path) -> str:
    """A bank file's text; unreadable or non-UTF-8 files raise BankError naming the file."""
    return decode_bank(read_bank_bytes(path), Path(path).name)


def _utf8_text(data: bytes) -> ColumnElement[str]:
    """UTF-8 ``data`` as a text value, decoded by the database, for a bank's text column.

    Why not bind the str: both drivers bind a str through its UTF-8 form, and CPython keeps that form on
    the str for as long as the str lives (25 MB more for a 50,000-question file, on top of its 47 MB);
    bound as bytes, the text need not be alive at all when the row is written."""
    value = literal(data, LargeBinary)
    if db.session.get_bind().dialect.name == "postgresql":
        return func.convert_from(value, "UTF8", type_=Text)
    return cast(value, Text)


def slug_problem(row: Bank | None, owner_id: int | None) -> str | None:
    """Why ``owner_id`` (None: the command line) may not write the bank ``row`` holding the slug, or None.

    A slug belongs to whoever loaded it first, deleted or not: site banks to the command line, an
    uploaded bank to its instructor. Nobody else replaces it (issue 9: an instructor took over a site bank).
    """
    if row is None or row.owner_id == owner_id:
        return None
    if row.owner_id is None:
        return f"the name '{row.slug}' belongs to a site bank (loaded from the command line); choose another"
    return f"the name '{row.slug}' is used by another instructor's bank; choose another"


# The cyclic collector paused for the whole load, not only while the file is read and the rows are written:
# between the two it ran on the parsed questions (all of them young, as the reading left them), walking every
# one (0.1-0.3 s at 50,000 questions, 0.015 s at 5,000). A load makes no reference cycles worth collecting.
@collector_paused()
def store_bank(source: str | bytes, filename: str, fmt: str | None = None, slug: str | None = None,
               title: str | None = None, owner_id: int | None = None,
               progress: Callable[[int, int], None] | None = None, visibility: str | None = None) -> LoadResult:
    """Validate a bank (its text, or its UTF-8 bytes as :func:`read_bank_bytes` reads them) and insert it, or
    store it as a new version; all or nothing.

    An imported bank's questions are written as rows of the new version in the same transaction
    (``progress(written, total)`` after each batch). Raises ``BankError`` listing every problem, and
    writes nothing, when the file has errors or the slug belongs to another instructor's bank; any
    other failure part-way also leaves nothing written. ``visibility`` (an upload's choice) is written with
    the row, not by a later UPDATE: on SQLite that would write the bank's whole text again.

    Memory (a 50,000-question file is 25 MB of UTF-8, 47 MB as a str once it holds one non-ASCII
    character, and its parsed questions 85 MB): the text is stored from its UTF-8 bytes (see
    :func:`_utf8_text`), so given bytes, the str lives only while it is checked, and the drivers' copies
    of the text (about 50 MB while the row is written) come after it is gone; an earlier version's text
    is copied into ``bank_versions`` by the database, never read back into Python (that cost a new
    version of such a bank 90 MB more than its first load).
    """
    data = source if isinstance(source, bytes) else source.encode()
    digest = hashlib.sha256(data).hexdigest()
    # Given bytes, the str decoded here is gone when the check returns (nothing in the check refers to it).
    check = check_bank_text(decode_bank(data, filename) if isinstance(source, bytes) else source, filename, fmt,
                            slug, title)
    if not check.ok:
        raise BankError(check.errors)
    row = db.session.execute(select(Bank).filter_by(slug=check.slug)).scalar_one_or_none()
    problem = slug_problem(row, owner_id)
    if problem:
        raise BankError([f"{filename}: {problem}"])
    summary, warnings, factbank = check.summary(), check.warnings, check.factbank
    if row is not None and row.content_hash == digest and row.deleted_at is None:
        if visibility is not None:
            row.visibility = visibility  # for the caller's commit
        return LoadResult("unchanged", row, summary, warnings, factbank)
    status = "updated" if row is not None else "created"
    from .question_files import store_question_files  # late: that module's routes import this one's importers

    try:
        if row is None:
            row = Bank(slug=check.slug, owner_id=owner_id, version=1)
            db.session.add(row)
        else:
            db.session.execute(insert(BankVersion).from_select(
                ["bank_id", "version", "source_text", "content_hash", "loaded_at"],
                select(Bank.id, Bank.version, Bank.source_text, Bank.content_hash, Bank.loaded_at)
                .where(Bank.id == row.id)))
            row.version += 1
            row.deleted_at = None
        description = factbank.description if factbank else f"{summary} ({filename})"
        row.title, row.description, row.format, row.filename = check.title, description, check.format, \
            fit_filename(filename)
        row.source_text, row.content_hash, row.loaded_at = _utf8_text(data), digest, utcnow()
        if visibility is not None:
            row.visibility = visibility
        store_question_files(row, check)  # embedded images, in the same transaction
        if factbank is None:
            db.session.flush()  # a new bank needs its id
            write_questions(row.id, row.version, check.questions, progress)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return LoadResult(status, row, summary, warnings, factbank)


def store_bank_file(path: str | Path, fmt: str | None = None, slug: str | None = None,
                    title: str | None = None, progress: Callable[[int, int], None] | None = None) -> LoadResult:
    return store_bank(read_bank_bytes(path), Path(path).name, fmt, slug, title, progress=progress)


class _ParsedByKey:
    """Parsed fact banks of this process, the newest 32, keyed by content hash.

    Hand-written rather than ``lru_cache``: that keys on every argument, so each hit would hash and compare the
    whole bank text. Keyed without it, a hit never loads ``Bank.source_text`` (a deferred column) at all.
    Imported banks need no such cache: their questions are rows (``quizapp.bank_questions``).
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[str, FactBank] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str, parse: Callable[[], FactBank]) -> FactBank:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = parse()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_PARSED = _ParsedByKey()


class BankRef(NamedTuple):
    """A fact bank's row without its text: what a page needs to name the bank, link to it and find its parse
    (:func:`fact_bank`). Read as a plain row, it costs a page about 80 Python calls less than the ORM object."""

    id: int
    slug: str
    title: str
    content_hash: str


def fact_bank(row: Bank | BankRef) -> FactBank:
    """The parsed fact bank for a row, cached by content hash (parsing YAML on every request is slow)."""
    return _PARSED.get(row.content_hash, lambda: load_bank_text(
        row.source_text if isinstance(row, Bank) else _text_of(row)))


def _text_of(ref: BankRef) -> str:
    """The text whose hash ``ref`` holds: the bank's, or an earlier version's if a new one was stored since."""
    current = select(Bank.source_text).where(Bank.id == ref.id, Bank.content_hash == ref.content_hash)
    earlier = select(BankVersion.source_text).where(BankVersion.bank_id == ref.id,
                                                    BankVersion.content_hash == ref.content_hash)
    return db.session.execute(current.union_all(earlier).limit(1)).scalar_one()


def enabled_banks(fmt: str | None = "factbank") -> list[Bank]:
    """Banks learners can use; by default only fact banks (they generate quizzes and cards)."""
    query = select(Bank).filter_by(enabled=True, deleted_at=None).order_by(Bank.title)
    if fmt is not None:
        query = query.filter_by(format=fmt)
    return list(db.session.execute(query).scalars())


def _usable_by_slug(by_format: bool) -> tuple[ColumnElement[bool], ...]:
    """The enabled, undeleted bank of the parameter ``slug`` (and ``format``): what a learner's page may open."""
    c = Bank.__table__.c  # the table's columns: they keep a plain-row query off the ORM's execution path
    usable = (c.slug == bindparam("slug"), c.enabled.is_(True), c.deleted_at.is_(None))
    return (*usable, c.format == bindparam("format")) if by_format else usable


@cache
def _bank_query(by_format: bool) -> Select[Bank]:
    """Built once, run with parameters (every page asks for its bank; building the statement cost more than SQLite
    took to run it)."""
    return select(Bank).where(*_usable_by_slug(by_format))


def bank_by_slug(slug: str, fmt: str | None = "factbank") -> Bank | None:
    params = {"slug": slug} if fmt is None else {"slug": slug, "format": fmt}
    return db.session.execute(_bank_query(fmt is not None), params).scalar_one_or_none()


@cache
def _ref_query() -> Select[int, str, str, str]:
    c = Bank.__table__.c
    return select(c.id, c.slug, c.title, c.content_hash).where(*_usable_by_slug(True))


def fact_bank_ref(slug: str) -> BankRef | None:
    """The enabled fact bank ``slug`` (as ``bank_by_slug(slug)`` finds it), read as a plain row of its columns."""
    row = db.session.execute(_ref_query(), {"slug": slug, "format": "factbank"}).one_or_none()
    return BankRef._make(row) if row is not None else None
