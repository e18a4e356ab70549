"""Flashcards derived from any :class:`~quizapp.core.bank.FactBank` (pure: no Flask, no I/O).

Every item, application, method, comparison dimension, true/false statement and
hand-written bank card becomes one :class:`Flashcard`. Card ids are derived from
*what the card is about* (an item's name, a method's id, a statement's text, a
hand-written card's front), never from its position or its back, so review
history stored against an id survives reordering the bank, adding entries, and
rewording answers. Anki notes use the same ids as guids (see
:mod:`quizapp.core.deck_export`), so re-imported decks update instead of
duplicating.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .bank import Category, FactBank, Item

TOPICS: dict[str, str] = {
    "models": "Models",
    "applications": "Applications",
    "methods": "Training methods",
    "dimensions": "Comparison dimensions",
    "statements": "True or false",
    "faq": "FAQ",
}

MAX_ID_LENGTH = 80
_HASH_LENGTH = 16
# Longest slug kept verbatim: "<slug>:<kind>:<16 hex>" with kind at most 6 characters stays within 80.
_MAX_SLUG_IN_ID = MAX_ID_LENGTH - len(":method:") - _HASH_LENGTH


@dataclass(frozen=True)
class Flashcard:
    id: str  # stable: bank slug, kind and a hash of the subject; at most 80 characters
    bank: str  # bank slug
    topic: str  # a TOPICS key
    front: str  # plain text (templates escape it)
    back: str  # plain text, may contain "\n" line breaks
    source: str  # human citation


def subject_key(text: str) -> str:
    """The normalised subject a card id hashes: casefolded, runs of whitespace as one space.

    Whitespace is normalised because YAML folding (``>-``) can change line breaks
    without changing the text a learner reads.
    """
    return " ".join(text.split()).casefold()


def card_id(bank_slug: str, kind: str, subject: str) -> str:
    """``<slug>:<kind>:<first 16 hex digits of sha256(subject_key)>``, at most 80 characters.

    A slug too long to fit is shortened and given a hash of the full slug, so ids of different banks stay apart.
    """
    digest = hashlib.sha256(subject_key(subject).encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    slug = bank_slug
    if len(slug) > _MAX_SLUG_IN_ID:
        slug_hash = hashlib.sha256(bank_slug.encode("utf-8")).hexdigest()[:8]
        slug = f"{bank_slug[:_MAX_SLUG_IN_ID - 9]}-{slug_hash}"
    return f"{slug}:{kind}:{digest}"


def topic_titles(bank: FactBank) -> dict[str, str]:
    """TOPICS with the bank's own word for methods ("Query languages" rather than "Training methods")."""
    titles = dict(TOPICS)
    titles["methods"] = _plural(bank.term("method")).capitalize()
    return titles


def derive_cards(bank: FactBank) -> list[Flashcard]:
    """All flashcards of a bank, in TOPICS order and bank order within a topic; ids are unique."""
    drafts: list[tuple[str, str, str, str, str, str]] = []  # kind, subject, topic, front, back, source
    for item in bank.items:
        drafts.append(("item", item.name, "models", f"{item.name} — what is it?", _item_back(bank, item),
                       _item_source(bank, item)))
    app_term = bank.term("application")
    for app in bank.applications:
        category = bank.category(app.category)
        back = _lines(category.application_label, app.explanation)
        drafts.append(("app", app.name, "applications", f'Which technology does the {app_term} "{app.name}" need?',
                       back, bank.cite(app.source)))
    method_term = bank.term("method")
    for method in bank.methods:
        using = {c.id for c in bank.categories if method.id in bank.methods_of_category(c.id)}
        users = [c.name for c in bank.categories if c.id in using]
        others = [c.name for c in bank.categories if c.id not in using]
        back = _lines(f"Used by: {_join(users)}.", f"Not used by: {_join(others)}." if others else "",
                      method.description)
        drafts.append(("method", method.id, "methods", f"Who uses the {method_term} {method.name}?", back,
                       bank.cite(method.source)))
    for dim in bank.dimensions:
        categories = [c for c in bank.categories if c.id in dim.values]
        front = f"{dim.name}: {' vs '.join(c.name for c in categories)}"
        back = _lines(*(f"{_upper_first(c.name)}: {dim.values[c.id]}" for c in categories),
                      "(In substance the same for all of them.)" if dim.shared else "")
        drafts.append(("dim", dim.name, "dimensions", front, back, bank.cite(dim.source)))
    for statement in bank.statements:
        verdict = "True" if statement.answer else "False"
        back = f"{verdict}. {statement.explanation}".strip()
        drafts.append(("stmt", statement.text, "statements", f"True or false: {statement.text}", back,
                       bank.cite(statement.source)))
    for card in bank.cards:
        topic = card.topic if card.topic in TOPICS else "faq"
        drafts.append(("card", card.front, topic, card.front, card.back, bank.cite(card.source)))

    order = {topic: index for index, topic in enumerate(TOPICS)}
    drafts.sort(key=lambda draft: order[draft[2]])  # stable: bank order within a topic
    cards: list[Flashcard] = []
    seen: set[str] = set()
    for kind, subject, topic, front, back, source in drafts:
        key = subject
        copy = 1
        # The loader keeps names and texts unique, but not hand-written fronts; a repeated
        # subject gets a numbered key, so only the repeats depend on their order.
        while (ident := card_id(bank.slug, kind, key)) in seen:
            copy += 1
            key = f"{subject}\x00#{copy}"
        seen.add(ident)
        cards.append(Flashcard(ident, bank.slug, topic, front, back, source))
    return cards


