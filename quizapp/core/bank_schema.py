"""Validating a whole fact bank, section by section, into a :class:`FactBank`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .bank import (
    DEFAULT_PROMPTS,
    DEFAULT_TERMS,
    PROMPT_FIELDS,
    Application,
    Card,
    Category,
    Dimension,
    Document,
    FactBank,
    Faq,
    Item,
    Method,
    Modality,
    Note,
    Organization,
    ProCon,
    Source,
    Statement,
)
from .bank_fields import BankError, FieldChecker
from .input_checks import excerpt
from .prompt_templates import template_problems

FORMAT = "quizapp-factbank/1"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CARD_TOPICS = ("models", "applications", "methods", "dimensions", "pros_cons", "faq")
CLOZE_RE = re.compile(r"\{\{c\d+::.+?\}\}", re.S)
TOP_LEVEL_KEYS = {
    "format", "slug", "title", "description", "terms", "prompts", "documents", "categories",
    "organizations", "modalities", "methods", "items", "applications", "dimensions",
    "differences", "similarities", "pros_cons", "statements", "cards", "faqs",
}


class BankValidator(FieldChecker):
    # -- the whole bank ------------------------------------------------------
    def build(self, data: Any) -> FactBank:
        if not isinstance(data, dict):
            raise BankError([f"{self.filename}: the file must be a YAML mapping with format, slug, title, ..."])
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.error("", f"unknown top-level key '{excerpt(key)}'", data)
        fmt = data.get("format")
        if fmt != FORMAT:
            self.error("format", f"must be '{FORMAT}', not {excerpt(fmt)!r}", data)
        slug = self.text(data, "slug", "")
        if slug and not SLUG_RE.match(slug):
            self.error("slug", f"'{excerpt(slug)}' must be lower-case letters, digits and single '-'", data)
        title = self.text(data, "title", "")
        description = self.text(data, "description", "", required=False)

        documents = self._documents(data)
        self.document_files = {d.file for d in documents}
        terms = self._terms(data)
        prompts = self._prompts(data)
        categories = self._categories(data)
        cat_ids = {c.id for c in categories}
        organizations = self._organizations(data)
        modalities = self._simple(data, "modalities", Modality)
        methods = self._methods(data, cat_ids)
        items = self._items(data, cat_ids, {o.id for o in organizations}, {m.id for m in modalities},
                            {m.id for m in methods})
        applications = self._applications(data, cat_ids, {m.id for m in modalities})
        dimensions = self._dimensions(data, cat_ids)
        differences = self._notes(data, "differences", cat_ids)
        similarities = self._notes(data, "similarities", cat_ids)
        pros_cons = self._pros_cons(data, cat_ids)
        statements = self._statements(data)
        cards = self._cards(data)
        faqs = self._faqs(data)
        if self.problems:
            raise BankError(self.problems)
        return FactBank(
            slug=slug, title=title, description=description, documents=documents,
            categories=categories, organizations=organizations, modalities=modalities,
            methods=methods, items=items, applications=applications, dimensions=dimensions,
            differences=differences, similarities=similarities, pros_cons=pros_cons,
            statements=statements, cards=cards, faqs=faqs, terms=terms, prompts=prompts,
        )

    def _documents(self, data: dict[str, Any]) -> tuple[Document, ...]:
        docs = []
        for where, entry in self.entries(data, "documents"):
            if self.fields(entry, where, {"file", "title"}):
                docs.append((where, entry, Document(self.text(entry, "file", where), self.text(entry, "title", where))))
        if "documents" not in data:
            self.error("documents", "is required: list the documents that entries cite", data)
        self.unique([(w, e, d.file) for w, e, d in docs], "file")
        return tuple(d for _, _, d in docs)

    def _terms(self, data: dict[str, Any]) -> dict[str, str]:
        terms = dict(DEFAULT_TERMS)
        value = data.get("terms") or {}
        if self.fields(value, "terms", set(DEFAULT_TERMS)):
            for key in value:
                if key in DEFAULT_TERMS:
                    terms[key] = self.text(value, key, "terms")
        return terms

    def _prompts(self, data: dict[str, Any]) -> dict[str, str]:
        prompts = dict(DEFAULT_PROMPTS)
        value = data.get("prompts") or {}
        if not self.fields(value, "prompts", set(DEFAULT_PROMPTS)):
            return prompts
        for key in value:
            if key not in DEFAULT_PROMPTS:
                continue
            template = self.text(value, key, "prompts")
            found = template_problems(template, PROMPT_FIELDS[key])
            for problem in found:
                self.error("prompts", f"{key} {problem}", value)
            if not found:
                prompts[key] = template
        return prompts

    def _categories(self, data: dict[str, Any]) -> tuple[Category, ...]:
        raw = []
        for where, entry in self.entries(data, "categories"):
            where = self.named(where, entry, "id")
            if self.fields(entry, where, {"id", "name", "parent", "definition", "exclusive_label",
                                          "application_label", "called", "plural", "source"}):
                raw.append((where, entry))
        if not raw:
            self.error("categories", "at least two categories are needed for a comparison", data)
        ids = {str(e.get("id")) for _, e in raw}
        parents = {str(e.get("id")): e.get("parent") for _, e in raw}
        has_children = {str(p) for p in parents.values() if p is not None}
        categories, cyclic = [], self._cyclic(parents)
        for where, entry in raw:
            cid = self.ident(entry, "id", where)
            parent = self.ref(entry, "parent", where, ids, "category", required=False)
            if parent == cid:
                self.error(where, "parent must not be the category itself", entry)
            elif parent is not None and str(entry.get("id")) in cyclic:
                self.error(where, f"parent '{excerpt(parent)}' makes a cycle of subsets", entry)
            name = self.text(entry, "name", where)
            exclusive = self.text(entry, "exclusive_label", where, required=False)
            if cid in has_children and not exclusive:
                self.error(where, "exclusive_label is required because the category has subcategories "
                           "(a phrase true of its members outside those subcategories)", entry)
            exclusive = exclusive or name
            categories.append(Category(
                id=cid, name=name, parent=parent,
                definition=self.text(entry, "definition", where, required=False),
                exclusive_label=exclusive,
                application_label=self.text(entry, "application_label", where, required=False) or exclusive,
                source=self.source(entry, where),
                called=self.text(entry, "called", where, required=False),
                plural=self.text(entry, "plural", where, required=False),
            ))
        for attribute in ("id", "exclusive_label", "application_label"):
            self.unique([(w, e, getattr(c, attribute)) for (w, e), c in zip(raw, categories, strict=True)], attribute)
        return tuple(categories)

    @staticmethod
    def _cyclic(parents: dict[str, Any]) -> set[str]:
        """The ids whose chain of parents runs into a cycle. Each id is walked once: linear, where walking
        every chain from its start would be quadratic in a long chain."""
        runs_into_cycle: dict[str, bool] = {}
        for start in parents:
            path: list[str] = []
            on_path: set[str] = set()
            current: str | None = start
            while current is not None and current not in runs_into_cycle and current not in on_path:
                path.append(current)
                on_path.add(current)
                parent = parents.get(current)
                current = None if parent is None else str(parent)
            cyclic = current is not None and (current in on_path or runs_into_cycle[current])
            runs_into_cycle.update(dict.fromkeys(path, cyclic))
        return {node for node, cyclic in runs_into_cycle.items() if cyclic}

    def _organizations(self, data: dict[str, Any]) -> tuple[Organization, ...]:
        raw = [(self.named(w, e, "id"), e) for w, e in self.entries(data, "organizations")]
        raw = [(w, e) for w, e in raw if self.fields(e, w, {"id", "name", "part_of", "source"})]
        ids = {str(e.get("id")) for _, e in raw}
        parents = {str(e.get("id")): e.get("part_of") for _, e in raw}
        orgs, cyclic = [], self._cyclic(parents)
        for where, entry in raw:
            oid = self.ident(entry, "id", where)
            part_of = self.ref(entry, "part_of", where, ids, "organization", required=False)
            if part_of is not None and str(entry.get("id")) in cyclic:
                self.error(where, f"part_of '{excerpt(part_of)}' makes a cycle", entry)
            orgs.append(Organization(oid, self.text(entry, "name", where), part_of, self.source(entry, where)))
        self.unique([(w, e, o.id) for (w, e), o in zip(raw, orgs, strict=True)], "id")
        self.unique([(w, e, o.name) for (w, e), o in zip(raw, orgs, strict=True)], "name")
        return tuple(orgs)

    def _simple(self, data: dict[str, Any], key: str, cls: Callable[..., Any]) -> tuple[Any, ...]:
        out = []
        for where, entry in self.entries(data, key):
            where = self.named(where, entry, "id")
            if self.fields(entry, where, {"id", "name", "source"}):
                out.append((where, entry, cls(self.ident(entry, "id", where), self.text(entry, "name", where),
                                              self.source(entry, where))))
        self.unique([(w, e, o.id) for w, e, o in out], "id")
        self.unique([(w, e, o.name) for w, e, o in out], "name")
        return tuple(o for _, _, o in out)

    def _methods(self, data: dict[str, Any], cat_ids: set[str]) -> tuple[Method, ...]:
        out = []
        for where, entry in self.entries(data, "methods"):
            where = self.named(where, entry, "id")
            if not self.fields(entry, where, {"id", "name", "used_by", "description", "clue", "source"}):
                continue
            used_by = self.ref_list(entry, "used_by", where, cat_ids, "category")
            if not used_by:
                self.error(where, "used_by must name at least one category", entry)
            out.append((where, entry, Method(
                self.ident(entry, "id", where), self.text(entry, "name", where), used_by,
                self.text(entry, "description", where, required=False), self.source(entry, where),
                clue=self.text(entry, "clue", where, required=False))))
        self.unique([(w, e, m.id) for w, e, m in out], "id")
        self.unique([(w, e, m.name) for w, e, m in out], "name")
        return tuple(m for _, _, m in out)

    def _items(self, data: dict[str, Any], cats: set[str], orgs: set[str], mods: set[str],
               meths: set[str]) -> tuple[Item, ...]:
        out = []
        for where, entry in self.entries(data, "items"):
            where = self.named(where, entry)
            if not self.fields(entry, where, {"name", "category", "organization", "modality", "method",
                                              "related_methods", "source", "attribute_sources"}):
                continue
            method = self.ref(entry, "method", where, meths, "method", required=False)
            related = self.ref_list(entry, "related_methods", where, meths, "method")
            if method is not None and method in related:
                self.error(where, f"related_methods must not repeat the method '{method}'", entry)
            attr_sources: dict[str, Source] = {}
            extra = entry.get("attribute_sources") or {}
            if self.fields(extra, f"{where}: attribute_sources", {"organization", "method", "modality"}):
                for key in extra:
                    if key in {"organization", "method", "modality"}:
                        attr_sources[key] = self.source(extra, f"{where}: attribute_sources", key)
            out.append((where, entry, Item(
                name=self.text(entry, "name", where),
                category=self.ref(entry, "category", where, cats, "category", required=True) or "",
                organization=self.ref(entry, "organization", where, orgs, "organization", required=False),
                modality=self.ref_list(entry, "modality", where, mods, "modality"),
                method=method, related_methods=related,
                source=self.source(entry, where), attribute_sources=attr_sources,
            )))
        self.unique([(w, e, i.name.casefold()) for w, e, i in out], "name")
        return tuple(i for _, _, i in out)

    def _applications(self, data: dict[str, Any], cats: set[str], mods: set[str]) -> tuple[Application, ...]:
        out = []
        for where, entry in self.entries(data, "applications"):
            where = self.named(where, entry)
            if self.fields(entry, where, {"name", "category", "explanation", "industry", "scenario", "modality",
                                          "source"}):
                out.append((where, entry, Application(
                    self.text(entry, "name", where),
                    self.ref(entry, "category", where, cats, "category", required=True) or "",
                    self.text(entry, "explanation", where, required=False),
                    self.source(entry, where),
                    industry=self.text(entry, "industry", where, required=False),
                    scenario=self.text(entry, "scenario", where, required=False),
                    modality=self.ref_list(entry, "modality", where, mods, "modality"))))
        self.unique([(w, e, a.name.casefold()) for w, e, a in out], "name")
        return tuple(a for _, _, a in out)

    MAX_MISSING_SHOWN = 5

    def _missing_values(self, where: str, entry: Any, sorted_cats: list[str], present: set[str]) -> None:
        """An error for each of the first few categories without a value, then a count: cost linear in the
        values given, not in the categories (many dimensions times many categories would be quadratic)."""
        missing = len(sorted_cats) - len(present.intersection(sorted_cats))
        shown = 0
        for cid in sorted_cats:
            if shown == min(missing, self.MAX_MISSING_SHOWN):
                break
            if cid not in present:
                self.error(where, f"values has no value for category '{cid}'", entry)
                shown += 1
        if missing > shown:
            self.error(where, f"values has no value for {missing - shown} more categories", entry)

    def _dimensions(self, data: dict[str, Any], cats: set[str]) -> tuple[Dimension, ...]:
        out, sorted_cats = [], sorted(cats)
        for where, entry in self.entries(data, "dimensions"):
            where = self.named(where, entry)
            if not self.fields(entry, where, {"name", "values", "shared", "source"}):
                continue
            values = entry.get("values")
            clean: dict[str, str] = {}
            if not isinstance(values, dict):
                self.error(where, "values must map every category id to its value", entry)
            else:
                for key in values:
                    if str(key) not in cats:
                        self.error(where, f"values has '{excerpt(key)}', which is not a declared category", entry)
                self._missing_values(where, entry, sorted_cats, {str(k) for k in values})
                clean = {str(k): self.text(values, k, f"{where}: values") for k in values}
            shared = entry.get("shared", False)
            if not isinstance(shared, bool):
                self.error(where, "shared must be true or false", entry)
                shared = False
            elif not shared and len(set(clean.values())) != len(clean):
                self.error(where, "two categories have the same value; mark the dimension shared: true", entry)
            out.append((where, entry, Dimension(self.text(entry, "name", where), clean, shared,
                                                self.source(entry, where))))
        self.unique([(w, e, d.name.casefold()) for w, e, d in out], "name")
        return tuple(d for _, _, d in out)

    def _notes(self, data: dict[str, Any], key: str, cats: set[str]) -> tuple[Note, ...]:
        out = []
        for where, entry in self.entries(data, key):
            where = self.named(where, entry, "title")
            if not self.fields(entry, where, {"title", "text", "sides", "source"}):
                continue
            sides: dict[str, str] = {}
            raw = entry.get("sides")
            if raw is not None:
                if not isinstance(raw, dict):
                    self.error(where, "sides must map category ids to what the text says of each", entry)
                else:
                    for cid in raw:
                        if str(cid) not in cats:
                            self.error(where, f"sides has '{cid}', which is not a declared category", entry)
                    sides = {str(k): self.text(raw, k, f"{where}: sides") for k in raw}
            out.append(Note(self.text(entry, "title", where), self.text(entry, "text", where),
                            self.source(entry, where), sides))
        return tuple(out)

    def _faqs(self, data: dict[str, Any]) -> tuple[Faq, ...]:
        out = []
        for where, entry in self.entries(data, "faqs"):
            where = self.named(where, entry, "question")
            if not self.fields(entry, where, {"question", "answer", "distractors", "explanation", "source"}):
                continue
            raw = entry.get("distractors")
            distractors: list[str] = []
            if not isinstance(raw, list) or len(raw) < 2:
                self.error(where, "distractors must list at least two plausible wrong answers", entry)
            else:
                distractors = [str(d).strip() for d in raw]
            answer = self.text(entry, "answer", where)
            if answer in distractors or len(set(distractors)) != len(distractors):
                self.error(where, "the answer and the distractors must all differ", entry)
            out.append((where, entry, Faq(self.text(entry, "question", where), answer, tuple(distractors),
                                          self.text(entry, "explanation", where), self.source(entry, where))))
        self.unique([(w, e, f.question.casefold()) for w, e, f in out], "question")
        return tuple(f for _, _, f in out)

    def _pros_cons(self, data: dict[str, Any], cats: set[str]) -> tuple[ProCon, ...]:
        out = []
        for where, entry in self.entries(data, "pros_cons"):
            if not self.fields(entry, where, {"category", "kind", "text", "source"}):
                continue
            kind = self.text(entry, "kind", where)
            if kind and kind not in ("pro", "con"):
                self.error(where, f"kind '{excerpt(kind)}' must be 'pro' or 'con'", entry)
            out.append(ProCon(self.ref(entry, "category", where, cats, "category", required=True) or "",
                              kind, self.text(entry, "text", where), self.source(entry, where)))
        return tuple(out)

    def _statements(self, data: dict[str, Any]) -> tuple[Statement, ...]:
        out = []
        for where, entry in self.entries(data, "statements"):
            if not self.fields(entry, where, {"text", "answer", "explanation", "source"}):
                continue
            answer = entry.get("answer")
            if not isinstance(answer, bool):
                self.error(where, f"answer must be true or false, not {excerpt(answer)!r}", entry)
            out.append((where, entry, Statement(self.text(entry, "text", where), bool(answer),
                                                self.text(entry, "explanation", where), self.source(entry, where))))
        self.unique([(w, e, s.text.casefold()) for w, e, s in out], "text")
        return tuple(s for _, _, s in out)

    def _cards(self, data: dict[str, Any]) -> tuple[Card, ...]:
        out: list[Card] = []
        for where, entry in self.entries(data, "cards"):
            if not self.fields(entry, where, {"front", "back", "topic", "source", "reworded_from"}):
                continue
            topic = self.text(entry, "topic", where, required=False, default="faq")
            if topic not in CARD_TOPICS:
                self.error(where, f"topic '{excerpt(topic)}' must be one of: {', '.join(CARD_TOPICS)}", entry)
            front = self.text(entry, "front", where)
            cloze = bool(CLOZE_RE.search(front))  # a cloze note: its gaps are the answers
            out.append(Card(front, self.text(entry, "back", where, required=not cloze), topic,
                            self.source(entry, where),
                            self.text(entry, "reworded_from", where, required=False)))
        return tuple(out)

