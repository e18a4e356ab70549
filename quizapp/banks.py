"""Storing fact banks in the database and reading them back as :class:`FactBank`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from .core.bank import FactBank
from .core.bank_loader import load_bank_file, load_bank_text
from .extensions import db
from .models import Bank
from .paths import resource_dir


@dataclass(frozen=True)
class LoadResult:
    bank: FactBank
    status: str  # "created", "updated" or "unchanged"


def bundled_bank_files() -> list[Path]:
    """The banks shipped in ``question_bank/`` (in a checkout or inside the wheel)."""
    return sorted(resource_dir("question_bank").glob("*.yaml"))


def store_bank(text: str, filename: str) -> LoadResult:
    """Validate bank text and insert or update its row; raises ``BankError`` and writes nothing if invalid."""
    bank = load_bank_text(text, filename)
    digest = hashlib.sha256(text.encode()).hexdigest()
    row = db.session.execute(select(Bank).filter_by(slug=bank.slug)).scalar_one_or_none()
    if row is not None and row.content_hash == digest:
        return LoadResult(bank, "unchanged")
    status = "updated" if row is not None else "created"
    if row is None:
        row = Bank(slug=bank.slug)
        db.session.add(row)
    row.title, row.description = bank.title, bank.description
    row.source_text, row.content_hash = text, digest
    db.session.commit()
    return LoadResult(bank, status)


def store_bank_file(path: str | Path) -> LoadResult:
    path = Path(path)
    load_bank_file(path)  # reports unreadable or non-UTF-8 files with the file's name
    return store_bank(path.read_text(encoding="utf-8-sig"), path.name)


@lru_cache(maxsize=32)
def _parse(content_hash: str, text: str) -> FactBank:
    return load_bank_text(text)


def fact_bank(row: Bank) -> FactBank:
    """The parsed bank for a row, cached by content hash (parsing YAML on every request is slow)."""
    return _parse(row.content_hash, row.source_text)


def enabled_banks() -> list[Bank]:
    return list(db.session.execute(select(Bank).filter_by(enabled=True).order_by(Bank.title)).scalars())


def bank_by_slug(slug: str) -> Bank | None:
    return db.session.execute(select(Bank).filter_by(slug=slug, enabled=True)).scalar_one_or_none()
