"""An imported bank's questions, one row per question and bank version, and quizzes drawn from them.

Loading a GIFT, Aiken, CSV or Moodle XML bank writes its questions here in the transaction that stores
the bank (``quizapp.banks.store_bank``), in bulk. A quiz start then reads only what it asks: the size
of the pool, the drawn questions and the descriptions shown with them (not the bank's text, not the
other questions). It draws exactly what :func:`quizapp.core.imported_quiz.select_questions` would draw
from the whole bank with the same seed, kinds and categories. A new version adds rows; the earlier
versions' rows stay, as their text stays in ``bank_versions``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .core.bank_check import collector_paused
from .core.imported import ImportedQuestion
from .core.imported_quiz import (
    POOL_KINDS,
    attach_descriptions,
    descriptions_wanted,
    draw_ranks,
    kinds_offered,
    question_columns,
    stored_questions,
)
from .extensions import db
from .models import Bank, Model

CHUNK = 1000  # rows per INSERT batch: memory stays flat however large the bank


class BankQuestion(Model):
    """One question of one version of an imported bank, as read from its file (see
    :class:`quizapp.core.imported_quiz.QuestionColumns`)."""

    __tablename__ = "bank_questions"
    __table_args__ = (
        UniqueConstraint("bank_id", "version", "position"),
        Index("ix_bank_questions_pool", "bank_id", "version", "pool_index"),  # a draw from the whole bank
        Index("ix_bank_questions_kind", "bank_id", "version", "kind"),
        Index("ix_bank_questions_category", "bank_id", "version", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    version: Mapped[int]
    position: Mapped[int]
    qtype: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(Text)
    pool_index: Mapped[int | None]
    description: Mapped[bool]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


Q = BankQuestion


def write_questions(bank_id: int, version: int, questions: Sequence[ImportedQuestion],
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Insert the rows of one bank version in the caller's transaction, ``CHUNK`` at a time (executemany);
    ``progress(written, total)`` after each chunk. Returns how many were written.

    The cyclic collector is paused meanwhile, as while reading the file (``collector_paused``): with 50,000
    questions alive it walked them again and again, and writing them took 15 times as long as 5,000."""
    table = cast(Table, BankQuestion.__table__)
    rows = question_columns(questions)
    written = 0
    with collector_paused():
        while chunk := [{"bank_id": bank_id, "version": version, **row} for row in islice(rows, CHUNK)]:
            db.session.execute(insert(table), chunk)
            written += len(chunk)
            if progress is not None:
                progress(written, len(questions))
    if written >= CHUNK:
        analyze()
    return written


def analyze() -> None:
    """PostgreSQL: refresh the table's statistics (in the caller's transaction, which they then include).

    Without them, right after a big load and until autovacuum came by, the planner took the bank's rows for a
    handful and drew a quiz through the category index, reading every row of the bank (a 10-question start from
    50,000 questions: 46 ms, against 6.5 ms with statistics and 6.2 ms from 500 questions)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE bank_questions"))


def _of(bank: Bank) -> ColumnElement[bool]:
    return and_(Q.bank_id == bank.id, Q.version == bank.version)


def imported_questions(bank: Bank, start: int = 0, stop: int | None = None) -> tuple[ImportedQuestion, ...]:
    """The bank's current questions in file order (those at positions ``start`` to ``stop`` - 1)."""
    query = select(Q.data).where(_of(bank), Q.position >= start).order_by(Q.position)
    if stop is not None:
        query = query.where(Q.position < stop)
    return tuple(ImportedQuestion.from_dict(data) for data in db.session.scalars(query))


def question_count(bank: Bank) -> int:
    """How many questions the bank's current version holds (descriptions included)."""
    return db.session.scalar(select(func.count()).select_from(Q).where(_of(bank))) or 0


def kinds_and_categories(bank: Bank) -> tuple[list[str], list[str]]:
    """What an assignment on the bank may ask for: the kinds (see
    :func:`quizapp.core.imported_quiz.assignable_kinds`) and the graded questions' categories."""
    rows = db.session.execute(select(Q.kind, Q.category, Q.description).where(_of(bank), or_(
        Q.pool_index.is_not(None), Q.description)).distinct()).all()
    graded = [(kind, category) for kind, category, description in rows if not description]
    return (kinds_offered((kind for kind, _ in graded if kind), any(description for *_, description in rows)),
            sorted({category for _, category in graded if category}))


