"""The comparison fact-bank model: plain frozen dataclasses, no I/O.

A bank compares a few categories (one may be a subset of another) through
items, applications, methods, dimensions and statements. The loader in
:mod:`quizapp.core.bank_loader` builds these from YAML; the generators read
them. Everything here is pure and hashable so banks can be cached freely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

_Row = TypeVar("_Row")

DEFAULT_TERMS: dict[str, str] = {
    "item": "item",
    "method": "method",
    "modality": "modality",
    "organization": "organization",
    "application": "application",
}

# Every prompt template a generator uses (the registry in quizapp/core/generators/ names which
# generator uses which). A bank may override any of them under `prompts:`.
DEFAULT_PROMPTS: dict[str, str] = {
    "classify": "Which of these {item_terms} is {category}?",
    "membership": "{item} is {category}.",
    "method": 'Which {method_term} does this describe? "{clue}"',
    "organization": "Which {organization_term} developed {item}?",
    "modality": "Which of these {item_terms} produces {modality}?",
    "dimension": 'In the comparison, which describes {category} on "{dimension}"?',
    "dimension_statement": 'The comparison describes {category} on "{dimension}" as: {value}',
    "match_organization": "Match each {item_term} to the {organization_term} that made it.",
    "match_modality": "Match each {item_term} to the {modality_term} it produces.",
    "match_method": "Match each {item_term} to the {method_term} it is built on.",
    "match_industry": "Match each {application_term} to the industry the comparison names it for.",
    "multiple_items": "Which of these {item_terms} are {category}? Select all that apply.",
    "multiple_applications": "Which of these {application_terms} need {label}? Select all that apply.",
    "compare_difference": "Which of these does the comparison say of {category}, as opposed to {other}?",
    "compare_procon": "Which {procon} does the comparison name for {category}?",
    "compare_similarity": "Which of these does the comparison name as true of both {categories}?",
    "scenario": "{scenario} Which of these {item_terms} fits the job?",
    "oddoneout_organization": "Three of these {item_terms} come from the same {organization_term}. Which one does not?",
    "oddoneout_modality": "Three of these {item_terms} produce the same {modality_term}. Which one does not?",
}

# The placeholders each prompt template may use: the one documented list (the loader and
# quizapp/core/prompt_templates.py check bank templates against it).
_TERMS = frozenset({"item_term", "item_terms", "method_term", "modality_term", "organization_term",
                    "application_term", "application_terms"})
PROMPT_FIELDS: dict[str, frozenset[str]] = {
    "classify": _TERMS | {"category"},
    "membership": _TERMS | {"item", "category"},
    "method": _TERMS | {"clue"},
    "organization": _TERMS | {"item"},
    "modality": _TERMS | {"modality"},
    "dimension": _TERMS | {"category", "dimension"},
    "dimension_statement": _TERMS | {"category", "dimension", "value"},
    "match_organization": _TERMS,
    "match_modality": _TERMS,
    "match_method": _TERMS,
    "match_industry": _TERMS,
    "multiple_items": _TERMS | {"category"},
    "multiple_applications": _TERMS | {"label"},
    "compare_difference": _TERMS | {"category", "other"},
    "compare_procon": _TERMS | {"category", "procon"},
    "compare_similarity": _TERMS | {"categories"},
    "scenario": _TERMS | {"scenario"},
    "oddoneout_organization": _TERMS,
    "oddoneout_modality": _TERMS,
}


GENERAL_KNOWLEDGE = "General knowledge (not stated in the source documents)"


@dataclass(frozen=True)
class Document:
    file: str
    title: str


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document section, or a note for well-known facts."""

    file: str | None = None
    section: str | None = None
    note: str | None = None

    def cite(self, documents: dict[str, Document] | None = None) -> str:
        """A citation for people: 'Document title — Section', never a file name or an editor's note.

        A fact no document states (cited with a note) reads "General knowledge"; the note itself
        stays in the bank file for its editors.
        """
        if self.file is None:
            return GENERAL_KNOWLEDGE
        title = documents[self.file].title if documents and self.file in documents else "Source document"
        return f"{title} — {self.section}" if self.section else title


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    parent: str | None
    definition: str
    exclusive_label: str
    application_label: str
    source: Source
    called: str = ""  # the category after "is": "an LLM", "Generative AI" (defaults to the name)
    plural: str = ""  # members in the plural: "LLMs" (defaults to the name)


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    part_of: str | None
    source: Source


