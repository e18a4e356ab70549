"""What every generator shares: prompts, wording, echo checks and balanced option choice.

The balancing is why the generators hold up against a test-wise learner (tests/testwise.py):

* **Key position**: each pool hands out key positions from a shuffled cycle, so every position
  is keyed equally often.
* **Habit**: a learner who knows nothing may pick the option that is keyed most often. Distractors
  are therefore chosen so that every option text is offered about ``n`` times as often as it is
  keyed (``n`` options a question): each one is then right about 1/n of the times it is seen.
* **Echo**: an option that repeats a word of the item asked about (StyleGAN → GANs) gives itself
  away; such options are never offered, and a question whose key would echo is not asked.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TypeVar

from ..bank import FactBank
from ..questions import Question
from .per_bank import per_bank

OPTIONS = 4  # options of a single-answer question: the key and three distractors
MIN_OPTIONS = 3  # two-option multiple choice is for true/false only
# Distractors are within this share of the key's length (at least 3 characters either way), so
# neither the longest nor the shortest option is a clue.
LENGTH_TOLERANCE = 0.5
ALL_EQUAL = -1  # a length "rank": every distractor exactly as long as the key
TRUE_FALSE = ("True", "False")
_WORD = re.compile(r"[a-z0-9]+")
T = TypeVar("T")


def plural(word: str) -> str:
    head, sep, tail = word.partition(" of ")
    if sep:  # "kind of content" -> "kinds of content"
        return plural(head) + sep + tail
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def prompt(bank: FactBank, key: str, **values: str) -> str:
    return upper_first(bank.prompts[key].format(**_terms(bank), **values))


@per_bank
def _terms(bank: FactBank) -> dict[str, str]:
    """The bank's words for the placeholders every prompt template may use ("{item_terms}": "models")."""
    terms = {f"{name}_term": bank.term(name) for name in ("item", "method", "modality", "organization",
                                                          "application")}
    terms["item_terms"] = plural(bank.term("item"))
    terms["application_terms"] = plural(bank.term("application"))
    return terms


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name ("LLM", "NoSQL")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and any(c.isupper() for c in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def join(names: Sequence[str], word: str = "and") -> str:
    names = list(names)
    if len(names) <= 2:
        return f" {word} ".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.casefold()) if len(w) > 2]


def _related(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return True
    short, long = sorted((a, b), key=len)
    if len(short) == 3 and len(long) > 3 and (long.startswith(short) or long.endswith(short)):
        return True  # StyleGAN / GANs, MySQL / SQL
    return len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]


@lru_cache(maxsize=1 << 16)
def echoes(subject: str, option: str) -> bool:
    """True when the option repeats a word, or part of a word, of the subject (StyleGAN / GANs).

    Cached: a quiz start asks this of the same few hundred names tens of thousands of times (profiled: two
    thirds of a start's time), and the answer depends on the two strings alone.
    """
    subject_words = words(subject)
    return any(_related(s, o) for s in subject_words for o in words(option))


_VERSION = re.compile(r"[\s\-]*\d+$")


@lru_cache(maxsize=1 << 14)
def family(name: str) -> str:
    """A name without its version: 'Dall-E 3' and 'Dall-E' are one family, so never options together.

    Cached: a quiz start asks this of the bank's few dozen names about 100,000 times (profiled), and the
    answer depends on the string alone.
    """
    return _VERSION.sub("", name.casefold()).replace("-", "").replace(" ", "")


def distinct_families(names: Iterable[str]) -> bool:
    fams = [family(n) for n in names]
    return len(fams) == len(set(fams))


def different_families(a: str, b: str) -> bool:
    """May these two names stand together as options (``distinct_families`` of two)?"""
    return family(a) != family(b)


def drawn(rng: random.Random, items: Sequence[T]) -> Iterator[T]:
    """The items in a uniformly random order, drawn one at a time: a shuffle (Fisher-Yates, from the end) that
    costs only as many draws as the reader takes, for readers that want the first few that fit."""
    pool = list(items)
    for end in range(len(pool), 0, -1):
        i = int(rng.random() * end)
        pool[i], pool[end - 1] = pool[end - 1], pool[i]
        yield pool[end - 1]


