"""Deck exports, checked by importing them with the real ``anki`` package (Anki's own Rust importer)."""

from __future__ import annotations

import dataclasses
import html
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportCsvRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank_loader import load_bank_file
from quizapp.core.cards import TOPICS, Flashcard, derive_cards, topic_titles
from quizapp.core.deck_export import (
    ANKI_CLOZE_MODEL_ID,
    ANKI_MODEL_ID,
    anki_deck_id,
    anki_subdeck_id,
    deck_csv,
    text_field,
    write_apkg,
)
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANKS = {path.stem: load_bank_file(path) for path in (DEFAULT_BANK, SECOND_BANK)}
IF_NEWER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
ALWAYS = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "c.anki2"))
    yield collection
    collection.close()


def import_apkg(col: Collection, path: Path, update_notes: int = IF_NEWER):
    """Import like Anki's File > Import: by default update notes only when the file's are newer."""
    options = ImportAnkiPackageOptions(update_notes=update_notes, update_notetypes=IF_NEWER, merge_notetypes=False,
                                       with_scheduling=False, with_deck_configs=False)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def anki_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def note_for(col: Collection, card: Flashcard):
    ids = [nid for nid in col.find_notes("") if col.get_note(nid).note_type()["id"] == ANKI_MODEL_ID
           and col.get_note(nid)["Front"] == anki_html(card.front)]
    assert len(ids) == 1
    return col.get_note(ids[0])


def notes(cards: list[Flashcard]) -> int:
    """Anki notes for these cards: one per front/back card, one per cloze text."""
    return len({c.note for c in cards})


def test_ids_are_fixed_and_in_range() -> None:
    assert (1 << 30) <= ANKI_MODEL_ID < (1 << 31) and (1 << 30) <= ANKI_CLOZE_MODEL_ID < (1 << 31)
    assert ANKI_MODEL_ID != ANKI_CLOZE_MODEL_ID
    ids = [anki_deck_id(s) for s in BANKS] + [anki_subdeck_id(s, t) for s in BANKS for t in TOPICS]
    assert all((1 << 30) <= i < (1 << 31) for i in ids)
    assert len(set(ids)) == len(ids)
    assert anki_deck_id("llm-vs-genai") == anki_deck_id("llm-vs-genai")


@pytest.mark.parametrize("name", sorted(BANKS))
def test_apkg_imports_into_anki(name: str, tmp_path: Path, col: Collection) -> None:
    bank = BANKS[name]
    cards = derive_cards(bank)
    path = tmp_path / "deck.apkg"
    write_apkg(cards, bank.title, bank.slug, path, topic_names=topic_titles(bank))

    log = import_apkg(col, path)
    assert len(log.new) == notes(cards) == col.note_count()
    assert col.card_count() == len(cards)  # a cloze note has one card per gap
    # A card whose texts need escaping ("&" in the default bank's applications).
    card = next((c for c in cards if "&" in c.front and not c.is_cloze), cards[0])
    note = note_for(col, card)
    assert note["Front"] == anki_html(card.front)
    assert note["Back"] == anki_html(card.back)
    assert note["Source"] == anki_html(card.source)
    assert note.note_type()["id"] == ANKI_MODEL_ID
    assert f"quizapp::{bank.slug}::{card.topic}" in note.tags
    assert col.decks.name(note.cards()[0].did) == f"{bank.title}::{topic_titles(bank)[card.topic]}"
    answer = note.cards()[0].answer()
    assert '<div class="source">' in answer and anki_html(card.source) in answer
    # The topic is a small label on the front (Anki's {{Subdeck}}).
    assert f'<div class="topic">{topic_titles(bank)[card.topic]}</div>' in note.cards()[0].question()


@pytest.mark.parametrize("name", sorted(BANKS))
def test_cloze_cards_are_notes_of_ankis_cloze_type(name: str, tmp_path: Path, col: Collection) -> None:
    bank = BANKS[name]
    cards = derive_cards(bank)
    write_apkg(cards, bank.title, bank.slug, tmp_path / "deck.apkg", topic_names=topic_titles(bank))
    import_apkg(col, tmp_path / "deck.apkg")
    clozes = [c for c in cards if c.is_cloze]
    assert clozes
    by_note: dict[str, list[Flashcard]] = {}
    for card in clozes:
        by_note.setdefault(card.note, []).append(card)
    note_ids = col.find_notes(f"mid:{ANKI_CLOZE_MODEL_ID}")
    assert len(note_ids) == len(by_note)
    for nid in note_ids:
        note = col.get_note(nid)
        assert note.note_type()["type"] == 1  # MODEL_CLOZE: Anki makes one card per {{cN::...}}
        group = next(g for g in by_note.values() if anki_html(g[0].cloze) == note["Text"])
        assert len(note.cards()) == len(group)
        for anki_card, card in zip(sorted(note.cards(), key=lambda c: c.ord), group, strict=True):
            assert anki_card.ord == card.cloze_number - 1
            question, answer = anki_card.question(), anki_card.answer()
            hidden = html.escape(card.answer, quote=False)
            assert "[...]" in question and f">{hidden}<" not in question  # Anki hides this card's gap
            assert f">{hidden}<" in answer and anki_html(card.source) in answer


