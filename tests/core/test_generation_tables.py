"""What the generators keep per bank, and the lazy shuffle: a quiz is the same whether the bank's tables are
built fresh or were built by earlier quizzes, and the helpers behind it do what they say."""

from __future__ import annotations

import gc
import importlib
import random
from collections import Counter

import pytest

from quizapp.core.bank_loader import load_bank_file
from quizapp.core.generators import KINDS, generate_quiz, question_pool
from quizapp.core.generators import per_bank as per_bank_module
from quizapp.core.generators.common import drawn, family
from quizapp.core.generators.per_bank import per_bank
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANK_FILES = (DEFAULT_BANK, SECOND_BANK)


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: p.stem)
def test_a_warm_bank_generates_what_a_fresh_one_does(path):
    """Tables built once per bank are only read: after many quizzes on one bank object, each seed still gives
    the quiz (and the pool) that a freshly loaded bank gives."""
    warm = load_bank_file(path)
    for seed in range(40):  # warm every table, and give any reader that changed one the chance to
        generate_quiz(warm, count=50, seed=seed)
    for seed in range(5):
        fresh = load_bank_file(path)
        assert fresh is not warm
        assert generate_quiz(warm, count=10, seed=seed, kinds=list(KINDS)) == \
            generate_quiz(fresh, count=10, seed=seed, kinds=list(KINDS))
        assert question_pool(warm, seed) == question_pool(load_bank_file(path), seed)


def test_per_bank_builds_once_per_bank_object_and_forgets_a_dropped_bank():
    built: list[str] = []

    @per_bank
    def slug_table(bank):
        built.append(bank.slug)
        return {"slug": bank.slug}

    first, second = load_bank_file(DEFAULT_BANK), load_bank_file(DEFAULT_BANK)
    assert slug_table(first) is slug_table(first)
    assert slug_table(second) is not slug_table(first)  # an equal bank, another object: its own table
    assert built == ["llm-vs-genai", "llm-vs-genai"]
    key = id(second)
    assert key in per_bank_module._TABLES
    del second
    gc.collect()
    assert key not in per_bank_module._TABLES


def test_drawn_is_a_uniform_shuffle_that_draws_only_what_is_read():
    items = list("abcdef")
    for seed in range(20):
        assert sorted(drawn(random.Random(seed), items)) == items
    assert items == list("abcdef"), "the items given are not shuffled in place"
    firsts = Counter(next(drawn(random.Random(seed), items)) for seed in range(6000))
    assert set(firsts) == set(items)
    assert all(850 <= n <= 1150 for n in firsts.values()), firsts  # 1000 each expected; sd about 29
    lasts = Counter(list(drawn(random.Random(seed), items))[-1] for seed in range(6000))
    assert all(850 <= n <= 1150 for n in lasts.values()), lasts
    rng, twin = random.Random(7), random.Random(7)
    taken = drawn(rng, items)
    next(taken), next(taken)
    twin.random(), twin.random()
    assert rng.getstate() == twin.getstate(), "two items read, two random numbers drawn"


def test_family_ignores_versions_case_hyphens_and_spaces():
    assert family("Dall-E 3") == family("dall-e") == family("DallE-2") == "dalle"
    assert family("GPT-4") == family("GPT 3") != family("BERT")


def test_a_multiple_answer_prompt_no_draw_can_fill_is_not_asked():
    module = importlib.import_module("quizapp.core.generators.multiple")  # the package's name is the function
    entry = module.Entry
    inside = [entry(f"Alpha {i}x", "f", "", "") for i in "abc"]
    outside = [entry(name, "f", "", "") for name in ("Beta", "Gamma", "Delta", "Epsilon")]
    assert module._possible("Which of these are kinds?", inside, outside)
    # every right entry echoes the prompt ("Alpha"): none could be offered
    assert not module._possible("Which of these are alphas?", inside, outside)
    # one family of wrong entries only: too few wrong options for any number of right ones
    assert not module._possible("Which of these are kinds?", inside, [entry(f"Beta {i}", "f", "", "") for i in "12345"])


def test_bank_lookups_by_id_and_chains_handed_out_as_new_lists():
    bank = load_bank_file(DEFAULT_BANK)
    assert bank.category("llm").parent == "genai" and bank.organization("deepmind").part_of == "google"
    chain = bank.ancestors("llm")
    chain.append("changed by a reader")
    assert bank.ancestors("llm") == ["genai"] and bank.is_member("llm", "genai") and not bank.is_member("genai", "llm")
    orgs = bank.org_chain("deepmind")
    orgs.clear()
    assert bank.org_chain("deepmind") == ["deepmind", "google"] and bank.org_related("google", "deepmind")
    with pytest.raises(KeyError):
        bank.category("no such category")


def test_kept_pools_are_the_generated_ones_and_no_reader_changes_them():
    """kept_generated keeps each kind's questions per bank and seed: the same as generating them anew, a pool a
    quiz shuffles and empties is a copy, and the last POOL_SEEDS seeds per kind are kept, no more."""
    from quizapp.core import generators

    bank = load_bank_file(DEFAULT_BANK)
    for kind in KINDS:
        assert list(generators.kept_generated(bank, 7, kind)) == generators._generated(bank, 7, kind)
    first = question_pool(bank, 7)
    for questions in first.values():
        questions.clear()  # what a reader may do with its pool
    assert question_pool(bank, 7) == question_pool(load_bank_file(DEFAULT_BANK), 7)
    assert generate_quiz(bank, count=10, seed=99, pool_seed=7) == \
        generate_quiz(load_bank_file(DEFAULT_BANK), count=10, seed=99, pool_seed=7)
    assert generate_quiz(bank, count=10, seed=7) == generate_quiz(bank, count=10, seed=7, pool_seed=7)
    for seed in range(3 * generators.POOL_SEEDS):
        question_pool(bank, seed)
    kept = generators._kept(bank)
    assert len(kept) == generators.POOL_SEEDS * len(KINDS)
    classify = generators.GENERATORS["classify"]
    assert (0, "classify", classify) not in kept and (3 * generators.POOL_SEEDS - 1, "classify", classify) in kept

