"""Dimension: the comparison table's contrasts.

When a category has at least two unrelated categories, it is a multiple-choice question over their
values. Otherwise (a two-category bank, or a subcategory whose only contrast is with its parent's
siblings) two options would be the only choice, so it becomes a true/false statement: the
category's own value (true) or an unrelated category's value (false); only where there is no
unrelated category (LLM and Generative AI) the parent's and the subcategory's values are
contrasted, which the format asks to be false of each other. In multiple choice a parent's value
is never offered for its subcategory or the other way round: both could be defended. A question declares
every value it shows as a fact, so one quiz never holds a question and its mirror.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..bank import FactBank
from ..questions import Question
from .common import MIN_OPTIONS, Draft, balanced_truth, finalize, prompt, sentence, true_false
from .per_bank import per_bank

KIND = "dimension"


def dim_fact(name: str, category_id: str) -> str:
    return f"dim:{name}:{category_id}"


def unrelated(bank: FactBank, category_id: str) -> list[str]:
    return [c.id for c in bank.categories
            if not bank.is_member(c.id, category_id) and not bank.is_member(category_id, c.id)]


def dimension(bank: FactBank, rng: random.Random) -> list[Question]:
    drafts, statements = _drafts(bank)
    return finalize(KIND, drafts, rng) + balanced_truth(statements, rng)


@per_bank
def _drafts(bank: FactBank) -> tuple[tuple[Draft, ...], tuple[Question, ...]]:
    """The multiple-choice drafts and the true/false statements."""
    drafts: list[Draft] = []
    statements: list[Question] = []
    for dim in bank.dimensions:
        if dim.shared:
            continue
        by_value = {v: cid for cid, v in dim.values.items()}
        for category in bank.categories:
            value = dim.values[category.id]
            others = unrelated(bank, category.id)
            name = bank.called(category.id)
            source = bank.cite(dim.source)
            if len(others) + 1 >= MIN_OPTIONS:

                def explain(chosen: list[str], name: str = name, value: str = value, dim_name: str = dim.name,
                            by_value: dict[str, str] = by_value) -> str:
                    wrong = "; ".join(f"{bank.called(by_value[o])}: {o}" for o in chosen)
                    return f'On "{dim_name}" the comparison gives {name}: {sentence(value)} The others: {wrong}.'

                drafts.append(Draft(
                    prompt=prompt(bank, KIND, category=name, dimension=dim.name), key=value,
                    candidates=[dim.values[o] for o in others], explain=explain, source=source,
                    categories=(category.id,), facts=(dim_fact(dim.name, category.id),),
                    option_fact=_value_fact(dim.name, by_value)))
                continue
            statements.append(true_false(
                KIND, prompt(bank, "dimension_statement", category=name, dimension=dim.name, value=sentence(value)),
                True,
                explanation=f'On "{dim.name}" the comparison gives {name}: {sentence(value)}', source=source,
                categories=[category.id], facts=[dim_fact(dim.name, category.id)]))
            # With no unrelated category (a two-category bank), the contrast is with the parent or
            # subcategory: the format asks that their values be false of each other.
            for other in others or [c.id for c in bank.categories if c.id != category.id]:
                shown = dim.values[other]
                statements.append(true_false(
                    KIND, prompt(bank, "dimension_statement", category=name, dimension=dim.name, value=sentence(shown)),
                    False, explanation=f'That is what it says of {bank.called(other)}. For {name} it says: '
                    f"{sentence(value)}", source=source, categories=[category.id],
                    facts=[dim_fact(dim.name, category.id), dim_fact(dim.name, other)]))
    return tuple(drafts), tuple(statements)


def _value_fact(name: str, by_value: dict[str, str]) -> Callable[[str], str]:
    """The fact a shown value tests: the dimension's value for the category it belongs to."""
    return lambda value: dim_fact(name, by_value[value])
