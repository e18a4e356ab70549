"""A card before its id is made, and the helpers every card builder shares (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..bank import Category, FactBank
from .model import cloze_front, cloze_numbers, cloze_text
from .wording import plural, with_article


@dataclass(frozen=True)
class Draft:
    kind: str  # id kind
    subject: str  # what the id hashes
    topic: str
    front: str
    back: str
    source: str
    group: str  # what the card is about, for interleaving
    cloze: str = ""
    cloze_number: int = 0
    note_subject: str = ""  # a cloze card's note: what the note id hashes
    note_kind: str = ""  # and the note id's kind (the gaps' kind, even when one gap keeps an older card's id)


def cloze_drafts(kind: str, subject: str, topic: str, markup: str, source: str, group: str,
                 gap_keys: Mapping[int, str] | None = None) -> list[Draft]:
    """One draft per cloze number of ``markup``; card ``N`` hashes ``subject`` and ``gap_keys[N]`` (default "cN"),
    so a generated gap keeps its id when other gaps come or go."""
    back = cloze_text(markup)
    keys = gap_keys or {}
    return [Draft(kind, f"{subject}\x00{keys.get(number, f'c{number}')}", topic, cloze_front(markup, number), back,
                  source, group, markup, number, subject, kind) for number in cloze_numbers(markup)]


def called(category: Category) -> str:
    """The category after "is": the bank's own wording when it has one ("an LLM"), else "a/an <name>"."""
    named: str = getattr(category, "called", "") or ""  # a newer bank field; older models lack it
    return named or with_article(category.name)


def plural_of(category: Category) -> str:
    """Members in the plural: the bank's own word ("LLMs") when it has a field for it, else an English plural."""
    if hasattr(category, "plural"):
        named: str = getattr(category, "plural") or category.name  # noqa: B009 - a newer bank field
        return named
    return plural(category.name)


def subset_pair(bank: FactBank) -> Category | None:
    """In a bank of two categories, one inside the other (LLM in Generative AI), the inner one."""
    if len(bank.categories) != 2:
        return None
    inner = [c for c in bank.categories if c.parent is not None]
    return inner[0] if len(inner) == 1 else None