def test_reexport_updates_notes_instead_of_duplicating(tmp_path: Path, col: Collection) -> None:
    bank = BANKS["llm-vs-genai"]
    cards = derive_cards(bank)
    write_apkg(cards, bank.title, bank.slug, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")
    target = next(c for c in cards if c.front == "Is LLaMA an LLM?")
    edited = [dataclasses.replace(c, back="A corrected <answer> & more.\nLine two.") if c == target else c
              for c in cards]
    # A real re-export happens later than the first; 60 s later stands in for that without sleeping.
    write_apkg(edited, bank.title, bank.slug, tmp_path / "v2.apkg", timestamp=time.time() + 60)

    log = import_apkg(col, tmp_path / "v2.apkg")
    assert col.note_count() == notes(cards)
    assert len(log.new) == 0
    assert note_for(col, target)["Back"] == "A corrected &lt;answer&gt; &amp; more.<br>Line two."


def test_a_fixed_timestamp_would_block_updates_even_with_always(tmp_path: Path, col: Collection) -> None:
    """Why write_apkg does not pin the timestamp.

    Anki keeps the incoming note's mtime on import and skips a note whose mtime equals
    the existing one, under "update if newer" (the default) *and* under "always update".
    """
    bank = BANKS["sql-vs-nosql"]
    cards = derive_cards(bank)
    fixed = 1_700_000_000.0
    write_apkg(cards, bank.title, bank.slug, tmp_path / "v1.apkg", timestamp=fixed)
    import_apkg(col, tmp_path / "v1.apkg")
    edited = [dataclasses.replace(cards[0], back="Changed."), *cards[1:]]
    write_apkg(edited, bank.title, bank.slug, tmp_path / "v2.apkg", timestamp=fixed)

    for condition in (IF_NEWER, ALWAYS):
        log = import_apkg(col, tmp_path / "v2.apkg", update_notes=condition)
        assert len(log.updated) == 0 and len(log.duplicate) == notes(cards)
        assert note_for(col, cards[0])["Back"] == anki_html(cards[0].back)

    write_apkg(edited, bank.title, bank.slug, tmp_path / "v3.apkg", timestamp=fixed + 1)
    log = import_apkg(col, tmp_path / "v3.apkg")
    assert len(log.updated) == notes(cards)
    assert note_for(col, cards[0])["Back"] == "Changed."
    assert col.note_count() == notes(cards)


def test_text_field_keeps_one_line() -> None:
    assert text_field("a\tb\nc\r\nd\u2028e\n\n") == "a b / c / d / e"
    assert text_field('"Not only SQL": databases') == "“Not only SQL”: databases"
    assert text_field("#1 rule") == " #1 rule"


@pytest.mark.parametrize("name", sorted(BANKS))
def test_csv_has_one_line_with_one_tab_per_card(name: str) -> None:
    cards = derive_cards(BANKS[name])
    text = deck_csv(cards)
    lines = text.splitlines()
    assert len(lines) == len(cards)
    assert all(line.count("\t") == 1 for line in lines)
    assert lines[0] == f"{cards[0].front}\t{cards[0].back.replace(chr(10), ' / ')}"


def test_csv_fields_with_tabs_and_newlines_stay_on_one_line() -> None:
    cards = [Flashcard("x:card:1", "x", "faq", "front\twith tab", "back\nwith\r\nbreaks", "s"),
             Flashcard("x:card:2", "x", "faq", "plain", "plain back", "s")]
    assert deck_csv(cards) == "front with tab\tback / with / breaks\nplain\tplain back\n"


def test_csv_imports_into_anki_one_note_per_card(tmp_path: Path, col: Collection) -> None:
    cards = derive_cards(BANKS["sql-vs-nosql"]) + [
        Flashcard("x:card:1", "x", "faq", '"Quoted" start', "a\tb\nc", "s"),
        Flashcard("x:card:2", "x", "faq", "#hash start", "x < y & z", "s"),
    ]
    path = tmp_path / "deck.txt"
    path.write_text(deck_csv(cards), encoding="utf-8")
    metadata = col.get_csv_metadata(str(path), None)
    assert len(metadata.column_labels) == 2
    col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata))
    assert col.note_count() == len(cards)
    imported = {html.unescape(col.get_note(n).fields[0]).strip() for n in col.find_notes("")}
    assert "“Quoted” start" in imported and "#hash start" in imported


text_cards = st.lists(st.tuples(st.text(), st.text()), max_size=8).map(
    lambda pairs: [Flashcard(f"t:card:{i}", "t", "faq", front, back, "") for i, (front, back) in enumerate(pairs)])


@settings(max_examples=300, deadline=None)
@given(text_cards)
def test_csv_never_breaks_the_layout(cards: list[Flashcard]) -> None:
    text = deck_csv(cards)
    for lines in (text.splitlines(), text.split("\n")[:-1] if text else []):
        assert len(lines) == len(cards)
        assert all(line.count("\t") == 1 for line in lines)


def test_reexport_updates_a_cloze_note_instead_of_duplicating(tmp_path: Path, col: Collection) -> None:
    bank = BANKS["sql-vs-nosql"]
    cards = derive_cards(bank)
    write_apkg(cards, bank.title, bank.slug, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")
    acid = [c for c in cards if c.cloze.startswith("ACID")]
    reworded = acid[0].cloze.replace("ACID, the guarantees", "ACID, the four guarantees")
    edited = [dataclasses.replace(c, cloze=reworded) if c in acid else c for c in cards]
    write_apkg(edited, bank.title, bank.slug, tmp_path / "v2.apkg", timestamp=time.time() + 60)
    log = import_apkg(col, tmp_path / "v2.apkg")
    assert len(log.new) == 0 and col.note_count() == notes(cards)
    texts = [col.get_note(n)["Text"] for n in col.find_notes(f"mid:{ANKI_CLOZE_MODEL_ID}")]
    assert anki_html(reworded) in texts
