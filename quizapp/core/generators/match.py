"""Match: 4-5 rows to at least three different right-hand choices, from many-valued relations.

Relations: item → organization, item → kind of content, item → method, application → industry.
Rows never echo their own answer (Stable Diffusion → Diffusion), never come from one family
(Dall-E 2 and Dall-E 3), and right-hand choices are never related to each other (DeepMind and
Google). Each right-hand choice is used once where the relation has enough values; the list
holds one unused choice more when there is one, so the last row is not given away.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..bank import FactBank
from ..questions import Question
from .common import echoes, family, item_fact, prompt, sources
from .per_bank import per_bank

KIND = "match"
ROWS = (4, 5)
MIN_CHOICES = 3
PER_RELATION = 6  # match questions per relation in a pool


@dataclass(frozen=True)
class Row:
    left: str
    right: str
    fact: str
    source: str
    why: str


@per_bank
def _relations(bank: FactBank) -> dict[str, list[Row]]:
    rel: dict[str, list[Row]] = {"match_organization": [], "match_modality": [], "match_method": [],
                                 "match_industry": []}
    for item in bank.items:
        if item.organization:
            org = bank.organization(item.organization).name
            rel["match_organization"].append(Row(item.name, org, item_fact(item.name, "organization"),
                                                 bank.cite(item.source_for("organization")),
                                                 f"{item.name} is {org}'s"))
        if len(item.modality) == 1:
            mod = bank.modality(item.modality[0]).name
            rel["match_modality"].append(Row(item.name, mod, item_fact(item.name, "modality"),
                                             bank.cite(item.source_for("modality")),
                                             f"{item.name} produces {mod.lower()}"))
        if item.method:
            meth = bank.method(item.method).name
            rel["match_method"].append(Row(item.name, meth, item_fact(item.name, "method"),
                                           bank.cite(item.source_for("method")), f"{item.name} is built on {meth}"))
    for app in bank.applications:
        if app.industry:
            rel["match_industry"].append(Row(app.name, app.industry, f"app:{app.name}:industry", bank.cite(app.source),
                                             f"{app.name}: {app.industry}"))
    return {k: [r for r in rows if not echoes(r.left, r.right)] for k, rows in rel.items()}


@per_bank
def _by_right(bank: FactBank) -> dict[str, dict[str, list[Row]]]:
    """Each relation's rows by their right-hand side, in the order the rows come."""
    tables: dict[str, dict[str, list[Row]]] = {}
    for key, rows in _relations(bank).items():
        by_right = tables[key] = {}
        for r in rows:
            by_right.setdefault(r.right, []).append(r)
    return tables


@per_bank
def _echoed(bank: FactBank) -> dict[str, dict[str, frozenset[str]]]:
    """Per relation, the right-hand choices each row's left-hand side echoes ("creating" / "Content Creation")."""
    return {key: {r.left: frozenset(right for right in by_right if echoes(r.left, right))
                  for rows in by_right.values() for r in rows}
            for key, by_right in _by_right(bank).items()}


@per_bank
def _related(bank: FactBank) -> dict[str, frozenset[str]]:
    """Each organization's name, with the names of the organizations it is (part of) or that are part of it."""
    orgs = {o.name: o.id for o in bank.organizations}
    return {a: frozenset(b for b in orgs if bank.org_related(orgs[a], orgs[b])) for a in orgs}


def _build(rng: random.Random, by_right: dict[str, list[Row]], related: dict[str, frozenset[str]]) -> list[Row] | None:
    rights = list(by_right)
    rng.shuffle(rights)
    labels: list[str] = []
    for right in rights:
        if related.get(right, frozenset()).isdisjoint(labels):  # no choice related to another (DeepMind, Google)
            labels.append(right)
    if len(labels) < MIN_CHOICES:
        return None
    size = rng.choice(ROWS)
    chosen: list[Row] = []
    use = labels[:size]
    extra = [lab for lab in labels if lab not in use]
    cycle = list(use)
    families: set[str] = set()  # the chosen rows' families: no two rows of one
    while len(chosen) < size and cycle:
        label = cycle[len(chosen) % len(cycle)]
        # (a chosen row's own family is in ``families``: no row is chosen twice)
        options = [r for r in by_right[label] if family(r.left) not in families]
        if not options:
            cycle.remove(label)
            continue
        chosen.append(rng.choice(options))
        families.add(family(chosen[-1].left))
    if len(chosen) < ROWS[0] or len({r.right for r in chosen}) < MIN_CHOICES:
        return None
    return chosen + ([Row("", extra[0], "", "", "")] if extra else [])


def match(bank: FactBank, rng: random.Random) -> list[Question]:
    related = _related(bank)
    out: list[Question] = []
    for key, by_right in _by_right(bank).items():
        text = prompt(bank, key)
        asked = sum(1 for q in out if q.prompt == text)  # (two relations may share a bank's own prompt text)
        echoed = _echoed(bank)[key]
        seen: set[frozenset[str]] = set()
        for _ in range(PER_RELATION * 4):
            if asked >= PER_RELATION:
                break
            built = _build(rng, by_right, related)
            if built is None:
                break
            real = [r for r in built if r.left]
            choices = {r.right for r in built}
            if any(not echoed[r.left].isdisjoint(choices) for r in real):
                continue  # a row that echoes any choice ("creating" / "Content Creation") is a cue
            signature = frozenset(r.left for r in real)
            if signature in seen:
                continue
            seen.add(signature)
            options = sorted({r.right for r in built})
            rng.shuffle(options)
            out.append(Question(
                kind=KIND, prompt=text, options=tuple(options),
                pairs=tuple((r.left, r.right) for r in real),
                explanation="; ".join(r.why for r in real) + ".", source=sources(r.source for r in real),
                categories=tuple(sorted({c for r in real for c in _categories(bank, r.left)})),
                facts=tuple(r.fact for r in real)))
            asked += 1
    return out


def _categories(bank: FactBank, left: str) -> list[str]:
    return _categories_of(bank).get(left, [])


@per_bank
def _categories_of(bank: FactBank) -> dict[str, list[str]]:
    """The categories of each row's left-hand side: an item's, or those of the applications of that name."""
    out: dict[str, list[str]] = {}
    for app in bank.applications:
        out.setdefault(app.name, []).append(app.category)
    for item in reversed(bank.items):  # the first item of a name, as a search from the start finds it
        out[item.name] = [item.category]
    return out
