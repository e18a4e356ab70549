"""The test-wise solver (tests/testwise.py) scores no better than chance on any kind of either bank.

It knows no facts; it answers by length, stem echo, absolutes, and the most often keyed option or
position learned on half of each seed's pool. Per kind its score must stay within 5 points of
chance, the key may be the longest option no more often than chance + 10 points, the key's
position is uniform within 8 points, no option echoes the stem's distinctive words unless every
option does, and no option contradicts the bank's subset relation. The table is printed (run
pytest with -s to see it; benchmarks/testwise.py prints it for any bank file).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from quizapp.core.bank import FactBank
from quizapp.core.bank_loader import load_bank_file
from quizapp.core.generators import question_pool
from quizapp.core.questions import Question
from tests import testwise
from tests.conftest import DEFAULT_BANK, SECOND_BANK

SEEDS = range(10)
BANKS = {path.stem: path for path in (DEFAULT_BANK, SECOND_BANK)}
LEAK = 0.05
LONGEST = 0.10
POSITION = 0.08


@cache
def bank(name: str) -> FactBank:
    return load_bank_file(BANKS[name])


@cache
def results(name: str) -> dict[str, testwise.KindResult]:
    pools = testwise.by_kind([question_pool(bank(name), seed) for seed in SEEDS])
    return {kind: testwise.analyse(kind, per_seed) for kind, per_seed in pools.items()}


@cache
def questions(name: str) -> dict[str, list[Question]]:
    pools = testwise.by_kind([question_pool(bank(name), seed) for seed in SEEDS])
    return {kind: [q for pool in per_seed for q in pool] for kind, per_seed in pools.items()}


@pytest.mark.parametrize("name", sorted(BANKS))
def test_solver_scores_chance_on_every_kind(name: str):
    table = testwise.table(list(results(name).values()))
    print(f"\n{name}\n{table}")
    for r in results(name).values():
        assert abs(r.solver - r.chance) <= LEAK, f"{r.kind} leaks: the solver scores {r.solver:.1%}\n{table}"
        assert r.key_longest <= r.longest_chance + LONGEST, f"{r.kind}: the key is too often the longest\n{table}"
        assert r.position_deviation <= POSITION, f"{r.kind}: key positions are not uniform\n{table}"
        assert r.echo_violations == 0, f"{r.kind}: an option echoes the stem\n{table}"


@pytest.mark.parametrize("name", sorted(BANKS))
def test_no_option_contradicts_the_subset_relation(name: str):
    b = bank(name)
    impossible = []
    for c in b.categories:
        for a in b.ancestors(c.id):
            child, parent = b.category(c.id), b.category(a)
            for x in {child.name, child.called or child.name, child.plural or child.name}:
                for y in {parent.name, parent.called or parent.name}:
                    impossible.append(re.compile(rf"\b{re.escape(x)},? but not {re.escape(y)}\b", re.I))
    for kind, qs in questions(name).items():
        for q in qs:
            for text in (*q.options, *(right for _, right in q.pairs)):
                assert not any(p.search(text) for p in impossible), f"{kind}: {text!r} contradicts the subset"


@pytest.mark.parametrize("name", sorted(BANKS))
def test_statements_balance_absolutes_and_negations(name: str):
    """Absolutes and negations are as common in true statements as in false ones (±15 points)."""
    statements = bank(name).statements
    share = {}
    for truth in (True, False):
        texts = [s.text for s in statements if s.answer is truth]
        marked = [t for t in texts if set(re.findall(r"[a-z']+", t.casefold())) & testwise.ABSOLUTES]
        share[truth] = len(marked) / len(texts)
    assert abs(share[True] - share[False]) <= 0.15, share
    assert 0.4 <= sum(s.answer for s in statements) / len(statements) <= 0.6


def test_the_solver_finds_a_leak_when_there_is_one():
    """The solver is not blind: keyed-longest, echoing and habitual options are found."""
    leaky = []
    for i in range(40):
        key = f"The right answer, carefully qualified, number {i}"
        leaky.append(Question(kind="x", prompt=f"Question {i} about thing{i}?",
                              options=(key, f"Wrong {i}", f"Also wrong {i}", f"No {i}"), answer=0,
                              explanation="", source=""))
    result = testwise.analyse("x", [leaky[:20], leaky[20:]])
    assert result.solver > 0.9 and result.key_longest == 1.0
    echoing = [Question(kind="y", prompt=f"Which method is Style{chr(65 + n)}GAN built on?",
                        options=("GANs", "Diffusion", "Transformers", "VAEs")[::1 if n % 2 else -1],
                        answer=0 if n % 2 else 3, explanation="", source="") for n in range(20)]
    assert testwise.echo_violations(echoing)
    assert testwise.analyse("y", [echoing[:10], echoing[10:]]).solver > 0.9
    tf = [Question(kind="tf", prompt=f"Fact {n} is {'never' if n % 2 else 'often'} so.", options=("True", "False"),
                   answer=n % 2, explanation="", source="") for n in range(40)]
    assert testwise.analyse("tf", [tf[:20], tf[20:]]).solver > 0.9
    contradicting = ["An LLM (and so also Generative AI)", "LLM, but not Generative AI"]
    assert testwise.contradictory(contradicting[1], contradicting)
