"""Odd one out: three items share an organization (or a kind of content); which one does not?

Templates are symmetric, so that an item is the odd one as often as it is one of the three: for
every pair of groups A and B, "three of A, one of B" and "three of B, one of A" are asked
equally often. Groups must be unrelated (DeepMind's BigGAN is never odd among Google's models)
and the three never come from one family (Dall-E, Dall-E 2, Dall-E 3).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..bank import FactBank, Item
from ..questions import Question
from .common import OPTIONS, Positions, distinct_families, drawn, family, item_fact, join, prompt
from .modality import single_modality
from .per_bank import per_bank

KIND = "oddoneout"


def _groups(items: list[Item], key: Callable[[Item], str | None]) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = {}
    for item in items:
        value = key(item)
        if value:
            groups.setdefault(value, []).append(item)
    return {k: g for k, g in groups.items() if len({i.name for i in g}) >= 3}


@dataclass(frozen=True)
class _Split:
    """The items of a group that may stand beside an odd one: shorter and longer than it, none of its family."""

    shorter: tuple[Item, ...]
    longer: tuple[Item, ...]
    shorter_families: int
    longer_families: int


@dataclass(frozen=True)
class _Pair:
    """Three of group ``a``, the odd one of group ``b`` (each item of b with its split of a)."""

    a: str
    b: str
    odd_ones: tuple[Item, ...]
    splits: dict[str, _Split]


def _split(group: list[Item], odd: Item) -> _Split:
    odd_family = family(odd.name)
    pool = [i for i in group if len(i.name) != len(odd.name) and family(i.name) != odd_family]
    shorter = tuple(i for i in pool if len(i.name) < len(odd.name))
    longer = tuple(i for i in pool if len(i.name) > len(odd.name))
    return _Split(shorter, longer, _families(shorter), _families(longer))


def _pairs(groups: dict[str, list[Item]], related: Callable[[str, str], bool]) -> tuple[_Pair, ...]:
    return tuple(_Pair(a, b, tuple(groups[b]), {odd.name: _split(groups[a], odd) for odd in groups[b]})
                 for a, b in itertools.permutations(sorted(groups), 2) if not related(a, b))


@per_bank
def _by_organization(bank: FactBank) -> tuple[_Pair, ...]:
    return _pairs(_groups(list(bank.items), lambda i: i.organization), bank.org_related)


@per_bank
def _by_modality(bank: FactBank) -> tuple[_Pair, ...]:
    return _pairs(_groups(single_modality(bank), lambda i: i.modality[0]), lambda a, b: False)


def _ask(bank: FactBank, rng: random.Random, template: str, attribute: str, pairs: tuple[_Pair, ...],
         say: Callable[[list[str], str], str]) -> list[Question]:
    out: list[Question] = []
    positions = Positions(rng)
    ranks = Counter[int]()  # how many of the three are shorter than the odd one, so far
    for pair in pairs:
        a, b = pair.a, pair.b
        odd_ones = list(pair.odd_ones)
        rng.shuffle(odd_ones)
        for odd in odd_ones:  # every item of B is the odd one once: no item is keyed more than another
            three = _three(rng, pair.splits[odd.name], ranks)
            if three is None:
                continue
            ranks[sum(1 for t in three if len(t.name) < len(odd.name))] += 1
            at = positions.next(OPTIONS)
            names = [t.name for t in three]
            rng.shuffle(names)
            options = (*names[:at], odd.name, *names[at:])
            out.append(Question(
                kind=KIND, prompt=prompt(bank, template), options=options, answer=at,
                explanation=f"{say(names, a)}; {say([odd.name], b)}.",
                source=bank.cite(odd.source_for(attribute)),
                categories=tuple(sorted({i.category for i in (*three, odd)})),
                facts=(item_fact(odd.name, attribute),)))
    return out


def _three(rng: random.Random, split: _Split, ranks: Counter[int]) -> list[Item] | None:
    """Three items of the group, none of the odd one's family or length, with the odd one's length
    rank (how many of them are shorter) the least used so far, so it stands out by length no more
    often than chance."""
    floor = min(ranks[r] for r in range(OPTIONS))
    for rank in sorted(range(OPTIONS), key=lambda r: (ranks[r], rng.random())):
        if ranks[rank] > floor + 1:
            return None  # only a rank that is used too often already would fit: skip this one
        if split.shorter_families < rank or split.longer_families < 3 - rank:
            continue  # too few families shorter (or longer) than the odd one: no draw could give this rank
        for _ in range(6):
            three = _distinct(drawn(rng, split.shorter), rank) + _distinct(drawn(rng, split.longer), 3 - rank)
            if len(three) == 3 and distinct_families([t.name for t in three]):
                return three
    return None


def _families(items: Iterable[Item]) -> int:
    return len({family(i.name) for i in items})


def _distinct(items: Iterator[Item], count: int) -> list[Item]:
    """The first ``count`` items no two of one family (drawing no more than needed)."""
    chosen: list[Item] = []
    families: set[str] = set()
    if count == 0:
        return chosen
    for item in items:
        if family(item.name) not in families:
            chosen.append(item)
            families.add(family(item.name))
            if len(chosen) == count:
                break
    return chosen


def oddoneout(bank: FactBank, rng: random.Random) -> list[Question]:
    out = _ask(bank, rng, "oddoneout_organization", "organization", _by_organization(bank),
               lambda names, o: f"{join(names)} {'come' if len(names) > 1 else 'comes'} from "
                                f"{bank.organization(o).name}")
    out += _ask(bank, rng, "oddoneout_modality", "modality", _by_modality(bank),
                lambda names, m: f"{join(names)} {'produce' if len(names) > 1 else 'produces'} "
                                 f"{bank.modality(m).name.lower()}")
    return out