class Positions:
    """Key positions handed out from shuffled cycles, one cycle per option count."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cycles: dict[int, list[int]] = {}

    def next(self, n: int) -> int:
        cycle = self.cycles.setdefault(n, [])
        if not cycle:
            cycle.extend(range(n))
            self.rng.shuffle(cycle)
        return cycle.pop()


@dataclass
class Draft:
    """A single-answer question before its distractors are chosen."""

    prompt: str
    key: str
    candidates: Sequence[str]  # plausible wrong answers, all of the key's type
    explain: Callable[[list[str]], str]  # the explanation, given the distractors chosen
    source: str
    categories: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    subject: str = ""  # the words of the prompt an option must not echo
    preferred: frozenset[str] = frozenset()  # the most confusable candidates
    compatible: Callable[[str, str], bool] | None = None  # may these two distractors stand together?
    option_fact: Callable[[str], str] | None = None  # the fact each distractor also tests, if any
    length_tolerance: float | None = LENGTH_TOLERANCE  # how much longer or shorter a distractor may be

    @cached_property
    def usable(self) -> tuple[str, ...]:
        """The usable distractors (:func:`candidates`), worked out once: a pool asks four times for each draft,
        and the generators keep a bank's drafts with the bank (generators/per_bank.py)."""
        pool = sorted({c for c in self.candidates if c != self.key and not echoes(self.subject, c)})
        if self.length_tolerance is not None:
            slack = max(3.0, self.length_tolerance * len(self.key))
            pool = [c for c in pool if abs(len(c) - len(self.key)) <= slack]
        return tuple(pool)

    @cached_property
    def shorter_and_longer(self) -> tuple[int, int]:
        """How many usable distractors are shorter, and how many longer, than the key."""
        return (sum(1 for c in self.usable if len(c) < len(self.key)),
                sum(1 for c in self.usable if len(c) > len(self.key)))


@dataclass
class Balancer:
    """Chooses distractors so that each option text is keyed about 1/n of the times it is shown."""

    rng: random.Random
    keyed: Counter[str] = field(default_factory=Counter)
    offered: Counter[str] = field(default_factory=Counter)

    def plan(self, keys: Iterable[str]) -> None:
        self.keyed.update(keys)

    def pick(self, draft: Draft, n: int, rank: int | None = None) -> list[str] | None:
        """Distractors for the draft, ``rank`` of them shorter than the key."""
        pool = candidates(draft)
        self.rng.shuffle(pool)

        def deficit(option: str) -> tuple[float, int]:
            return (n * self.keyed[option] - self.offered[option], option in draft.preferred)

        pool.sort(key=deficit, reverse=True)
        # How many distractors are shorter than the key comes from a shuffled cycle too, so the
        # key is the longest (or the shortest) option no more often than any other.
        chosen: list[str] = []
        if draft.length_tolerance is None or rank is None:  # a fixed set (every method, a hand-written FAQ)
            plan = [(pool, n - 1)]
        else:
            want_shorter = rank
            shorter = [c for c in pool if len(c) < len(draft.key)]
            longer = [c for c in pool if len(c) > len(draft.key)]
            plan = [(shorter, want_shorter), (longer, n - 1 - want_shorter)]
            if rank == ALL_EQUAL:
                plan = [([c for c in pool if len(c) == len(draft.key)], n - 1)]
        for side, quota in plan:  # the sides hold no option twice, and no option of another side
            taken = 0
            for option in side:
                if len(chosen) == n - 1 or taken >= quota:
                    break
                if draft.compatible and not all(draft.compatible(option, c) for c in [draft.key, *chosen]):
                    continue
                chosen.append(option)
                taken += 1
        if len(chosen) + 1 < MIN_OPTIONS or (rank is not None and len(chosen) < n - 1):
            return None  # too few distractors, or the key would stand out by its length
        self.offered.update([draft.key, *chosen])
        return chosen


def candidates(draft: Draft) -> list[str]:
    """The draft's usable distractors: not the key, not echoing the prompt, of a similar length (a new list)."""
    return list(draft.usable)


def options_for(draft: Draft, n: int) -> int:
    """How many options the draft's question gets: ``n``, or fewer when there are fewer distractors."""
    return min(n, 1 + len(draft.usable))


