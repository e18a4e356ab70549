"""Question generators: the invariants hold for any seed, on both shipped banks.

``right_options`` works out, from the bank alone and without the generators' helpers, which
options of a question are factually right; every single-answer question must have exactly one
and key it, every multiple-answer question must key exactly those.
"""

from __future__ import annotations

import random
import re
from functools import cache

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from quizapp.core.bank import FactBank, Item
from quizapp.core.bank_loader import load_bank_file
from quizapp.core.generators import GENERATORS, KINDS, REGISTRY, available_kinds, generate_quiz, question_pool
from quizapp.core.generators.common import prompt as fill
from quizapp.core.questions import KINDS as QUESTION_KINDS
from quizapp.core.questions import Question
from tests.conftest import DEFAULT_BANK, SECOND_BANK

BANKS = {path.stem: load_bank_file(path) for path in (DEFAULT_BANK, SECOND_BANK)}
seeds = st.integers(min_value=0, max_value=2**31 - 1)
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)  # report a failing seed as it is: shrinking is slow
bank_names = st.sampled_from(sorted(BANKS))


@cache
def pool(bank_name: str, seed: int) -> dict[str, list[Question]]:
    return question_pool(BANKS[bank_name], seed)


# -- the facts, worked out from the bank --------------------------------------------------------


def items(bank: FactBank) -> dict[str, Item]:
    return {i.name: i for i in bank.items}


def phrase_fits(bank: FactBank, phrase: str, category_id: str) -> bool:
    """Does a member of ``category_id`` fit "an LLM" / "Generative AI but not an LLM" / plurals?"""
    names = {}
    for c in bank.categories:
        for text in (c.called or c.name, c.plural or c.name):
            names[text.casefold()] = c.id
    head, _, rest = phrase.partition(" but not ")
    inside = names[head.casefold()]
    if not bank.is_member(category_id, inside):
        return False
    if rest:
        for part in re.split(r" or |, ", rest):
            if bank.is_member(category_id, names[part.casefold()]):
                return False
    return True


def statement_truth(bank: FactBank, q: Question) -> bool:
    by_text = {s.text: s.answer for s in bank.statements}
    if q.prompt in by_text:
        return by_text[q.prompt]
    named = items(bank)
    for name, item in named.items():
        if q.prompt.startswith(f"{name} is "):
            return phrase_fits(bank, q.prompt[len(name) + 4:].rstrip("."), item.category)
    raise AssertionError(f"unknown statement {q.prompt!r}")


def right_options(bank: FactBank, q: Question) -> set[str]:
    named = items(bank)
    if q.kind == "classify":
        phrase = re.match(r".* is (.+)\?$", q.prompt).group(1)
        return {o for o in q.options if phrase_fits(bank, phrase, named[o].category)}
    if q.kind == "multiple" and q.options[0] in named:
        phrase = re.match(r".* are (.+)\? Select all", q.prompt).group(1)
        return {o for o in q.options if phrase_fits(bank, phrase, named[o].category)}
    if q.kind == "multiple":
        apps = {a.name: a for a in bank.applications}
        wanted = next(c.id for c in bank.categories if c.application_label[:1].lower() + c.application_label[1:]
                      in q.prompt)
        return {o for o in q.options if apps[o].category == wanted}
    if q.kind == "modality":
        produced = {m.name.lower(): m.id for m in bank.modalities}
        wanted = next(mid for name, mid in produced.items() if q.prompt.rstrip("?").endswith(f" {name}"))
        return {o for o in q.options if wanted in named[o].modality}
    if q.kind == "organization":
        item = next(i for i in bank.items if q.prompt.rstrip("?").endswith(f" {i.name}"))
        return {o.name for o in bank.organizations
                if o.name in q.options and bank.org_related(o.id, item.organization)}
    if q.kind == "method":
        return {m.name for m in bank.methods if (m.clue or m.description).strip() in q.prompt}
    if q.kind == "dimension":
        dim, cid = next((d, c.id) for d in bank.dimensions for c in bank.categories
                        if f'"{d.name}"' in q.prompt and f" {c.called or c.name} on " in q.prompt)
        return {dim.values[cid]} & set(q.options)
    if q.kind == "compare":
        return compare_right(bank, q)
    if q.kind == "scenario":
        app = next(a for a in bank.applications if a.scenario and q.prompt.startswith(a.scenario))
        return {o for o in q.options if set(named[o].modality) & set(app.modality)}
    if q.kind == "oddoneout":
        attribute = "organization" if "same organization" in q.prompt or "same developer" in q.prompt else "modality"
        value = {o: (named[o].organization if attribute == "organization" else named[o].modality[0])
                 for o in q.options}
        return {o for o in q.options if sum(1 for v in value.values() if v == value[o]) == 1}
    if q.kind == "faq":
        return {f.answer for f in bank.faqs if f.question == q.prompt}
    raise AssertionError(q.kind)


