"""Turn a fact bank into questions: one module per kind, ONE registry (this module).

Pure and deterministic given a seed. Every generator respects the subset relation between
categories (an LLM is Generative AI), offers no option the premise rules out, and avoids the
cues a test-wise learner uses (see tests/testwise.py, which measures them per kind). Each
question declares the facts it tests, and a quiz never asks one fact twice, across kinds too.

Adding a kind means one module with a ``(bank, rng) -> list[Question]`` function and one
``Generator`` entry below, with the prompt templates it reads (defaults and placeholders in
:data:`quizapp.core.bank.DEFAULT_PROMPTS` and :data:`~quizapp.core.bank.PROMPT_FIELDS`). What a kind
works out from the bank alone (its drafts, tables of candidates) it builds once per bank with
:func:`~quizapp.core.generators.per_bank.per_bank`, so that a quiz pays only for the seeded choices.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..bank import DEFAULT_PROMPTS, FactBank
from ..questions import Question
from .classify import classify
from .common import TRUE_FALSE
from .compare import compare
from .dimension import dimension
from .faq import faq
from .match import match
from .method import method
from .modality import modality
from .multiple import multiple
from .oddoneout import oddoneout
from .organization import organization
from .per_bank import per_bank as _per_bank  # not bound as per_bank: that name is the module
from .scenario import scenario
from .truefalse import truefalse

GeneratorFunction = Callable[[FactBank, random.Random], list[Question]]

# Further seeds tried for a kind whose generator gives no question on a quiz's seed. The balancing in
# ``common.finalize`` may drop every draft of a small pool (modality in the default bank, 1 seed in 2000), and a
# quiz asked for every kind must not silently go without one the bank has facts for.
RESEEDS = 3


@dataclass(frozen=True)
class Generator:
    kind: str
    label: str  # what the start form lists
    make: GeneratorFunction
    prompts: tuple[str, ...]  # the prompt templates (keys of DEFAULT_PROMPTS) it fills
    example: str  # a question it asks, for the documentation


REGISTRY: dict[str, Generator] = {g.kind: g for g in (
    Generator("classify", "Classify: which of these is in the category?", classify, ("classify",),
              "Which of these models is an LLM? (GPT-4 / StyleGAN / Dall-E 3 / MusicGen)"),
    Generator("match", "Match models and applications to their makers, content, methods, industries", match,
              ("match_organization", "match_modality", "match_method", "match_industry"),
              "Match each model to the organization that made it."),
    Generator("method", "Method: which training method or architecture is described?", method, ("method",),
              'Which training method or architecture does this describe? "Two networks ..."'),
    Generator("truefalse", "True or false", truefalse, ("membership",), "StyleGAN is an LLM. (False)"),
    Generator("organization", "Organization: who made it?", organization, ("organization",),
              "Which organization developed BigGAN?"),
    Generator("modality", "Modality: what does it produce?", modality, ("modality",),
              "Which of these models produces music?"),
    Generator("dimension", "Compare on a dimension of the summary table", dimension,
              ("dimension", "dimension_statement"),
              'The comparison describes an LLM on "Scope" as: Primarily focused on language and text. (True)'),
    Generator("multiple", "Select all that apply", multiple, ("multiple_items", "multiple_applications"),
              "Which of these models are LLMs? Select all that apply."),
    Generator("compare", "Differences, similarities, strengths and weaknesses", compare,
              ("compare_difference", "compare_procon", "compare_similarity"),
              "Which weakness does the comparison name for Generative AI models?"),
    Generator("scenario", "Scenario: which one fits the job?", scenario, ("scenario",),
              "A law firm wants contracts drafted and summarised. Which of these models fits the job?"),
    Generator("oddoneout", "Odd one out", oddoneout, ("oddoneout_organization", "oddoneout_modality"),
              "Three of these models come from the same organization. Which one does not?"),
    Generator("faq", "Frequently asked questions", faq, (),
              "Can Generative AI and LLMs be used together in a single application?"),
)}
assert all(p in DEFAULT_PROMPTS for g in REGISTRY.values() for p in g.prompts)

KINDS: dict[str, str] = {kind: g.label for kind, g in REGISTRY.items()}
GENERATORS: dict[str, GeneratorFunction] = {kind: g.make for kind, g in REGISTRY.items()}


# How many seeds a process keeps each kind's questions for, per bank (:func:`kept_generated`). The app generates
# its quizzes' pools on one of these (POOL_SEEDS variants of every kind's questions and distractors); which
# questions a quiz asks, and in which order, is still drawn on the quiz's own seed.
POOL_SEEDS = 32


def question_pool(bank: FactBank, seed: int, kinds: Iterable[str] | None = None,
                  category: str | Iterable[str] | None = None) -> dict[str, list[Question]]:
    """Every question of the requested kinds, per kind, optionally only about some categories (or their subsets)."""
    wanted = [k for k in KINDS if kinds is None or k in set(kinds)]
    chosen = [category] if isinstance(category, str) else list(category or [])
    pools = {}
    for kind in wanted:
        questions = list(kept_generated(bank, seed, kind))
        if chosen:
            questions = [q for q in questions if any(bank.is_member(c, want) for c in q.categories for want in chosen)]
        if questions:
            pools[kind] = questions
    return pools


@_per_bank
def _kept(bank: FactBank) -> OrderedDict[tuple[int, str, GeneratorFunction], tuple[Question, ...]]:
    return OrderedDict()


_KEPT_LOCK = threading.Lock()


def kept_generated(bank: FactBank, seed: int, kind: str) -> tuple[Question, ...]:
    """:func:`_generated`, kept per bank for the last ``POOL_SEEDS`` seeds of each kind (and its generator, should
    the registry change): the same questions (they are immutable), without generating them again. Generating every
    kind's pool was two thirds of a quiz start, which now pays only for its draw once its pool seed has been seen
    (see POOL_SEEDS)."""
    kept, key = _kept(bank), (seed, kind, GENERATORS[kind])
    with _KEPT_LOCK:
        questions = kept.get(key)
        if questions is not None:
            kept.move_to_end(key)
            return questions
    questions = tuple(_generated(bank, seed, kind))
    with _KEPT_LOCK:
        kept[key] = questions
        while len(kept) > POOL_SEEDS * len(GENERATORS):
            kept.popitem(last=False)
    return questions


def _generated(bank: FactBank, seed: int, kind: str) -> list[Question]:
    """The kind's questions on the quiz's seed, else on the first of :data:`RESEEDS` derived seeds that gives any."""
    for attempt in range(1 + RESEEDS):
        rng = random.Random(f"{seed}:{kind}" if attempt == 0 else f"{seed}:{kind}:{attempt}")
        questions = GENERATORS[kind](bank, rng)
        if questions:
            return questions
    return []


def available_kinds(bank: FactBank) -> list[str]:
    """The kinds this bank has facts for."""
    return list(question_pool(bank, seed=0))


def is_true_false(q: Question) -> bool:
    return q.options == TRUE_FALSE


def generate_quiz(bank: FactBank, count: int, seed: int, kinds: Iterable[str] | None = None,
                  category: str | Iterable[str] | None = None, pool_seed: int | None = None) -> list[Question]:
    """A quiz of up to ``count`` questions, kinds taken in turn, in a seeded order.

    No fact is asked twice (across kinds too), and true/false statements alternate between
    true and false as far as the pool allows, so a quiz holds as many true as false ones
    (one more of either for an odd number). Returns fewer than ``count`` only when the bank
    has fewer questions with new facts. The pools are generated on ``pool_seed`` (by default
    ``seed``); the app passes one of :data:`POOL_SEEDS`, whose pools a process keeps.
    """
    rng = random.Random(seed)
    pools = question_pool(bank, seed if pool_seed is None else pool_seed, kinds, category)
    for questions in pools.values():
        rng.shuffle(questions)
    order = list(pools)
    rng.shuffle(order)
    quiz: list[Question] = []
    facts: set[str] = set()
    truth = [0, 0]  # true/false statements asked that are true, false
    while len(quiz) < count:
        added = False
        # The kinds with the fewest questions left go first, so a short quiz still gets every kind.
        for kind in sorted(order, key=lambda k: sum(1 for q in pools[k] if not facts & set(q.facts))):
            q = _next(pools[kind], facts, truth)
            if q is None:
                continue
            added = True
            facts.update(q.facts)
            if is_true_false(q):
                truth[q.answer or 0] += 1
            quiz.append(q)
            if len(quiz) >= count:
                break
        if not added:
            break
    rng.shuffle(quiz)
    return quiz


def _next(pool: list[Question], facts: set[str], truth: list[int]) -> Question | None:
    """The kind's next question with no fact asked yet, keeping true and false statements level.

    A true/false statement is taken only if afterwards the true ones and the false ones differ by
    at most one; questions whose facts were asked are dropped from the pool.
    """
    pool[:] = [q for q in pool if not facts & set(q.facts)]
    for i in range(len(pool) - 1, -1, -1):
        q = pool[i]
        if is_true_false(q):
            after = list(truth)
            after[q.answer or 0] += 1
            if abs(after[0] - after[1]) > 1:
                continue
        return pool.pop(i)
    return None