@dataclass(frozen=True)
class Modality:
    id: str
    name: str
    source: Source


@dataclass(frozen=True)
class Method:
    id: str
    name: str
    used_by: tuple[str, ...]
    description: str
    source: Source
    clue: str = ""  # a description that does not name the method, for "which method is this?"


@dataclass(frozen=True)
class Item:
    name: str
    category: str
    organization: str | None
    modality: tuple[str, ...]
    method: str | None
    related_methods: tuple[str, ...]
    source: Source
    attribute_sources: dict[str, Source] = field(default_factory=dict, hash=False)

    def source_for(self, attribute: str) -> Source:
        return self.attribute_sources.get(attribute, self.source)


@dataclass(frozen=True)
class Application:
    name: str
    category: str
    explanation: str
    source: Source
    industry: str = ""  # the industry the document names it for ("Law")
    scenario: str = ""  # a one-sentence situation that needs it, for scenario questions
    modality: tuple[str, ...] = ()  # the kinds of content (modality ids) it needs produced


@dataclass(frozen=True)
class Dimension:
    name: str
    values: dict[str, str] = field(hash=False)
    shared: bool = False
    source: Source = Source()


@dataclass(frozen=True)
class Note:
    """A titled text: a difference or a similarity.

    ``sides`` splits a difference into what it says of each category (texts that do not name the
    category), so a question can ask which side belongs to which.
    """

    title: str
    text: str
    source: Source
    sides: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ProCon:
    category: str
    kind: str  # "pro" or "con"
    text: str
    source: Source


@dataclass(frozen=True)
class Statement:
    text: str
    answer: bool
    explanation: str
    source: Source


@dataclass(frozen=True)
class Faq:
    """A frequently asked question with a short right answer and plausible wrong ones."""

    question: str
    answer: str
    distractors: tuple[str, ...]
    explanation: str
    source: Source


@dataclass(frozen=True)
class Card:
    """A hand-written flashcard. A ``front`` with Anki cloze markup ({{c1::...}}) is a cloze note
    (no back needed); ``reworded_from`` is the front the card had before it was reworded, so
    it keeps that card's id and learners' schedules."""

    front: str
    back: str
    topic: str
    source: Source
    reworded_from: str = ""