def compare_right(bank: FactBank, q: Question) -> set[str]:
    plural = {(c.plural or c.name): c.id for c in bank.categories}
    sides = {text: cid for d in bank.differences for cid, text in d.sides.items()}
    if "as true of both" in q.prompt:
        return {o for o in q.options if o in {s.text for s in bank.similarities}}
    if "as opposed to" in q.prompt:
        asked = plural[re.match(r".* say of (.+), as opposed to", q.prompt).group(1)]
        return {o for o in q.options if sides.get(o) == asked}
    m = re.match(r"Which (strength|weakness) does the comparison name for (.+)\?", q.prompt)
    kind = "pro" if m.group(1) == "strength" else "con"
    asked = plural[m.group(2)]
    return {p.text for p in bank.pros_cons if p.category == asked and p.kind == kind} & set(q.options)


def match_value(bank: FactBank, prompt_key: str, left: str) -> str:
    named = items(bank)
    if prompt_key == "match_industry":
        return next(a.industry for a in bank.applications if a.name == left)
    item = named[left]
    if prompt_key == "match_organization":
        return bank.organization(item.organization).name
    if prompt_key == "match_modality":
        return bank.modality(item.modality[0]).name
    return bank.method(item.method).name


# -- the checks --------------------------------------------------------------------------------------


def check_question(bank: FactBank, q: Question) -> None:
    assert q.kind in KINDS
    assert q.prompt and q.explanation and q.source
    assert ".txt" not in q.source and "Seed" not in q.source and "Well known" not in q.source, q.source
    assert len(q.options) == len(set(q.options)) >= 2, q
    for option in q.options:  # never an option the subset relation rules out ("LLM, but not Generative AI")
        for c in bank.categories:
            for a in bank.ancestors(c.id):
                assert f"{c.name}, but not {bank.category(a).name}" not in option
    if q.is_match:
        check_match(bank, q)
        return
    if q.options == ("True", "False"):
        assert q.answer in (0, 1)
        if q.kind == "dimension":
            dim = next(d for d in bank.dimensions if f'"{d.name}"' in q.prompt)
            cid = next(c.id for c in bank.categories if f" {c.called or c.name} on " in q.prompt)
            assert (q.answer == 0) == q.prompt.endswith(dim.values[cid].rstrip(".") + ".")
        else:
            assert (q.answer == 0) == statement_truth(bank, q), q.prompt
        return
    assert len(q.options) >= 3, f"two-option multiple choice is for true/false only: {q}"
    right = right_options(bank, q)
    if q.answers:
        assert {q.options[i] for i in q.answers} == right, q
        assert 1 <= len(right) <= len(q.options) - 2
        return
    assert q.answer is not None and 0 <= q.answer < len(q.options)
    assert right == {q.options[q.answer]}, f"{q.prompt}: right answers {right}, keyed {q.options[q.answer]}"
    assert q.explanation.strip(" .") != q.options[q.answer].strip(" ."), "an explanation must not restate the key"


def check_match(bank: FactBank, q: Question) -> None:
    assert 4 <= len(q.pairs) <= 5
    lefts = [left for left, _ in q.pairs]
    assert len(lefts) == len(set(lefts))
    assert len({right for _, right in q.pairs}) >= 3, "a match needs at least three different right-hand choices"
    assert all(right in q.options for _, right in q.pairs)
    key = next(k for k in REGISTRY["match"].prompts if fill(bank, k) == q.prompt)
    for left, right in q.pairs:
        assert right == match_value(bank, key, left)
    orgs = {o.name: o.id for o in bank.organizations}
    for a in q.options:  # no right-hand choice that is part of another (DeepMind, Google)
        for b in q.options:
            if a != b and a in orgs and b in orgs:
                assert not bank.org_related(orgs[a], orgs[b])


