"""Flashcards derived from any :class:`~quizapp.core.bank.FactBank`, one fact a card (pure).

The rules (Wozniak's, see ``shared/reference/item-writing.md``) and how each is kept:

* **one fact a card**: a model gets a card for its category ("Is LLaMA an LLM?"), one for
  its maker where the maker is distinctive ("Which organization made BigGAN?"), and a
  cloze for its name where its description singles it out ("[...] is DeepMind's model
  for images"); families of versions are asked about once (:mod:`.subjects`);
* **no interference**: no two cards with different fronts share a back (tests hold
  every shipped bank to it); a maker of several models is asked the other way round
  ("Which of the deck's models did Google make?") or, over three, as a cloze per model;
* **short backs**: at most 30 words and no list of more than three; a longer bank text
  gives its first sentence, or no card (:func:`.wording.short_back`);
* **fronts are questions or clozes**; the topic is a label the views show on the front;
  the source is a field of its own, a document title and section for people.

Ids keep what each card is about (see :mod:`.model`), so a card that still asks about the
same thing keeps its id, and its learners' schedules, across rewordings. Which old card
became which is listed in README.md ("Flashcards").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from ..bank import Card, FactBank, Note
from .drafts import Draft, cloze_drafts, plural_of
from .lookup import Lookup
from .model import TOPICS, Flashcard, card_id, is_cloze, subject_key
from .models import model_cards
from .wording import fits_back, join, lower_article, plural, short_back, upper_first

_TRAILING_ASIDE_RE = re.compile(r"\s*\([^()]*\)\s*$")


def topic_titles(bank: FactBank) -> dict[str, str]:
    """TOPICS with the bank's own word for methods ("Query languages" rather than "Training methods")."""
    titles = dict(TOPICS)
    titles["methods"] = upper_first(plural(bank.term("method")))
    return titles


def derive_cards(bank: FactBank) -> list[Flashcard]:
    """All flashcards of a bank, in TOPICS order and bank order within a topic; ids are unique."""
    lk = Lookup(bank)
    drafts = [*model_cards(lk), *_application_cards(lk), *_method_cards(lk),
              *_comparison_cards(lk), *_faq_cards(lk), *_hand_cards(lk)]
    order = {topic: index for index, topic in enumerate(TOPICS)}
    drafts.sort(key=lambda draft: order[draft.topic])  # stable: bank order within a topic
    cards: list[Flashcard] = []
    seen: set[str] = set()
    answers: set[tuple[str, str]] = set()
    for draft in drafts:
        answer = (subject_key(draft.back), subject_key(draft.front) if draft.cloze else "")
        if answer in answers:
            continue  # the same fact from two parts of the bank (a dimension and a difference): ask it once
        answers.add(answer)
        key, copy = draft.subject, 1
        # The loader keeps names and texts unique, but not hand-written fronts; a repeated
        # subject gets a numbered key, so only the repeats depend on their order.
        while (ident := card_id(bank.slug, draft.kind, key)) in seen:
            copy += 1
            key = f"{draft.subject}\x00#{copy}"
        seen.add(ident)
        note = card_id(bank.slug, draft.note_kind, draft.note_subject) if draft.cloze else ident
        cards.append(Flashcard(ident, bank.slug, draft.topic, draft.front, draft.back, draft.source,
                               draft.group, draft.cloze, draft.cloze_number, note))
    return cards


def cards_by_topic(cards: Iterable[Flashcard]) -> dict[str, list[Flashcard]]:
    """The cards grouped by topic, in TOPICS order; topics without cards are left out."""
    groups: dict[str, list[Flashcard]] = {topic: [] for topic in TOPICS}
    for card in cards:
        groups.setdefault(card.topic, []).append(card)
    return {topic: group for topic, group in groups.items() if group}


# -- applications, methods ------------------------------------------------------------
def _application_cards(lk: Lookup) -> list[Draft]:
    bank = lk.bank
    term = bank.term("application")
    drafts = []
    for app in bank.applications:
        # "An LLM (language is all it needs)" -> "An LLM": the reason that follows says the rest.
        verdict = _TRAILING_ASIDE_RE.sub("", lk.category(app.category).application_label).rstrip(".")
        reason = short_back(app.explanation)
        back = f"{verdict}: {reason}" if reason and fits_back(f"{verdict}: {reason}") else f"{verdict}: {app.name}."
        drafts.append(Draft("app", app.name, "applications", f'Which technology does the {term} "{app.name}" need?',
                             back, lk.cite(app.source), app.name))
    return drafts


