"""Scenario: a situation from the documents' applications and industries; which item fits the job.

"A law firm wants first drafts of contracts summarised. Which of these models fits the job?"
The key produces the kind of content the application needs; the wrong answers produce none of
it. Items that produce several kinds are left out, and no option echoes the scenario's words.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import Draft, different_families, finalize, item_fact, join, prompt
from .modality import single_modality
from .per_bank import per_bank

KIND = "scenario"


def scenario(bank: FactBank, rng: random.Random) -> list[Question]:
    by_need: dict[tuple[str, ...], list[Draft]] = {}
    for need, fit, drafts in _apps(bank):
        for key in rng.sample(fit, 1):
            by_need.setdefault(need, []).append(drafts[key])
    # Each need is asked equally often, so that no item is the key more often than it is wrong.
    groups = [g for g in by_need.values() if g]
    size = min((len(g) for g in groups), default=0)
    return finalize(KIND, [d for g in groups for d in rng.sample(g, size)], rng)


@per_bank
def _apps(bank: FactBank) -> tuple[tuple[tuple[str, ...], tuple[str, ...], dict[str, Draft]], ...]:
    """Per application with a scenario: the kinds of content it needs, the items that fit, and the draft with
    each of them as the key (a pool asks one of them)."""
    items = single_modality(bank)
    produces = {i.name: i.modality[0] for i in items}
    out = []
    for app in bank.applications:
        if not app.scenario or not app.modality:
            continue
        fit = [i.name for i in items if produces[i.name] in app.modality]
        unfit = [i.name for i in items if produces[i.name] not in app.modality]
        if not fit:
            continue
        needs = join([bank.modality(m).name.lower() for m in app.modality], "or")
        drafts = {}
        for key in fit:

            def explain(chosen: list[str], key: str = key, needs: str = needs, why: str = app.explanation) -> str:
                wrong = "; ".join(f"{o} produces {bank.modality(produces[o]).name.lower()}" for o in chosen)
                return f"The job needs {needs}, and {key} produces it. {why} Not the others: {wrong}.".replace(
                    "  ", " ")

            drafts[key] = Draft(
                prompt=prompt(bank, KIND, scenario=app.scenario), key=key, candidates=unfit, explain=explain,
                source=bank.cite(app.source), categories=(app.category,),
                facts=(f"app:{app.name}:category", item_fact(key, "modality")), subject=app.scenario,
                compatible=different_families)
        out.append((app.modality, tuple(fit), drafts))
    return tuple(out)
