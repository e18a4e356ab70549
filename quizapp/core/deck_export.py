"""Export flashcards as an Anki package (genanki) or as tab-separated text (Anki, Quizlet).

Pure except that :func:`write_apkg` writes its file. Re-importing a newer export of
the same bank into Anki *updates* the notes a learner already has, keeping their
scheduling, instead of adding duplicates. That takes three fixed things:

* the note types: :data:`ANKI_MODEL_ID` (front/back) and :data:`ANKI_CLOZE_MODEL_ID`
  (Anki's Cloze type: one note, one card per ``{{cN::...}}``) and their fields never
  change (Anki ignores note updates when the note type's fields changed);
* the decks: ids derived from the bank slug (and topic), never random (current
  Anki matches decks by *name* on import and gives them its own ids, so the
  deck names must stay stable too; fixed ids keep the package deterministic);
* the notes: ``guid = genanki.guid_for(card.id)`` (a cloze note: ``card.note``), and
  ids depend only on what a card is about, not on its text (genanki's default guid
  hashes every field, so any edit would create a duplicate).

Decks: one deck per bank, with an Anki sub-deck per topic (``"<deck>::Models"``),
so a learner can study or pause one topic with Anki's own deck list; every note
also carries a ``quizapp::<slug>::<topic>`` tag, which survives a learner moving
cards between decks. Sub-deck ids hash the slug and the topic *key*, so renaming a
topic's title keeps its deck id.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import genanki

from .cards import TOPICS, Flashcard
from .csv_safety import neutralise_cell

# Generated once with random.randrange(1 << 30, 1 << 31) and hard-coded: Anki keys note types by id.
ANKI_MODEL_ID: int = 1908522723
ANKI_MODEL_NAME = "quizapp flashcard (Front/Back/Source)"
# Generated the same way; a note type of Anki's Cloze kind (genanki.Model.CLOZE).
ANKI_CLOZE_MODEL_ID: int = 2043233940
ANKI_CLOZE_MODEL_NAME = "quizapp cloze (Text/Source)"

_CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
        line-height: 1.4; text-align: left; color: #1a1a1a; background: #fff; max-width: 40em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #eee; background: #2f2f31; }
hr#answer { margin: 1em 0; }
.topic { font-size: 0.6em; text-transform: uppercase; letter-spacing: 0.05em; color: #666; margin-bottom: 0.5em; }
.nightMode .topic, .night_mode .topic { color: #aaa; }
.cloze { font-weight: bold; color: #0645ad; }
.nightMode .cloze, .night_mode .cloze { color: #8ab4f8; }
.source { margin-top: 1.5em; font-size: 0.7em; color: #666; }
.nightMode .source, .night_mode .source { color: #aaa; }
"""

# Only qfmt decides whether genanki generates a card (chevron renders conditionals unlike Anki,
# genanki #151), so the conditional section lives in afmt alone, where Anki renders it.
ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    ANKI_MODEL_NAME,
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
    templates=[{
        "name": "Card 1",
        "qfmt": '<div class="topic">{{Subdeck}}</div>{{Front}}',
        "afmt": '{{FrontSide}}<hr id="answer">{{Back}}{{#Source}}<div class="source">{{Source}}</div>{{/Source}}',
    }],
    css=_CSS,
    sort_field_index=0,
)

ANKI_CLOZE_MODEL = genanki.Model(
    ANKI_CLOZE_MODEL_ID,
    ANKI_CLOZE_MODEL_NAME,
    fields=[{"name": "Text"}, {"name": "Source"}],
    templates=[{
        "name": "Cloze",
        "qfmt": '<div class="topic">{{Subdeck}}</div>{{cloze:Text}}',
        "afmt": '<div class="topic">{{Subdeck}}</div>{{cloze:Text}}'
                '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}',
    }],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)


def _id_in_anki_range(text: str) -> int:
    """A stable id in 1<<30 .. 1<<31 (the range genanki recommends) from a hash of ``text``."""
    digest = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def anki_deck_id(bank_slug: str) -> int:
    """The bank's Anki deck id: fixed per slug, so every export lands in the same deck."""
    return _id_in_anki_range(f"quizapp-deck:{bank_slug}")


def anki_subdeck_id(bank_slug: str, topic: str) -> int:
    """The id of a topic's sub-deck, fixed per (slug, topic key)."""
    return _id_in_anki_range(f"quizapp-deck:{bank_slug}:{topic}")


