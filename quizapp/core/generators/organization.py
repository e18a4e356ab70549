"""Organization: who made an item.

Never asked when the organization is named after the item (Midjourney, Inc.); organizations that
contain or belong to the answer (Google for DeepMind's BigGAN) are never wrong answers. Makers
of models of the same kind of content are the preferred distractors. No organization is asked
about more often than the rarest one, so "OpenAI" (nine models) is no safe guess.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import Draft, cap_keys, echoes, finalize, item_fact, join, prompt
from .per_bank import per_bank

KIND = "organization"


def organization(bank: FactBank, rng: random.Random) -> list[Question]:
    return finalize(KIND, cap_keys(_drafts(bank), rng), rng)


@per_bank
def _drafts(bank: FactBank) -> tuple[Draft, ...]:
    orgs = {o.name: o for o in bank.organizations}
    made: dict[str, list[str]] = {}
    for item in bank.items:
        if item.organization and not _named_after(bank, item.name, item.organization):
            made.setdefault(bank.organization(item.organization).name, []).append(item.name)
    drafts = []
    for item in bank.items:
        if not item.organization or _named_after(bank, item.name, item.organization):
            continue
        key = bank.organization(item.organization).name
        wrong = [name for name, o in orgs.items()
                 if name in made and not bank.org_related(o.id, item.organization)]
        same_kind = {bank.organization(i.organization).name for i in bank.items
                     if i.organization and set(i.modality) & set(item.modality)}

        def explain(chosen: list[str], item_name: str = item.name, key: str = key) -> str:
            others = "; ".join(f"{o} made {join(made[o][:2])}" for o in chosen)
            return f"{item_name} is {key}'s. {others}."

        drafts.append(Draft(prompt=prompt(bank, KIND, item=item.name), key=key, candidates=wrong,
                            explain=explain, source=bank.cite(item.source_for("organization")),
                            categories=(item.category,), facts=(item_fact(item.name, "organization"),),
                            subject=item.name, preferred=frozenset(same_kind),
                            compatible=lambda a, b: not bank.org_related(orgs[a].id, orgs[b].id)))
    return tuple(drafts)


def _named_after(bank: FactBank, item_name: str, org_id: str) -> bool:
    """Midjourney by Midjourney, Inc.: asking it, or offering the maker, gives the answer away."""
    return echoes(item_name, bank.organization(org_id).name)
