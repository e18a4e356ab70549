"""Essay and description response types: the registry's view of them and how quizzes store them."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.formats.gift import parse_gift
from quizapp.core.imported import ImportedQuestion
from quizapp.core.imported_quiz import gradable, select_questions, stored_question
from quizapp.core.responses.base import InvalidResponse
from quizapp.core.responses.essay import MAX_ESSAY_LENGTH, mark_fraction
from quizapp.core.responses.registry import (
    IMPORTED_KINDS,
    grade_stored,
    key_of,
    manually_graded,
    response_name,
    response_text,
    type_of,
)

BANK = """::Intro::Read this first: a *token* is a piece of text.

::E1::Explain what a token is. {}

::Q1::Is an LLM a kind of Generative AI? {TRUE}

::Between::Now two more.

::Q2::2 + 2 = ? {#4}

::E2::Why do LLMs hallucinate? {}

::Outro::Thanks for taking part.
"""


def questions() -> list[ImportedQuestion]:
    result = parse_gift(BANK)
    assert not result.errors and not result.warnings
    return result.questions


def test_essay_and_description_are_registered_response_types():
    assert IMPORTED_KINDS["essay"] == "Essay" and IMPORTED_KINDS["description"] == "Description"
    qs = questions()
    essay = stored_question(qs[1], random.Random(0), False, "s")
    description = stored_question(qs[0], random.Random(0), False, "s")
    assert response_name(essay) == "essay" and manually_graded(essay) and type_of(essay).graded
    assert response_name(description) == "description" and not type_of(description).graded
    assert not manually_graded(description)
    assert key_of(essay).max_mark == 1.0 and key_of(essay).markdown
    with pytest.raises(InvalidResponse):
        grade_stored(description, "anything")


def test_an_essay_scores_a_provisional_zero_and_refuses_what_does_not_fit():
    data = stored_question(questions()[1], random.Random(0), False, "s")
    assert grade_stored(data, "Tokens are pieces of words.") == 0.0
    assert response_text(data, "my answer") == "my answer"
    assert grade_stored(data, "x" * MAX_ESSAY_LENGTH) == 0.0
    with pytest.raises(InvalidResponse, match="10,001 characters; the limit is 10,000"):
        grade_stored(data, "x" * (MAX_ESSAY_LENGTH + 1))
    for bad in ("   ", 3, None, ["a"]):
        with pytest.raises(InvalidResponse):
            grade_stored(data, bad)


def test_plain_response_formats_are_not_markdown():
    question = replace(questions()[1], response_format="monospaced", grader_info="<p>Be kind</p>", default_grade=5)
    key = key_of(stored_question(question, random.Random(0), False, "s"))
    assert not key.markdown and key.grader_info == "<p>Be kind</p>" and key.max_mark == 5


@given(st.floats(min_value=0, max_value=10, allow_nan=False), st.floats(min_value=0.5, max_value=10))
def test_a_mark_becomes_a_fraction_of_the_max_mark(mark: float, max_mark: float):
    if mark <= max_mark:
        assert 0 <= mark_fraction(mark, max_mark) <= 1
        assert mark_fraction(mark, max_mark) == pytest.approx(mark / max_mark)
    else:
        with pytest.raises(ValueError, match="between 0 and"):
            mark_fraction(mark, max_mark)


def test_marks_outside_the_range_are_refused():
    for mark in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError):
            mark_fraction(mark, 1.0)


def test_essays_are_gradable_and_descriptions_are_not():
    qs = questions()
    assert [q.name for q in gradable(qs)] == ["E1", "Q1", "Q2", "E2"]
    assert [q.name for q in gradable(qs, kinds=["essay"])] == ["E1", "E2"]


def names(stored: list[dict]) -> list[tuple[list[str], str, list[str]]]:
    return [([d["imported"]["name"] for d in s.get("descriptions", [])], s["imported"]["name"],
             [d["imported"]["name"] for d in s.get("descriptions_after", [])]) for s in stored]


def test_descriptions_keep_their_place_in_file_order_without_counting_as_questions():
    stored = select_questions(questions(), 10, seed=1, source="s", shuffle=False)
    assert names(stored) == [(["Intro"], "E1", []), ([], "Q1", []), (["Between"], "Q2", []), ([], "E2", ["Outro"])]
    assert all(s["response"] != "description" for s in stored)
    assert all(d["response"] == "description" for s in stored for d in s.get("descriptions", []))


def test_descriptions_travel_with_their_question_when_shuffled_and_only_when_asked_for():
    stored = select_questions(questions(), 2, seed=3, source="s", shuffle=True)
    for before, name, after in names(stored):
        assert before == {"E1": ["Intro"], "Q2": ["Between"]}.get(name, [])
        assert after == (["Outro"] if name == "E2" else [])
    only_questions = select_questions(questions(), 10, seed=1, source="s", shuffle=False, kinds=["essay", "truefalse",
                                                                                                 "numerical"])
    assert all(not b and not a for b, _, a in names(only_questions))
    asked = select_questions(questions(), 10, seed=1, source="s", shuffle=False, kinds=["essay", "description"])
    # "Between" introduces the next question asked, here E2.
    assert names(asked) == [(["Intro"], "E1", []), (["Between"], "E2", ["Outro"])]


def test_descriptions_do_not_change_which_questions_a_seed_picks():
    with_descriptions = select_questions(questions(), 3, seed=11, source="s")
    without = select_questions([q for q in questions() if q.qtype != "description"], 3, seed=11, source="s")
    strip = [{k: v for k, v in s.items() if not k.startswith("descriptions")} for s in with_descriptions]
    assert strip == without