@settings(max_examples=30, deadline=None, phases=NO_SHRINK)
@given(bank_name=bank_names, seed=seeds, count=st.integers(5, 50))
def test_quiz_invariants_hold_for_any_seed(bank_name: str, seed: int, count: int):
    bank = BANKS[bank_name]
    quiz = generate_quiz(bank, count=count, seed=seed)
    assert len(quiz) == count  # both banks have well over 50 facts
    facts = [f for q in quiz for f in q.facts]
    assert len(facts) == len(set(facts)), "one fact was asked twice in one quiz (across kinds too)"
    statements = [q for q in quiz if q.options == ("True", "False")]
    true = sum(1 for q in statements if q.answer == 0)
    assert abs(true - (len(statements) - true)) <= 1, "a quiz holds as many true as false statements"
    for q in quiz:
        check_question(bank, q)


@pytest.mark.parametrize("bank_name", sorted(BANKS))
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_question_in_the_pool_is_sound(bank_name: str, seed: int):
    bank = BANKS[bank_name]
    for questions in pool(bank_name, seed).values():
        for q in questions:
            check_question(bank, q)


@settings(max_examples=20, deadline=None, phases=NO_SHRINK)
@given(bank_name=bank_names, seed=seeds, kinds=st.sets(st.sampled_from(list(KINDS)), min_size=1))
def test_generation_is_deterministic_and_respects_kinds(bank_name: str, seed: int, kinds: set[str]):
    bank = BANKS[bank_name]
    first = generate_quiz(bank, count=10, seed=seed, kinds=kinds)
    assert first == generate_quiz(bank, count=10, seed=seed, kinds=kinds)
    assert {q.kind for q in first} <= kinds


def test_kinds_come_from_one_registry():
    assert QUESTION_KINDS is KINDS
    assert list(KINDS) == list(REGISTRY) == list(GENERATORS)
    for generator in REGISTRY.values():
        assert generator.label and generator.example


@pytest.mark.parametrize("bank_name", sorted(BANKS))
def test_each_bank_yields_every_kind(bank_name: str):
    """The generators are generic: the second bank gives every kind with no code change."""
    assert available_kinds(BANKS[bank_name]) == list(KINDS)
    quiz = generate_quiz(BANKS[bank_name], count=len(KINDS), seed=7)
    assert {q.kind for q in quiz} == set(KINDS)


def test_no_option_is_ruled_out_by_the_premise():
    """Classify contrasts items: "Which of these models is an LLM?" over four models, one an LLM."""
    bank = BANKS["llm-vs-genai"]
    questions = GENERATORS["classify"](bank, random.Random(1))
    assert questions
    for q in questions:
        assert all(o in items(bank) for o in q.options)
        assert len(right_options(bank, q)) == 1


def test_every_llm_is_generative_ai_in_membership_statements():
    statements = {q.prompt: q.options[q.answer] for seed in range(30) for q in pool("llm-vs-genai", seed)["truefalse"]}
    assert statements.get("StyleGAN is an LLM.", "False") == "False"
    assert statements.get("GPT-4 is Generative AI but not an LLM.", "False") == "False"
    assert statements.get("GPT-4 is an LLM.", "True") == "True"
    assert any(p.endswith(" is an LLM.") and a == "True" for p, a in statements.items())
    assert not any(p.endswith(" is Generative AI.") for p in statements), "true of every item: never asked"
    membership = [q for q in pool("llm-vs-genai", 0)["truefalse"] if q.facts[0].startswith("item:")]
    assert sum(q.answer == 0 for q in membership) * 2 == len(membership), "membership statements are half true"


