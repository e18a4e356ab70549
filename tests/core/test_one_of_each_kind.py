"""A quiz asked for every kind, with as many questions as there are kinds, holds one question of each.

The browser test of every kind (tests/e2e/test_every_kind.py) starts such a quiz from the start form, on a
seed it cannot choose; this is the promise it relies on.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from quizapp.core import generators
from quizapp.core.bank import FactBank
from quizapp.core.bank_loader import load_bank_file
from quizapp.core.generators import KINDS, generate_quiz, question_pool
from quizapp.core.questions import Question

BANK_DIR = Path(__file__).resolve().parents[2] / "question_bank"
BANKS = {name: load_bank_file(BANK_DIR / f"{name}.yaml") for name in ("llm-vs-genai", "sql-vs-nosql")}
# Before the reseed, the modality generator gave no question on this quiz's seed: the quiz had two scenario
# questions and none about modality.
SEED_WITHOUT_MODALITY = 206874003
EACH_ONCE = Counter(list(KINDS))


def kinds_of(quiz: list[Question]) -> Counter[str]:
    return Counter(q.kind for q in quiz)


@pytest.mark.parametrize("bank_name", sorted(BANKS))
def test_one_question_of_every_kind_on_many_seeds(bank_name: str) -> None:
    bank = BANKS[bank_name]
    for seed in range(0, 2**31, 2**31 // 40):
        quiz = generate_quiz(bank, count=len(KINDS), seed=seed, kinds=list(KINDS))
        assert kinds_of(quiz) == EACH_ONCE, f"seed {seed}"


def test_a_seed_whose_modality_generator_gave_nothing_still_gets_a_modality_question() -> None:
    quiz = generate_quiz(BANKS["llm-vs-genai"], count=len(KINDS), seed=SEED_WITHOUT_MODALITY, kinds=list(KINDS))
    assert kinds_of(quiz) == EACH_ONCE


def test_a_kind_empty_on_the_quiz_seed_is_generated_on_a_derived_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    bank = BANKS["llm-vs-genai"]
    real = generators.GENERATORS["modality"]
    calls: list[float] = []

    def empty_at_first(fact_bank: FactBank, rng: random.Random) -> list[Question]:
        calls.append(rng.random())
        return [] if len(calls) == 1 else real(fact_bank, rng)

    monkeypatch.setitem(generators.GENERATORS, "modality", empty_at_first)
    pools = question_pool(bank, seed=5, kinds=["modality"])
    assert len(calls) == 2 and calls[0] != calls[1], "the second try draws from another seed"
    assert pools["modality"]
    calls.clear()
    assert kinds_of(generate_quiz(bank, count=len(KINDS), seed=5)) == EACH_ONCE


def test_a_kind_without_facts_is_tried_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def never(fact_bank: FactBank, rng: random.Random) -> list[Question]:
        calls.append(1)
        return []

    monkeypatch.setitem(generators.GENERATORS, "modality", never)
    assert question_pool(BANKS["llm-vs-genai"], seed=5, kinds=["modality"]) == {}
    assert len(calls) == 1 + generators.RESEEDS
