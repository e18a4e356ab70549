"""The bank's entries by id, built once per derivation (pure).

:class:`~quizapp.core.bank.FactBank` finds an entry by scanning its tuple, and builds its
document map on every citation; asked once per card that is quadratic in a bank's size.
Deriving a deck from an uploaded bank must stay linear, so the card builders look
entries up here instead.
"""

from __future__ import annotations

from ..bank import Category, FactBank, Item, Method, Modality, Organization, Source
from .wording import join, mentions_any

GENERAL_KNOWLEDGE = "General knowledge (not from the bank's documents)"


class Lookup:
    def __init__(self, bank: FactBank) -> None:
        self.bank = bank
        self.categories: dict[str, Category] = {c.id: c for c in bank.categories}
        self.organizations: dict[str, Organization] = {o.id: o for o in bank.organizations}
        self.methods: dict[str, Method] = {m.id: m for m in bank.methods}
        self.modalities: dict[str, Modality] = {m.id: m for m in bank.modalities}
        self.documents = {d.file: d.title for d in bank.documents}
        self._ancestors: dict[str, list[str]] = {}
        self._methods_of: dict[str, frozenset[str]] = {}
        common: dict[str, set[str]] = {}
        for item in bank.items:  # what every item of a category produces
            mine = set(item.modality)
            common[item.category] = common[item.category] & mine if item.category in common else mine
        self._common_modalities = common

    def category(self, category_id: str) -> Category:
        return self.categories[category_id]

    def ancestors(self, category_id: str) -> list[str]:
        """The strict ancestors, nearest first (the loader rejects cycles)."""
        if category_id not in self._ancestors:
            parent = self.categories[category_id].parent
            self._ancestors[category_id] = [] if parent is None else [parent, *self.ancestors(parent)]
        return self._ancestors[category_id]

    def is_member(self, category_id: str, of: str) -> bool:
        return category_id == of or of in self.ancestors(category_id)

    def org_chain(self, org_id: str) -> list[str]:
        chain = [org_id]
        while (parent := self.organizations[chain[-1]].part_of) is not None and parent not in chain:
            chain.append(parent)
        return chain

    def methods_of_category(self, category_id: str) -> frozenset[str]:
        """Methods a category uses: its own and its subcategories' (as FactBank.methods_of_category)."""
        if category_id not in self._methods_of:
            self._methods_of[category_id] = frozenset(
                m.id for m in self.bank.methods if any(self.is_member(user, category_id) for user in m.used_by))
        return self._methods_of[category_id]

    def shares_content_with_category(self, item: Item) -> bool:
        """True when every item of its category produces this item's content too (every LLM produces text)."""
        return set(item.modality) <= self._common_modalities.get(item.category, set())

    def cite(self, source: Source) -> str:
        """A citation for learners: "<document title> — <section>", never a file name or an editor's note.

        A fact the documents do not state (a "Well known: ..." note) is cited as general knowledge;
        the note itself is for the bank's editors.
        """
        if source.file is None:
            return GENERAL_KNOWLEDGE
        title = self.documents.get(source.file, "The bank's documents")
        return f"{title} — {source.section}" if source.section else title

    def cite_all(self, sources: list[Source]) -> str:
        return "; ".join(dict.fromkeys(self.cite(s) for s in sources))

    def category_line(self, category: Category) -> str:
        """What membership in a category means, subset relation included.

        The exclusive label usually says it ("An LLM (and so also Generative AI)"); when it
        names none of the ancestors (e.g. a leaf whose label defaulted to its name), the
        ancestors are spelled out so a card never suggests an LLM is not Generative AI.
        """
        label = category.exclusive_label
        ancestors = [self.categories[a].name for a in self.ancestors(category.id)]
        if ancestors and not mentions_any(label, ancestors, own=category.name):
            label = f"{label}, and so also {join(ancestors)}"
        return label
