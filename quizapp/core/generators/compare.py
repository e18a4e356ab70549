"""Compare: the comparison's differences, similarities, strengths and weaknesses.

"Which of these does the comparison say of LLMs, as opposed to Generative AI models?" offers
one side of a difference; the wrong answers are the other category's sides (the same
difference's other side first). "Which weakness does the comparison name for Generative AI?"
offers the other category's weaknesses as wrong answers, and "true of both" offers a
similarity among one-sided statements.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import Draft, finalize, join, prompt, sentence
from .per_bank import per_bank

KIND = "compare"
PROCON = {"pro": "strength", "con": "weakness"}


def compare(bank: FactBank, rng: random.Random) -> list[Question]:
    return finalize(KIND, _drafts(bank), rng)


@per_bank
def _drafts(bank: FactBank) -> tuple[Draft, ...]:
    sides = [(d, cid, text) for d in bank.differences for cid, text in d.sides.items()]
    whose = {text: (d, cid) for d, cid, text in sides}
    similar = {s.text: s for s in bank.similarities}

    def said(text: str) -> str:
        if text in similar:
            return f'"{similar[text].title}" is said of both'
        d, c = whose[text]
        return f"{bank.plural(c)} ({d.title}): {sentence(text)}"

    def fact(text: str) -> str:
        if text in similar:
            return f"sim:{similar[text].title}"
        return f"diff:{whose[text][0].title}:{whose[text][1]}"

    drafts: list[Draft] = []
    for d, cid, text in sides:
        others = [c for c in d.sides if c != cid]
        if not others:
            continue
        wrong = [t for _, c, t in sides if c != cid] + [s.text for s in bank.similarities]

        def explain(chosen: list[str], d_title: str = d.title, cid: str = cid) -> str:
            parts = [said(o) for o in chosen]
            return (f'On "{d_title}" the comparison says this of {bank.plural(cid)}. '
                    f"The others are said of other categories: {' '.join(parts)}")

        drafts.append(Draft(
            prompt=prompt(bank, "compare_difference", category=bank.plural(cid),
                          other=join([bank.plural(o) for o in others])),
            key=text, candidates=wrong, explain=explain, source=bank.cite(d.source), categories=(cid,),
            facts=(f"diff:{d.title}:{cid}",), subject=" ".join(bank.plural(c) for c in d.sides),
            preferred=frozenset(d.sides[o] for o in others),
            option_fact=fact))
    owner = {p.text: p for p in bank.pros_cons}
    for p in bank.pros_cons:
        wrong = [q.text for q in bank.pros_cons if q.kind == p.kind and q.category != p.category]

        def explain_pc(chosen: list[str], p_text: str = p.text, cid: str = p.category, kind: str = p.kind) -> str:
            parts = "; ".join(f"{bank.plural(owner[o].category)}: {o}" for o in chosen)
            return (f"The comparison names this {PROCON[kind]} for {bank.plural(cid)}. "
                    f"The others are named for other categories ({parts}).")

        drafts.append(Draft(
            prompt=prompt(bank, "compare_procon", category=bank.plural(p.category), procon=PROCON[p.kind]),
            key=p.text, candidates=wrong, explain=explain_pc, source=bank.cite(p.source),
            categories=(p.category,), facts=(f"procon:{p.text}",), subject=bank.plural(p.category),
            option_fact=lambda t: f"procon:{t}"))
    every = join([bank.plural(c.id) for c in bank.categories])
    for s in bank.similarities:
        wrong = [t for _, _, t in sides]

        def explain_sim(chosen: list[str], s_title: str = s.title) -> str:
            parts = " ".join(f"{bank.plural(whose[o][1])} only: {sentence(o)}" for o in chosen)
            return f'"{s_title}" is a similarity. {parts}'

        drafts.append(Draft(
            prompt=prompt(bank, "compare_similarity", categories=every), key=s.text, candidates=wrong,
            explain=explain_sim, source=bank.cite(s.source), facts=(f"sim:{s.title}",), subject=every,
            option_fact=lambda t: f"diff:{whose[t][0].title}:{whose[t][1]}"))
    return tuple(drafts)