@dataclass(frozen=True)
class FactBank:
    slug: str
    title: str
    description: str
    documents: tuple[Document, ...]
    categories: tuple[Category, ...]
    organizations: tuple[Organization, ...] = ()
    modalities: tuple[Modality, ...] = ()
    methods: tuple[Method, ...] = ()
    items: tuple[Item, ...] = ()
    applications: tuple[Application, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    differences: tuple[Note, ...] = ()
    similarities: tuple[Note, ...] = ()
    pros_cons: tuple[ProCon, ...] = ()
    statements: tuple[Statement, ...] = ()
    cards: tuple[Card, ...] = ()
    faqs: tuple[Faq, ...] = ()
    terms: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TERMS), hash=False)
    prompts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PROMPTS), hash=False)

    def __str__(self) -> str:
        return (
            f"FactBank {self.slug!r}: {len(self.categories)} categories, {len(self.items)} items, "
            f"{len(self.applications)} applications, {len(self.methods)} methods, "
            f"{len(self.dimensions)} dimensions, {len(self.statements)} statements, {len(self.cards)} cards"
        )

    # -- lookups -----------------------------------------------------------
    # By id through indexes built on first use (``cached_property`` writes the instance's __dict__, which a frozen
    # dataclass allows; they are not fields, so equality and hashing ignore them). A quiz start looks ids up
    # thousands of times, and a parsed bank is cached by content hash, so one index serves every quiz on it.
    def category(self, category_id: str) -> Category:
        return self._category_index[category_id]

    def organization(self, org_id: str) -> Organization:
        return self._organization_index[org_id]

    def method(self, method_id: str) -> Method:
        return self._method_index[method_id]

    def modality(self, modality_id: str) -> Modality:
        return self._modality_index[modality_id]

    @cached_property
    def _category_index(self) -> dict[str, Category]:
        return _index(self.categories, lambda c: c.id)

    @cached_property
    def _organization_index(self) -> dict[str, Organization]:
        return _index(self.organizations, lambda o: o.id)

    @cached_property
    def _method_index(self) -> dict[str, Method]:
        return _index(self.methods, lambda m: m.id)

    @cached_property
    def _modality_index(self) -> dict[str, Modality]:
        return _index(self.modalities, lambda m: m.id)

    @property
    def document_map(self) -> dict[str, Document]:
        return dict(self._document_index)

    @cached_property
    def _document_index(self) -> dict[str, Document]:
        return {d.file: d for d in self.documents}

    def cite(self, source: Source) -> str:
        return source.cite(self._document_index)

    # -- the subset relations -----------------------------------------------
    def ancestors(self, category_id: str) -> list[str]:
        """The category's strict ancestors, nearest first (LLM -> [Generative AI])."""
        return list(self._ancestors(category_id))

    def _ancestors(self, category_id: str) -> tuple[str, ...]:
        chains = self._ancestor_chains
        if category_id not in chains:
            chain: list[str] = []
            parent = self.category(category_id).parent
            while parent is not None:
                chain.append(parent)
                parent = self.category(parent).parent
            chains[category_id] = tuple(chain)
        return chains[category_id]

    @cached_property
    def _ancestor_chains(self) -> dict[str, tuple[str, ...]]:
        return {}

    def is_member(self, category_id: str, of: str) -> bool:
        """True when a member of ``category_id`` is also a member of ``of``."""
        return category_id == of or of in self._ancestors(category_id)

    def children(self, category_id: str) -> list[str]:
        return [c.id for c in self.categories if c.parent == category_id]

    def org_related(self, a: str, b: str) -> bool:
        """True when one organization is (part of) the other."""
        return a in self._org_chain(b) or b in self._org_chain(a)

    def org_chain(self, org_id: str) -> list[str]:
        return list(self._org_chain(org_id))

    def _org_chain(self, org_id: str) -> tuple[str, ...]:
        chains = self._org_chains
        if org_id not in chains:
            chain = [org_id]
            parent = self.organization(org_id).part_of
            while parent is not None:
                chain.append(parent)
                parent = self.organization(parent).part_of
            chains[org_id] = tuple(chain)
        return chains[org_id]

    @cached_property
    def _org_chains(self) -> dict[str, tuple[str, ...]]:
        return {}

    def methods_of_category(self, category_id: str) -> set[str]:
        """Methods a category uses: its own plus those of all its subcategories."""
        return {
            m.id
            for m in self.methods
            if any(self.is_member(user, category_id) for user in m.used_by)
        }

    def term(self, name: str) -> str:
        return self.terms.get(name, DEFAULT_TERMS[name])

    def called(self, category_id: str) -> str:
        """The category as a complement: "an LLM", "Generative AI"."""
        category = self.category(category_id)
        return category.called or category.name

    def plural(self, category_id: str) -> str:
        category = self.category(category_id)
        return category.plural or category.name


def _index(rows: Iterable[_Row], key: Callable[[_Row], str]) -> dict[str, _Row]:
    """Rows by key, the first of equal keys (as a search from the start would find)."""
    index: dict[str, _Row] = {}
    for row in rows:
        index.setdefault(key(row), row)
    return index