def _method_cards(lk: Lookup) -> list[Draft]:
    bank = lk.bank
    term = bank.term("method")
    drafts = []
    for method in bank.methods:
        using = {c.id for c in bank.categories if method.id in lk.methods_of_category(c.id)}
        users = [plural_of(c) for c in bank.categories if c.id in using]
        others = [plural_of(c) for c in bank.categories if c.id not in using]
        short = method.name.split(" (")[0]
        back = f"{short}: {join(users)}" + (f", not {join(others)}." if others else ".")
        source = lk.cite(method.source)
        drafts.append(Draft("method", method.id, "methods", f"Who uses the {term} {method.name}?", back, source,
                             method.id))
        description = short_back(method.description)
        if description:
            drafts.append(Draft("mdesc", method.id, "methods", f"What is the {term} {method.name}?", description,
                                 source, method.id))
    return drafts


# -- the comparison: dimensions, definitions, differences, similarities ---------------
def _comparison_cards(lk: Lookup) -> list[Draft]:
    bank = lk.bank
    drafts: list[Draft] = []
    for dim in bank.dimensions:
        categories = [c for c in bank.categories if c.id in dim.values]
        source = lk.cite(dim.source)
        if dim.shared:
            value = short_back(dim.values[categories[0].id])
            if value:
                drafts.append(Draft("dim", dim.name, "dimensions",
                                     f'Do {join([c.name for c in categories])} differ on "{dim.name}"?',
                                     f"No, not in substance: {lower_article(value)}", source, dim.name))
            continue
        kept = 0
        for category in categories:
            value = short_back(dim.values[category.id])
            if value is None:
                continue  # a list of models or uses: each member has its own card
            kind, subject = ("dim", dim.name) if kept == 0 else ("dimv", f"{dim.name}\x00{category.id}")
            kept += 1
            drafts.append(Draft(kind, subject, "dimensions",
                                 f'How does the comparison describe {category.name} on "{dim.name}"?', value, source,
                                 dim.name))
    for category in bank.categories:
        definition = short_back(category.definition) if category.definition else None
        if definition:
            drafts.append(Draft("def", category.id, "dimensions", f'What is meant by "{category.name}"?', definition,
                                 lk.cite(category.source), category.id))
    for note in bank.differences:
        drafts.extend(_difference_cards(lk, note))
    for note in bank.similarities:
        text = short_back(note.text)
        if text:
            drafts.append(Draft("sim", note.title, "dimensions", f'What do they have in common in "{note.title}"?',
                                 text, lk.cite(note.source), note.title))
    return drafts


def _difference_cards(lk: Lookup, note: Note) -> list[Draft]:
    bank = lk.bank
    """A difference as one card, or, when the bank splits it into ``sides``, one card per category's side."""
    source = lk.cite(note.source)
    sides: dict[str, str] = getattr(note, "sides", {}) or {}
    drafts: list[Draft] = []
    for category in (c for c in bank.categories if c.id in sides):
        text = short_back(sides[category.id])
        if text:
            kind, subject = ("diff", note.title) if not drafts else ("diffv", f"{note.title}\x00{category.id}")
            drafts.append(Draft(kind, subject, "dimensions",
                                 f'On "{note.title}", what does the comparison say of {category.name}?',
                                 upper_first(text), source, note.title))
    if drafts:
        return drafts
    text = short_back(note.text)
    return [Draft("diff", note.title, "dimensions", f'What difference does the comparison draw in "{note.title}"?',
                   text, source, note.title)] if text else []


# -- statements, FAQs, hand-written cards ---------------------------------------------
def _faq_cards(lk: Lookup) -> list[Draft]:
    bank = lk.bank
    """The bank's FAQs (question and short answer), unless a hand-written card asks the same question."""
    written = {" ".join(c.front.split()).casefold() for c in bank.cards}
    drafts = []
    for faq in getattr(bank, "faqs", ()):
        answer = short_back(faq.answer)
        if answer and " ".join(faq.question.split()).casefold() not in written:
            drafts.append(Draft("card", faq.question, "faq", faq.question, answer, lk.cite(faq.source),
                                 faq.question))
    return drafts


def _hand_cards(lk: Lookup) -> list[Draft]:
    bank = lk.bank
    drafts: list[Draft] = []
    for card in bank.cards:
        topic = card.topic if card.topic in TOPICS else "faq"
        key = _hand_key(card)
        source = lk.cite(card.source)
        if is_cloze(card.front):
            gaps = cloze_drafts("cloze", f"card:{key}", topic, card.front, source, key)
            if card.reworded_from and gaps:
                # A front/back card turned into a cloze: its first gap carries the old card's id and schedules.
                gaps[0] = dataclasses.replace(gaps[0], kind="card", subject=card.reworded_from)
            drafts.extend(gaps)
        else:
            drafts.append(Draft("card", key, topic, card.front, card.back, source, key))
    return drafts


def _hand_key(card: Card) -> str:
    """The subject a hand-written card's id hashes: the front it was ``reworded_from``, else its front."""
    return card.reworded_from or card.front