def cards_by_topic(cards: Iterable[Flashcard]) -> dict[str, list[Flashcard]]:
    """The cards grouped by topic, in TOPICS order; topics without cards are left out."""
    groups: dict[str, list[Flashcard]] = {topic: [] for topic in TOPICS}
    for card in cards:
        groups.setdefault(card.topic, []).append(card)
    return {topic: group for topic, group in groups.items() if group}


# -- texts -------------------------------------------------------------------
def category_line(bank: FactBank, category: Category) -> str:
    """What membership in a category means, subset relation included.

    The exclusive label usually says it ("An LLM (and so also Generative AI)"); when it
    names none of the ancestors (e.g. a leaf whose label defaulted to its name), the
    ancestors are spelled out so a card never suggests an LLM is not Generative AI.
    """
    label = category.exclusive_label
    ancestors = [bank.category(a).name for a in bank.ancestors(category.id)]
    if ancestors and not _mentions_any(label, ancestors, own=category.name):
        label = f"{label}, and so also {_join(ancestors)}"
    return label


def _mentions_any(label: str, names: list[str], own: str) -> bool:
    """True when the label names one of ``names`` by a distinctive word ("NoSQL" for "NoSQL database").

    Words the category's own name shares ("database") do not count.
    """
    words = set(_words(label))
    return any((set(_words(name)) - set(_words(own))) & words for name in names)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) > 1]


def _item_back(bank: FactBank, item: Item) -> str:
    lines = [category_line(bank, bank.category(item.category))]
    if item.organization:
        chain = [bank.organization(o).name for o in bank.org_chain(item.organization)]
        org = chain[0] + (f" (part of {', '.join(chain[1:])})" if len(chain) > 1 else "")
        lines.append(f"{bank.term('organization').capitalize()}: {org}")
    if item.modality:
        names = ", ".join(bank.modality(m).name for m in item.modality)
        lines.append(f"{bank.term('modality').capitalize()}: {names}")
    if item.method:
        text = bank.method(item.method).name
        if item.related_methods:
            text += f" (also uses {_join([bank.method(m).name for m in item.related_methods])})"
        lines.append(f"{bank.term('method').capitalize()}: {text}")
    return _lines(*lines)


def _item_source(bank: FactBank, item: Item) -> str:
    """The item's citation, plus any different source for an attribute the back shows."""
    parts = [bank.cite(item.source)]
    shown = {"organization": item.organization, "modality": item.modality, "method": item.method}
    for attribute, source in item.attribute_sources.items():
        if shown.get(attribute) and source != item.source:
            parts.append(f"{bank.term(attribute)}: {bank.cite(source)}")
    return "; ".join(p for p in parts if p)


def _lines(*lines: str) -> str:
    return "\n".join(line.strip() for line in lines if line and line.strip())


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