@dataclass(frozen=True)
class _Pool:
    """The questions a draw picks from: the bank's graded ones, of some kinds and categories, ranked from 0 in
    file order. Unfiltered, the rank is the stored ``pool_index`` (an index lookup per question drawn);
    filtered, a window function ranks the matching rows in the database."""

    bank: Bank
    kinds: frozenset[str] | None
    categories: frozenset[str] | None

    @property
    def filtered(self) -> bool:
        return self.kinds is not None or self.categories is not None

    def _where(self) -> ColumnElement[bool]:
        conditions = [_of(self.bank), Q.pool_index.is_not(None)]
        if self.kinds is not None:
            conditions.append(Q.kind.in_(self.kinds))
        if self.categories is not None:
            conditions.append(Q.category.in_(self.categories))
        return and_(*conditions)

    def size(self) -> int:
        if self.filtered:
            return db.session.scalar(select(func.count()).select_from(Q).where(self._where())) or 0
        last = db.session.scalar(select(Q.pool_index).where(self._where()).order_by(Q.pool_index.desc()).limit(1))
        return 0 if last is None else last + 1

    def at(self, ranks: Iterable[int]) -> dict[int, tuple[int, dict[str, Any]]]:
        """The (position, data) of the pool's members at ``ranks``."""
        wanted = sorted(set(ranks))
        query: Select[tuple[int | None, int, dict[str, Any]]]
        if self.filtered:
            ranked = select(Q.id, (func.row_number().over(order_by=Q.position) - 1).label("rank")) \
                .where(self._where()).subquery()
            query = select(ranked.c.rank, Q.position, Q.data).join(ranked, ranked.c.id == Q.id) \
                .where(ranked.c.rank.in_(wanted))
        else:
            query = select(Q.pool_index, Q.position, Q.data).where(self._where(), Q.pool_index.in_(wanted))
        return {int(rank): (position, data) for rank, position, data in db.session.execute(query) if rank is not None}


def _kinds_filter(bank: Bank, kinds: Sequence[str] | None) -> frozenset[str] | None:
    """``kinds`` as a filter, or None when it leaves out no kind the bank has (then the draw is unfiltered)."""
    if not kinds:
        return None
    missing = POOL_KINDS - set(kinds)
    if missing and db.session.scalar(select(Q.id).where(_of(bank), Q.kind.in_(missing)).limit(1)) is not None:
        return frozenset(kinds)
    return None


def _descriptions(pool: _Pool, bounds: Sequence[tuple[int, int | None]]) -> list[list[ImportedQuestion]]:
    """The descriptions (of the pool's categories) strictly inside each (after, before) range of positions."""
    where: list[ColumnElement[bool]] = [Q.description.is_(True)]
    if pool.categories is not None:
        where.append(Q.category.in_(pool.categories))
    # The bank and version inside each range (only there), so each is a range of the (bank, version, position) index.
    ranges = [and_(_of(pool.bank), Q.position > low, *([] if high is None else [Q.position < high]))
              for low, high in bounds]
    found: list[list[ImportedQuestion]] = [[] for _ in bounds]
    lows = [low for low, _ in bounds]
    order = sorted(range(len(bounds)), key=lambda i: lows[i])
    sorted_lows = [lows[i] for i in order]
    rows = db.session.execute(select(Q.position, Q.data).where(*where, or_(*ranges)).order_by(Q.position))
    for position, data in rows:
        found[order[bisect_left(sorted_lows, position) - 1]].append(ImportedQuestion.from_dict(data))
    return found


def draw_questions(bank: Bank, count: int, seed: int, *, source: str, kinds: Sequence[str] | None = None,
                   categories: Sequence[str] | None = None, shuffle: bool = True) -> list[dict[str, Any]]:
    """Up to ``count`` stored questions for an attempt, as ``select_questions`` would choose them."""
    pool = _Pool(bank, _kinds_filter(bank, kinds), frozenset(categories) if categories else None)
    size = pool.size()
    rng, ranks = draw_ranks(size, count, seed, shuffle)
    if not ranks:
        return []
    wanted = descriptions_wanted(kinds)
    # With descriptions, each question's predecessor in the pool too: the descriptions between the two are its.
    members = pool.at([*ranks, *(r - 1 for r in ranks if r and wanted)])
    stored = stored_questions((ImportedQuestion.from_dict(members[r][1]) for r in ranks), rng, shuffle, source)
    if wanted:
        bounds: list[tuple[int, int | None]] = [(members[r - 1][0] if r else -1, members[r][0]) for r in ranks]
        last = ranks.index(size - 1) if size - 1 in ranks else None
        if last is not None:  # and the pool's last question those after it
            bounds.append((members[size - 1][0], None))
        found = _descriptions(pool, bounds)
        attach_descriptions(stored, found[:len(ranks)], found[-1] if last is not None else [], last)
    return stored
