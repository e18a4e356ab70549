"""Multiple answer: "select all that apply", over items and over applications.

"Which of these models are LLMs?" (every LLM must be ticked) and "Which of these applications
need more than an LLM?" are scored with partial credit: right options share +1 and wrong ones
share −1, floored at 0, so ticking every box scores 0. Every question has one to three right
options out of five, at least two wrong ones, and each target is asked equally often.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ..bank import FactBank
from ..questions import Question
from .common import drawn, echoes, family, item_fact, lower_first, prompt, sources
from .per_bank import per_bank
from .targets import membership_line, targets

KIND = "multiple"
OPTIONS = 5
MAX_RIGHT = 3
PER_TARGET = 6


@dataclass(frozen=True)
class Entry:
    name: str
    fact: str
    source: str
    line: str  # why it is or is not in the target


@dataclass(frozen=True)
class _Ask:
    """A prompt to ask, with its right and wrong entries, and the names among them that echo the prompt."""

    text: str
    inside: tuple[Entry, ...]
    outside: tuple[Entry, ...]
    category: str
    echoing: frozenset[str]


def _questions(rng: random.Random, ask: _Ask, count: int) -> list[Question]:
    out: list[Question] = []
    text, inside, outside, echoing = ask.text, ask.inside, ask.outside, ask.echoing
    if len(inside) < 1 or len(outside) < OPTIONS - MAX_RIGHT:
        return out
    for _ in range(count * 4):
        if len(out) >= count:
            break
        right = rng.randint(1, min(MAX_RIGHT, len(inside), OPTIONS - 2))
        # A draw with an option that echoes the prompt is dropped as soon as that option is drawn.
        keys = _sample_distinct(rng, inside, right, [])
        if keys is None or any(k.name in echoing for k in keys):
            continue
        wrong = _sample_distinct(rng, outside, OPTIONS - right, keys)
        if wrong is None or any(w.name in echoing for w in wrong):
            continue
        at = set(rng.sample(range(OPTIONS), right))
        rest = iter(wrong)
        given = iter(keys)
        options = [next(given) if i in at else next(rest) for i in range(OPTIONS)]
        names = tuple(o.name for o in options)
        if _length_gives_away(names, {k.name for k in keys}):
            continue
        answers = tuple(sorted(names.index(k.name) for k in keys))
        explanation = (f"Right: {' '.join(k.line for k in keys)} "
                       f"Not right: {' '.join(w.line for w in wrong)}")
        out.append(Question(kind=KIND, prompt=text, options=names, answers=answers, explanation=explanation,
                            source=sources(o.source for o in options), categories=(ask.category,),
                            facts=tuple(o.fact for o in options)))
    return out


def _sample_distinct(rng: random.Random, entries: Sequence[Entry], count: int,
                     already: Sequence[Entry] | None) -> list[Entry] | None:
    if already is None:
        return None
    chosen: list[Entry] = []
    families = {family(a.name) for a in already}  # no two options of one family, with ``already`` too
    if count == 0:
        return chosen
    for e in drawn(rng, entries):
        if family(e.name) not in families:
            chosen.append(e)
            families.add(family(e.name))
            if len(chosen) == count:
                break
    return chosen if len(chosen) == count else None


def multiple(bank: FactBank, rng: random.Random) -> list[Question]:
    out: list[Question] = []
    for ask in _asks(bank):
        out += _questions(rng, ask, PER_TARGET)
    return out


def _possible(text: str, inside: Sequence[Entry], outside: Sequence[Entry]) -> bool:
    """Whether any draw could give a question: enough families of entries not echoing the prompt, right and wrong.

    Otherwise (a use-case prompt that names most of its use cases' words) every one of the draws would fail.
    """
    def families(entries: Sequence[Entry]) -> int:
        return len({family(e.name) for e in entries if not echoes(text, e.name)})

    right, wrong = families(inside), families(outside)
    return any(right >= r and wrong >= OPTIONS - r for r in range(1, min(MAX_RIGHT, len(inside), OPTIONS - 2) + 1))


@per_bank
def _asks(bank: FactBank) -> tuple[_Ask, ...]:
    """Each question to ask (that any draw could fill): its prompt, the right and the wrong entries, the category it
    is about."""
    asks = []
    entries = {i.name: Entry(i.name, item_fact(i.name, "category"), bank.cite(i.source), membership_line(bank, i))
               for i in bank.items}
    for target in targets(bank):
        inside = tuple(entries[i.name] for i in bank.items if target.fits(bank, i.category))
        outside = tuple(entries[i.name] for i in bank.items if not target.fits(bank, i.category))
        asks.append((prompt(bank, "multiple_items", category=target.plural), inside, outside, target.category))

    def label_of(cid: str) -> str:
        return bank.category(cid).application_label

    used = sorted({a.category for a in bank.applications}, key=[c.id for c in bank.categories].index)
    if len(used) >= 2:
        apps = {a.name: Entry(a.name, f"app:{a.name}:category", bank.cite(a.source),
                              f"{a.name}: {lower_first(label_of(a.category))}.") for a in bank.applications}
        for cid in used:
            label = label_of(cid)
            inside = tuple(apps[a.name] for a in bank.applications if a.category == cid)
            outside = tuple(apps[a.name] for a in bank.applications if a.category != cid)
            asks.append((prompt(bank, "multiple_applications", label=lower_first(label)), inside, outside, cid))
    return tuple(_Ask(text, inside, outside, category,
                      frozenset(e.name for e in (*inside, *outside) if echoes(text, e.name)))
                 for text, inside, outside, category in asks if _possible(text, inside, outside))


def _length_gives_away(names: Sequence[str], keys: set[str]) -> bool:
    """True when the right options are exactly the longest (or the shortest) ones."""
    by_length = sorted(names, key=len)
    k = len(keys)
    shortest, longest = by_length[:k], by_length[-k:]
    tie_short = len(by_length[k - 1]) == len(by_length[k]) if k < len(names) else False
    tie_long = len(by_length[-k]) == len(by_length[-k - 1]) if k < len(names) else False
    return set(shortest) == keys or set(longest) == keys or (
        tie_short and keys & set(shortest)) == keys or (tie_long and keys & set(longest)) == keys
