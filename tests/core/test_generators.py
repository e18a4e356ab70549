"""Question generators: the invariants hold for any seed, on both shipped banks."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank import FactBank
from quizapp.core.bank_loader import load_bank_file
from quizapp.core.generators import GENERATORS, available_kinds, generate_quiz, question_pool
from quizapp.core.questions import KINDS, Question
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANKS = {path.stem: load_bank_file(path) for path in (DEFAULT_BANK, SECOND_BANK)}
seeds = st.integers(min_value=0, max_value=2**31 - 1)
bank_names = st.sampled_from(sorted(BANKS))


def true_options(bank: FactBank, q: Question) -> set[str]:
    """Every option that is *factually* right for the question, worked out from the bank independently."""
    categories = {c.exclusive_label: c.id for c in bank.categories}
    if q.kind == "classify":
        item = next(i for i in bank.items if q.prompt.endswith(f" {i.name}?"))
        return {o for o in q.options if categories.get(o) == item.category}
    if q.kind == "method" and q.facts[0].startswith("item:"):
        item = next(i for i in bank.items if i.name == q.facts[0][5:])
        used = {bank.method(m).name for m in (item.method, *item.related_methods) if m}
        return set(q.options) & used
    if q.kind == "method":
        used = {bank.method(m).name for m in bank.methods_of_category(q.facts[0].split(":", 1)[1])}
        return set(q.options) & used
    if q.kind == "organization":
        item = next(i for i in bank.items if i.name == q.facts[0][5:])
        related = {o.name for o in bank.organizations
                   if bank.org_related(o.id, item.organization)}
        return set(q.options) & related
    if q.kind == "modality":
        item = next(i for i in bank.items if i.name == q.facts[0][5:])
        return set(q.options) & {bank.modality(m).name for m in item.modality}
    if q.kind == "dimension":
        _, name, cid = q.facts[0].split(":")
        dim = next(d for d in bank.dimensions if d.name == name)
        return {dim.values[cid]}
    raise AssertionError(q.kind)


def check_question(bank: FactBank, q: Question) -> None:
    assert q.kind in KINDS
    assert q.prompt and q.explanation and q.source
    assert len(q.options) == len(set(q.options)) >= 2, q
    if q.is_match:
        assert 3 <= len(q.pairs) <= 5
        lefts = [left for left, _ in q.pairs]
        assert len(lefts) == len(set(lefts))
        assert all(right in q.options for _, right in q.pairs)
        apps = {a.name: a for a in bank.applications}
        for left, right in q.pairs:  # the key is the label of the application's own category
            assert right == bank.category(apps[left].category).application_label
            # ...and no other offered label fits: labels are exclusive to one category.
            assert [o for o in q.options if o == bank.category(apps[left].category).application_label] == [right]
        return
    assert q.answer is not None and 0 <= q.answer < len(q.options)
    if q.kind == "truefalse":
        assert q.options == ("True", "False")
        return
    right = true_options(bank, q)
    assert right == {q.options[q.answer]}, f"{q.prompt}: right answers {right}, keyed {q.options[q.answer]}"


@settings(max_examples=60, deadline=None)
@given(bank_name=bank_names, seed=seeds, count=st.integers(5, 50))
def test_quiz_invariants_hold_for_any_seed(bank_name: str, seed: int, count: int):
    bank = BANKS[bank_name]
    quiz = generate_quiz(bank, count=count, seed=seed)
    assert len(quiz) == count  # both banks have well over 50 questions
    keys = [(q.kind, q.facts) for q in quiz]
    assert len(keys) == len(set(keys)), "the same fact was asked twice in one quiz"
    for q in quiz:
        check_question(bank, q)


@settings(max_examples=25, deadline=None)
@given(bank_name=bank_names, seed=seeds)
def test_every_question_in_the_pool_is_sound(bank_name: str, seed: int):
    bank = BANKS[bank_name]
    for questions in question_pool(bank, seed).values():
        for q in questions:
            check_question(bank, q)


@settings(max_examples=30, deadline=None)
@given(bank_name=bank_names, seed=seeds, kinds=st.sets(st.sampled_from(list(KINDS)), min_size=1))
def test_generation_is_deterministic_and_respects_kinds(bank_name: str, seed: int, kinds: set[str]):
    bank = BANKS[bank_name]
    first = generate_quiz(bank, count=10, seed=seed, kinds=kinds)
    assert first == generate_quiz(bank, count=10, seed=seed, kinds=kinds)
    assert {q.kind for q in first} <= kinds


def test_options_are_shuffled_across_seeds():
    """The key is not always in the same place (a learner could otherwise guess it)."""
    bank = BANKS["llm-vs-genai"]
    positions = {q.answer for seed in range(20) for q in generate_quiz(bank, 10, seed, kinds=["classify"])}
    assert len(positions) >= 3


@pytest.mark.parametrize("bank_name", sorted(BANKS))
def test_each_bank_yields_every_kind(bank_name: str):
    """The generators are generic: the second bank gives every kind with no code change."""
    assert available_kinds(BANKS[bank_name]) == list(KINDS)
    quiz = generate_quiz(BANKS[bank_name], count=len(KINDS), seed=7)
    assert {q.kind for q in quiz} == set(KINDS)


def test_subset_relation_is_respected_in_classify():
    """GPT-4 is an LLM and so Generative AI: never 'LLM' vs a bare 'Generative AI' with one keyed right."""
    bank = BANKS["llm-vs-genai"]
    gpt4 = next(q for q in GENERATORS["classify"](bank, random.Random(1)) if "GPT-4?" in q.prompt)
    assert "Generative AI" not in gpt4.options and "LLM" not in gpt4.options
    assert gpt4.options[gpt4.answer] == "An LLM (and so also Generative AI)"
    assert "Generative AI, but not a language model" in gpt4.options


def test_membership_statements_follow_the_subset():
    bank = BANKS["llm-vs-genai"]
    pool = GENERATORS["truefalse"](bank, random.Random(0))
    by_prompt = {q.prompt: q.options[q.answer] for q in pool}
    rng = random.Random(0)
    for seed in range(30):
        rng.seed(seed)
        for q in GENERATORS["truefalse"](bank, rng):
            by_prompt[q.prompt] = q.options[q.answer]
    assert by_prompt.get('GPT-4 belongs to the category "Generative AI".') == "True"
    assert by_prompt.get('StyleGAN belongs to the category "LLM".') == "False"


def test_organization_distractors_skip_parent_organizations():
    """BigGAN is DeepMind's, and DeepMind is part of Google: Google is never a wrong answer."""
    bank = BANKS["llm-vs-genai"]
    for seed in range(40):
        for q in GENERATORS["organization"](bank, random.Random(seed)):
            if "BigGAN" in q.prompt:
                assert q.options[q.answer] == "DeepMind"
                assert "Google" not in q.options


def test_category_filter_keeps_only_questions_about_it():
    bank = BANKS["llm-vs-genai"]
    quiz = generate_quiz(bank, 20, seed=3, category="llm")
    assert quiz and all("llm" in q.categories for q in quiz)


def test_small_pool_gives_a_shorter_quiz():
    bank = BANKS["sql-vs-nosql"]
    quiz = generate_quiz(bank, 50, seed=1, kinds=["dimension"])
    assert 0 < len(quiz) < 50


def test_category_filter_may_name_several_categories():
    bank = BANKS["sql-vs-nosql"]
    quiz = generate_quiz(bank, 40, seed=3, category=["relational", "document"])
    assert quiz and all(set(q.categories) & {"relational", "document"} for q in quiz)
    assert {"relational", "document"} <= {c for q in quiz for c in q.categories}
    assert all(q.categories != ("nosql",) for q in quiz)  # nosql-only facts are left out (document ⊂ nosql)
