"""Turn a fact bank into questions. Pure and deterministic given a seed.

Every generator respects the subset relation between categories: options that
name categories use *exclusive* labels (true of exactly one category, never of
its subcategories), and wrong answers are drawn only from values that cannot
also be right (unrelated organizations, methods the item does not use, ...).
Categories that are neither ancestor nor descendant of each other are taken
to be disjoint. Dimension values are the bank author's contrast: the loader
cannot check their meaning, so the format asks that a parent's value describe
the parent as a whole (the summary-table convention), never its subcategory.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence

from .bank import Application, FactBank, Item
from .questions import KINDS, Question

MAX_DISTRACTORS = 3
MATCH_SIZES = (3, 4, 5)
MATCH_GROUPS = 12  # how many different match questions a pool holds


def _single(
    rng: random.Random, kind: str, prompt: str, correct: str, distractors: Iterable[str], *,
    explanation: str, source: str, categories: Sequence[str], facts: tuple[str, ...],
) -> Question | None:
    """A single-answer question with up to three distinct distractors, shuffled; None if none fit."""
    pool = sorted({d for d in distractors if d != correct})
    if not pool:
        return None
    chosen = rng.sample(pool, min(MAX_DISTRACTORS, len(pool)))
    options = [correct, *chosen]
    rng.shuffle(options)
    return Question(kind=kind, prompt=prompt, options=tuple(options), answer=options.index(correct),
                    explanation=explanation, source=source, categories=tuple(categories), facts=facts)


def _prompt(bank: FactBank, kind: str, **values: str) -> str:
    terms = {f"{name}_term": bank.term(name) for name in ("item", "method", "modality", "organization",
                                                          "application")}
    return bank.prompts[kind].format(**terms, **values)


def _membership_note(bank: FactBank, category_id: str) -> str:
    category = bank.category(category_id)
    ancestors = [f'"{bank.category(a).name}"' for a in bank.ancestors(category_id)]
    if not ancestors:
        return ""
    return f' "{category.name}" is a subset of {" and ".join(ancestors)}, so it belongs there too.'


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def classify(bank: FactBank, rng: random.Random) -> list[Question]:
    """Which category does an item belong to, with exclusive labels as options."""
    impossible = [f"{c.name}, but not {bank.category(c.parent).name}" for c in bank.categories if c.parent]
    out = []
    for item in bank.items:
        category = bank.category(item.category)
        others = [c.exclusive_label for c in bank.categories if c.id != item.category]
        # Prefer the other real categories, then fill with impossible combinations.
        chosen = rng.sample(others, min(MAX_DISTRACTORS, len(others)))
        if len(chosen) < MAX_DISTRACTORS:
            chosen += rng.sample(impossible, min(MAX_DISTRACTORS - len(chosen), len(impossible)))
        explanation = f'{item.name} belongs to "{category.name}".' + _membership_note(bank, item.category)
        if any(option in impossible for option in chosen):
            explanation += " A member of a subset is always a member of the larger category too."
        q = _single(rng, "classify", _prompt(bank, "classify", item=item.name), category.exclusive_label,
                    chosen, explanation=explanation, source=bank.cite(item.source),
                    categories=[item.category], facts=(f"item:{item.name}",))
        if q:
            out.append(q)
    return out


def match(bank: FactBank, rng: random.Random) -> list[Question]:
    """Match 3-5 applications to the label of the technology each needs."""
    apps = list(bank.applications)
    used = sorted({a.category for a in apps})
    if len(apps) < MATCH_SIZES[0] or len(used) < 2:
        return []
    labels = [c.application_label for c in bank.categories if c.id in used]
    out, seen = [], set()
    for _ in range(MATCH_GROUPS * 3):
        if len(out) >= MATCH_GROUPS:
            break
        size = min(rng.choice(MATCH_SIZES), len(apps))
        group = _match_group(rng, apps, size)
        key = frozenset(a.name for a in group)
        if key in seen:
            continue
        seen.add(key)
        options = list(labels)
        rng.shuffle(options)
        pairs = tuple((a.name, bank.category(a.category).application_label) for a in group)
        explanation = " ".join(f"{a.name}: {a.explanation or bank.category(a.category).name}" for a in group)
        sources = "; ".join(dict.fromkeys(bank.cite(a.source) for a in group))
        out.append(Question(kind="match", prompt=_prompt(bank, "match"), options=tuple(options), pairs=pairs,
                            explanation=explanation, source=sources,
                            categories=tuple(sorted({a.category for a in group})),
                            facts=("apps:" + ",".join(sorted(key)),)))
    return out


def _match_group(rng: random.Random, apps: list[Application], size: int) -> list[Application]:
    """A random group of applications that needs at least two different technologies."""
    while True:
        group = rng.sample(apps, size)
        if len({a.category for a in group}) > 1:
            return group


def method(bank: FactBank, rng: random.Random) -> list[Question]:
    """Pick the method an item is built on, or the only method a category uses."""
    out = []
    names = {m.id: m.name for m in bank.methods}
    for item in bank.items:
        if item.method is None:
            continue
        excluded = {item.method, *item.related_methods}
        q = _single(rng, "method", _prompt(bank, "method_item", item=item.name), names[item.method],
                    [names[m] for m in names if m not in excluded],
                    explanation=_sentence(f"The {bank.term('method')} of {item.name} is {names[item.method]}")
                    + f" {bank.method(item.method).description}".rstrip(),
                    source=bank.cite(item.source_for("method")), categories=[item.category],
                    facts=(f"item:{item.name}",))
        if q:
            out.append(q)
    for category in bank.categories:
        used = bank.methods_of_category(category.id)
        if len(used) != 1:
            continue  # several right answers: not a single-answer question
        (only,) = used
        q = _single(rng, "method", _prompt(bank, "method_category", category=category.name), names[only],
                    [names[m] for m in names if m not in used],
                    explanation=_sentence(f'The {bank.term("method")} of "{category.name}" is {names[only]}')
                    + f" {bank.method(only).description}".rstrip(),
                    source=bank.cite(bank.method(only).source), categories=[category.id],
                    facts=(f"category:{category.id}",))
        if q:
            out.append(q)
    return out


def truefalse(bank: FactBank, rng: random.Random) -> list[Question]:
    """The bank's statements, plus membership statements that follow the subset relation."""
    out = [
        Question(kind="truefalse", prompt=s.text, options=("True", "False"), answer=0 if s.answer else 1,
                 explanation=s.explanation, source=bank.cite(s.source), categories=(), facts=(f"stmt:{s.text}",))
        for s in bank.statements
    ]
    membership = []
    for item in bank.items:
        for category in bank.categories:
            truth = bank.is_member(item.category, category.id)
            own = bank.category(item.category).name
            if truth:
                why = f'{item.name} belongs to "{own}".' + (
                    _membership_note(bank, item.category) if own != category.name else "")
            else:
                why = f'{item.name} belongs to "{own}", which is not part of "{category.name}".'
            membership.append(Question(
                kind="truefalse", prompt=f'{item.name} belongs to the category "{category.name}".',
                options=("True", "False"), answer=0 if truth else 1, explanation=why,
                source=bank.cite(item.source), categories=(item.category,), facts=(f"member:{item.name}",)))
    # Keep the hand-written statements in the majority of the pool.
    keep = max(len(out), 6)
    out += rng.sample(membership, min(keep, len(membership)))
    return out


