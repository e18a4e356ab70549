"""Issue 9, point 15: cells a spreadsheet would run as a formula are neutralised (OWASP), reversibly."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.cards import Flashcard
from quizapp.core.csv_safety import TRIGGERS, neutralise_cell, restore_cell, safe_row
from quizapp.core.deck_export import deck_csv

HYPERLINK = '=HYPERLINK("http://e.x/","c")'


@pytest.mark.parametrize("cell", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1", "'=1", "''@x"])
def test_formula_cells_get_an_apostrophe(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell
    assert restore_cell(neutralise_cell(cell)) == cell


@pytest.mark.parametrize("cell", ["", "Ada", "it's", "'quoted'", "a=b", " =x", "1-2", "'", "''"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise_cell(cell) == cell
    assert restore_cell(cell) == cell


def test_the_triggers_are_owasps() -> None:
    assert set(TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_numbers_in_a_row_stay_numbers() -> None:
    assert safe_row([HYPERLINK, 3, 41.5, None, "-x"]) == ["'" + HYPERLINK, 3, 41.5, None, "'-x"]


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", " ", "\n", "é"])))
def test_neutralising_round_trips_and_never_leaves_a_trigger_first(cell: str) -> None:
    safe = neutralise_cell(cell)
    assert safe[:1] not in TRIGGERS
    assert restore_cell(safe) == cell


def test_the_deck_export_neutralises_fronts_and_backs() -> None:
    card = Flashcard(id="x", bank="b", topic="faq", front=HYPERLINK, back="-5 is negative", source="s")
    line = deck_csv([card])
    front, back = line.rstrip("\n").split("\t")
    assert front == "'" + HYPERLINK and back == "'-5 is negative"
    assert restore_cell(front) == HYPERLINK


def test_a_csv_round_trip_gives_back_the_original_cells() -> None:
    rows = [[HYPERLINK, "plain", "@x"]]
    out = io.StringIO()
    csv.writer(out).writerows(safe_row(row) for row in rows)
    read = [[restore_cell(cell) for cell in row] for row in csv.reader(io.StringIO(out.getvalue()))]
    assert read == rows
