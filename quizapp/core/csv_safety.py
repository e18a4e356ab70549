"""Neutralising spreadsheet formulas in the CSV and tab-separated files the app writes (OWASP CSV injection).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a display name becomes a live link). OWASP's
rule is to prefix such a cell with an apostrophe, which spreadsheets read as "this is text" and hide.

The prefix is reversible, so exports stay re-importable: :func:`restore_cell` removes exactly one
apostrophe from a cell whose text after its leading apostrophes begins with a trigger character.
To make that unambiguous, a cell that already begins with apostrophes before a trigger
(``'=x``) gets one more (``''=x``). Hand-written (no library does this): it is three lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"

Cell = TypeVar("Cell")


def _needs_prefix(cell: str) -> bool:
    return cell.lstrip(PREFIX).startswith(TRIGGERS)


def neutralise_cell(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: an apostrophe before a leading formula character."""
    return PREFIX + cell if _needs_prefix(cell) else cell


def restore_cell(cell: str) -> str:
    """The original text of a cell written by :func:`neutralise_cell` (how an importer reads it back)."""
    return cell[1:] if cell.startswith(PREFIX) and _needs_prefix(cell) else cell


def safe_row(cells: Iterable[Cell]) -> list[Cell | str]:
    """A row with every text cell neutralised; numbers and None are written as they are."""
    return [neutralise_cell(cell) if isinstance(cell, str) else cell for cell in cells]