def length_ranks(drafts: Sequence[Draft], rng: random.Random, n: int) -> dict[int, int]:
    """For each draft (by index), how many of its distractors are to be shorter than its key.

    Ranks are spread as evenly as the candidates allow (drafts with the fewest possible ranks
    first); then drafts are dropped until the key is the longest, and the shortest, option no
    more often than it is in any middle place. Drafts without a length rule get none.
    """
    feasible: dict[int, list[int]] = {}
    size: dict[int, int] = {}
    for i, d in enumerate(drafts):
        if d.length_tolerance is None:
            continue
        m = size[i] = options_for(d, n)
        pool = d.usable
        short, long = d.shorter_and_longer  # equal lengths are left out: a tie is a cue too
        feasible[i] = [r for r in range(m) if r <= short and m - 1 - r <= long]
        if len(pool) - short - long >= m - 1:
            feasible[i].append(ALL_EQUAL)  # every option of the same length: no length cue at all
    order = list(feasible)
    rng.shuffle(order)
    order.sort(key=lambda i: len(feasible[i]))
    counts = Counter[tuple[int, int]]()
    ranks: dict[int, int] = {}
    for i in order:
        if feasible[i]:
            ranks[i] = min(feasible[i], key=lambda r: (counts[(size[i], r)], rng.random()))
            counts[(size[i], ranks[i])] += 1
    for m in set(size.values()):
        middle = [counts[(m, r)] for r in range(1, m - 1)]
        cap = -(-sum(middle) // len(middle)) if middle else 0
        for extreme in (0, m - 1):
            over = [i for i, r in ranks.items() if size[i] == m and r == extreme]
            rng.shuffle(over)
            for i in over[cap:]:
                del ranks[i]
    return ranks


def finalize(kind: str, drafts: Sequence[Draft], rng: random.Random, n: int = OPTIONS) -> list[Question]:
    """Turn drafts into questions: balanced distractors, key positions and key lengths; echoing keys dropped."""
    drafts = [d for d in drafts if not echoes(d.subject, d.key)]
    ranks = length_ranks(drafts, rng, n)
    kept = [(d, ranks.get(i)) for i, d in enumerate(drafts) if d.length_tolerance is None or i in ranks]
    balancer = Balancer(rng)
    balancer.plan(d.key for d, _ in kept)
    positions = Positions(rng)
    rng.shuffle(kept)
    out = []
    for draft, rank in kept:
        chosen = balancer.pick(draft, options_for(draft, n), rank)
        if chosen is None:
            continue
        rng.shuffle(chosen)
        at = positions.next(len(chosen) + 1)
        options = [*chosen[:at], draft.key, *chosen[at:]]
        facts = draft.facts
        if draft.option_fact:
            facts = tuple(dict.fromkeys([*facts, *(draft.option_fact(o) for o in chosen)]))
        out.append(Question(kind=kind, prompt=draft.prompt, options=tuple(options), answer=at,
                            explanation=draft.explain(chosen), source=draft.source,
                            categories=draft.categories, facts=facts))
    return out


def cap_keys(drafts: Sequence[Draft], rng: random.Random, cap: int | None = None) -> list[Draft]:
    """At most ``cap`` drafts per key (default: as many as the rarest key has), chosen at random.

    When one answer is right far more often than the others (OpenAI makes nine of the models), no
    choice of distractors keeps it from being the best guess; asking it less often does.
    """
    by_key: dict[str, list[Draft]] = {}
    for d in drafts:
        if echoes(d.subject, d.key):
            continue
        by_key.setdefault(d.key, []).append(d)
    if not by_key:
        return []
    limit = cap if cap is not None else min(len(group) for group in by_key.values())
    out: list[Draft] = []
    for key in sorted(by_key):
        group = by_key[key]
        out += rng.sample(group, min(limit, len(group)))
    return out


def true_false(kind: str, statement: str, truth: bool, *, explanation: str, source: str,
               categories: Sequence[str] = (), facts: Sequence[str] = ()) -> Question:
    return Question(kind=kind, prompt=statement, options=TRUE_FALSE, answer=0 if truth else 1,
                    explanation=explanation, source=source, categories=tuple(categories), facts=tuple(facts))


def balanced_truth(questions: Sequence[Question], rng: random.Random) -> list[Question]:
    """Keep as many true as false statements (the larger side is sampled down)."""
    true = [q for q in questions if q.answer == 0]
    false = [q for q in questions if q.answer == 1]
    size = min(len(true), len(false))
    return rng.sample(true, size) + rng.sample(false, size)


def item_fact(name: str, attribute: str) -> str:
    return f"item:{name}:{attribute}"


def sources(cited: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(c for c in cited if c))