def test_organization_distractors_skip_related_organizations_and_give_aways():
    """BigGAN is DeepMind's, and DeepMind is part of Google: Google is never a wrong answer.
    Midjourney is never asked (its maker is named after it)."""
    for seed in range(40):
        for q in pool("llm-vs-genai", seed)["organization"]:
            assert "Midjourney" not in q.prompt and "Midjourney, Inc." not in q.options
            if "BigGAN" in q.prompt:
                assert q.options[q.answer] == "DeepMind"
                assert "Google" not in q.options
            if "DeepMind" in q.options and q.options[q.answer] == "Google":
                raise AssertionError(q)


def test_names_never_give_the_answer_away():
    """No question offers an option echoing the item asked about (StyleGAN -> GANs, Stable Diffusion -> Diffusion)."""
    for bank_name in BANKS:
        for seed in range(5):
            for q in pool(bank_name, seed).get("match", []):
                for left, right in q.pairs:
                    assert not (left.split()[0].lower().startswith(right.split()[0][:5].lower())
                                and len(right.split()[0]) >= 4), (left, right)
    modality = [q for s in range(20) for q in pool("llm-vs-genai", s)["modality"]]
    assert not any("MusicGen" in q.options and q.prompt.endswith(" music?") for q in modality)
    assert not any("ChatGPT" in q.options for q in modality), "ChatGPT has two kinds of content: left out"


def test_multiple_answer_questions_need_every_llm_ticked():
    bank = BANKS["llm-vs-genai"]
    questions = [q for s in range(5) for q in pool("llm-vs-genai", s)["multiple"] if "are LLMs?" in q.prompt]
    assert questions
    for q in questions:
        llms = {o for o in q.options if o in items(bank) and items(bank)[o].category == "llm"}
        assert {q.options[i] for i in q.answers} == llms
        assert 2 <= len(q.options) - len(q.answers)  # ticking every box scores 0, so there are wrong ones
    shapes = Question.to_dict(questions[0])
    assert shapes["answer"] == list(questions[0].answers) and shapes["response"] == "multiple"
    assert Question.from_dict(shapes) == questions[0]


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


def test_sources_are_for_people():
    bank = BANKS["llm-vs-genai"]
    q = next(q for q in pool("llm-vs-genai", 0)["organization"] if "Claude" not in q.prompt)
    assert " — " in q.source and ".txt" not in q.source
    first = "LLM vs Generative AI: A Comprehensive Comparison — Popular Generative AI Models"
    assert bank.cite(bank.items[0].source) == first


@pytest.mark.parametrize("bank_name", sorted(BANKS))
def test_export_shape_of_every_kind(bank_name: str):
    """export-quiz --format json: a list of indices for multiple answer, pairs for match, facts for all."""
    for kind, questions in pool(bank_name, 0).items():
        q = questions[0]
        data = q.to_dict()
        assert data["kind"] == kind and isinstance(data["facts"], list) and data["facts"]
        if q.response == "multiple":
            assert data["answer"] == list(q.answers) and all(isinstance(i, int) for i in data["answer"])
        elif q.response == "matching":
            assert data["pairs"] == [[left, right] for left, right in q.pairs] and "answer" not in data
        else:
            assert isinstance(data["answer"], int)
        assert Question.from_dict(data) == q


@pytest.mark.parametrize("bank_name", sorted(BANKS))
def test_an_odd_true_false_statement_is_true_as_often_as_false(bank_name: str):
    """A quiz with an odd number of statements cannot be half true; which side has the extra one must
    then be a coin toss over quizzes, so answering "True" (or "False") to all still scores chance."""
    more_true = more_false = 0
    for seed in range(150):
        for count in (5, 10):
            quiz = generate_quiz(BANKS[bank_name], count=count, seed=seed)
            statements = [q for q in quiz if q.options == ("True", "False")]
            true = sum(1 for q in statements if q.answer == 0)
            if len(statements) % 2:
                more_true += true * 2 > len(statements)
                more_false += true * 2 < len(statements)
    assert more_true + more_false >= 50, "too few quizzes with an odd number of statements to tell"
    # Deterministic (seeded); the bounds are about 2.5 standard deviations of a fair coin over ~80 quizzes.
    assert 0.35 <= more_true / (more_true + more_false) <= 0.65, (more_true, more_false)