def _attribute(bank: FactBank, rng: random.Random, kind: str, values: Callable[[Item], set[str]],
               names: dict[str, str], related: Callable[[str, str], bool]) -> list[Question]:
    out = []
    for item in bank.items:
        own = sorted(values(item))
        if not own:
            continue
        correct = rng.choice(own)
        distractors = [names[v] for v in names if not any(v == o or related(v, o) for o in own)]
        noun = ", ".join(names[o] for o in own)
        q = _single(rng, kind, _prompt(bank, kind, item=item.name), names[correct], distractors,
                    explanation=_sentence(f"{item.name}: {noun}"), source=bank.cite(item.source_for(kind)),
                    categories=[item.category], facts=(f"item:{item.name}",))
        if q:
            out.append(q)
    return out


def organization(bank: FactBank, rng: random.Random) -> list[Question]:
    """Who made an item; organizations that contain or belong to the answer are never distractors."""
    return _attribute(bank, rng, "organization", lambda i: {i.organization} if i.organization else set(),
                      {o.id: o.name for o in bank.organizations}, bank.org_related)


def modality(bank: FactBank, rng: random.Random) -> list[Question]:
    """What kind of content an item produces."""
    return _attribute(bank, rng, "modality", lambda i: set(i.modality), {m.id: m.name for m in bank.modalities},
                      lambda a, b: False)