def anki_field(text: str) -> str:
    """Plain text as an Anki field: HTML-escaped, line breaks as ``<br>``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def anki_note(card: Flashcard) -> genanki.Note:
    """The card as a note of :data:`ANKI_MODEL`, with a guid that depends only on the card id.

    A cloze card becomes its whole note of :data:`ANKI_CLOZE_MODEL` (write each note once:
    :func:`write_apkg` does), with a guid from the note's id.
    """
    if card.is_cloze:
        return genanki.Note(
            model=ANKI_CLOZE_MODEL,
            fields=[anki_field(card.cloze), anki_field(card.source)],
            guid=genanki.guid_for(card.note),
            tags=[f"quizapp::{card.bank}::{card.topic}"],
        )
    return genanki.Note(
        model=ANKI_MODEL,
        fields=[anki_field(card.front), anki_field(card.back), anki_field(card.source)],
        guid=genanki.guid_for(card.id),
        tags=[f"quizapp::{card.bank}::{card.topic}"],
    )


def write_apkg(cards: Sequence[Flashcard], deck_name: str, bank_slug: str, path: str | Path, *,
               topic_names: Mapping[str, str] | None = None, timestamp: float | None = None) -> None:
    """Write the cards as an Anki package: deck ``deck_name`` with a sub-deck per topic.

    ``topic_names`` titles the sub-decks (default :data:`TOPICS`; pass
    ``cards.topic_titles(bank)`` for the bank's own wording). Titles only name
    decks; ids come from the topic keys.

    ``timestamp`` is for tests only; leave it ``None``. genanki stamps every note's
    modification time with it (default: now). Anki keeps that mtime on import and
    updates an existing note only when the incoming mtime is *newer* (the default
    "update if newer", genanki #157) or, with "always update", merely *different*.
    A fixed timestamp would give a corrected re-export the same mtime as the notes
    already imported, so Anki would silently keep the old text under either rule;
    "now" makes each export newer than the last. A byte-for-byte reproducible file
    is worth less than updates that work.
    """
    names = {**TOPICS, **(topic_names or {})}
    parent = genanki.Deck(anki_deck_id(bank_slug), deck_name)
    subdecks: dict[str, genanki.Deck] = {}
    cloze_notes: set[str] = set()
    for card in cards:
        if card.is_cloze:
            if card.note in cloze_notes:
                continue  # one Anki note holds every card of a cloze text
            cloze_notes.add(card.note)
        if card.topic not in subdecks:
            title = names.get(card.topic, card.topic)
            subdecks[card.topic] = genanki.Deck(anki_subdeck_id(bank_slug, card.topic), f"{deck_name}::{title}")
        subdecks[card.topic].add_note(anki_note(card))
    # The parent deck is written (empty) so it keeps its fixed id rather than one Anki makes up.
    package = genanki.Package([parent, *subdecks.values()])
    package.write_to_file(str(path), timestamp=timestamp)


# -- text export ----------------------------------------------------------------
def text_field(text: str) -> str:
    """One field of the tab-separated export: always one line, never a tab.

    * line breaks (every boundary :meth:`str.splitlines` knows, ``\\r``, ``\\u2028``...)
      become ``" / "``, blank lines dropped; Quizlet shows no HTML, so no ``<br>``;
    * tabs become a space; surrounding whitespace is trimmed;
    * a leading ``"..."`` becomes ``“...”``: Anki reads a field that *starts* with a quote
      as a CSV-quoted field and would drop the quotes; a leading ``#`` gets a space
      before it, as Anki skips lines starting with ``#`` as comments.
    """
    parts = (" ".join(part.replace("\t", " ").split()) for part in text.splitlines())
    field = " / ".join(part for part in parts if part)
    if field.startswith('"'):
        close = field.find('"', 1)
        field = "“" + (field[1:close] + "”" + field[close + 1:] if close > 0 else field[1:])
    if field.startswith("#"):
        field = " " + field
    return field


def deck_csv(cards: Sequence[Flashcard]) -> str:
    """``front<TAB>back`` per card, one line each, ``\\n``-terminated: what Anki's and Quizlet's text imports read.

    No header line (Quizlet would import it as a card); Anki guesses the tab separator.
    A field that a spreadsheet would run as a formula gets an apostrophe first (:mod:`.csv_safety`).
    The source is left out because Quizlet takes exactly two columns.
    """
    return "".join(f"{neutralise_cell(text_field(card.front))}\t{neutralise_cell(text_field(card.back))}\n"
                   for card in cards)