def dimension(bank: FactBank, rng: random.Random) -> list[Question]:
    """Which value describes a category on a (non-shared) comparison dimension."""
    out = []
    for dim in bank.dimensions:
        if dim.shared:
            continue
        for category in bank.categories:
            value = dim.values[category.id]
            others = [v for cid, v in dim.values.items() if cid != category.id]
            q = _single(rng, "dimension", _prompt(bank, "dimension", category=category.name, dimension=dim.name),
                        value, others, explanation=_sentence(f"{dim.name} — {category.name}: {value}"),
                        source=bank.cite(dim.source), categories=[category.id],
                        facts=(f"dim:{dim.name}:{category.id}",))
            if q:
                out.append(q)
    return out


GENERATORS: dict[str, Callable[[FactBank, random.Random], list[Question]]] = {
    "classify": classify,
    "match": match,
    "method": method,
    "truefalse": truefalse,
    "organization": organization,
    "modality": modality,
    "dimension": dimension,
}
assert set(GENERATORS) == set(KINDS)


def question_pool(bank: FactBank, seed: int, kinds: Iterable[str] | None = None,
                  category: str | Iterable[str] | None = None) -> dict[str, list[Question]]:
    """Every question of the requested kinds, per kind, optionally only about some categories (or their subsets)."""
    wanted = [k for k in KINDS if kinds is None or k in set(kinds)]
    chosen = [category] if isinstance(category, str) else list(category or [])
    pools = {}
    for kind in wanted:
        rng = random.Random(f"{seed}:{kind}")
        questions = GENERATORS[kind](bank, rng)
        if chosen:
            questions = [q for q in questions if any(bank.is_member(c, want) for c in q.categories for want in chosen)]
        if questions:
            pools[kind] = questions
    return pools


def available_kinds(bank: FactBank) -> list[str]:
    """The kinds this bank has facts for."""
    return list(question_pool(bank, seed=0))


def generate_quiz(bank: FactBank, count: int, seed: int, kinds: Iterable[str] | None = None,
                  category: str | Iterable[str] | None = None) -> list[Question]:
    """A quiz of up to ``count`` distinct questions, kinds taken in turn, in a seeded order.

    Returns fewer than ``count`` only when the bank has fewer matching questions.
    """
    rng = random.Random(seed)
    pools = question_pool(bank, seed, kinds, category)
    for questions in pools.values():
        rng.shuffle(questions)
    order = list(pools)
    rng.shuffle(order)
    quiz: list[Question] = []
    facts: set[tuple[str, str]] = set()
    while len(quiz) < count and any(pools.values()):
        for kind in order:
            pool = pools[kind]
            while pool:
                q = pool.pop()
                if not any((kind, f) in facts for f in q.facts):
                    facts.update((kind, f) for f in q.facts)
                    quiz.append(q)
                    break
            if len(quiz) >= count:
                break
    rng.shuffle(quiz)
    return quiz
