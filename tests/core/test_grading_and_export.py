"""Grading rejects impossible responses; the exports keep the documented shape."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.bank_loader import load_bank_file
from quizapp.core.charts import score_chart_svg
from quizapp.core.generators import generate_quiz
from quizapp.core.progress import AnsweredRow, accuracy_by_category, accuracy_by_kind, weakest
from quizapp.core.questions import InvalidResponse, Question, grade
from quizapp.core.quiz_export import gift_escape, quiz_to_gift, quiz_to_json
from tests.conftest import DEFAULT_BANK, SECOND_BANK

SINGLE = Question(kind="classify", prompt="P?", options=("a", "b", "c"), answer=1, explanation="e", source="s")
MATCH = Question(kind="match", prompt="M", options=("x", "y"), pairs=(("1", "x"), ("2", "y"), ("3", "x")),
                 explanation="e", source="s")


def test_single_answer_scores_one_or_zero():
    assert grade(SINGLE, 1) == 1.0
    assert grade(SINGLE, 0) == 0.0


def test_match_gives_the_share_of_right_pairs():
    assert grade(MATCH, [0, 1, 0]) == 1.0
    assert grade(MATCH, [0, 0, 0]) == pytest.approx(2 / 3)
    assert grade(MATCH, [1, 0, 1]) == 0.0


@given(st.one_of(st.integers(), st.lists(st.integers()), st.booleans()))
def test_grade_never_accepts_an_out_of_range_or_misshapen_response(response):
    for q in (SINGLE, MATCH):
        try:
            score = grade(q, response)
        except InvalidResponse:
            continue
        assert 0.0 <= score <= 1.0
        if q is SINGLE:
            assert response in (0, 1, 2) and not isinstance(response, bool)
        else:
            assert len(response) == 3 and all(0 <= r < 2 for r in response)


def test_question_round_trips_through_its_dict():
    for q in generate_quiz(load_bank_file(DEFAULT_BANK), 30, seed=5):
        again = Question.from_dict(json.loads(json.dumps(q.to_dict())))
        assert again.to_dict() == q.to_dict()


def test_json_export_shape():
    bank = load_bank_file(DEFAULT_BANK)
    data = quiz_to_json("llm-vs-genai", 9, generate_quiz(bank, 20, seed=9, kinds=["match", "classify"]))
    assert data["bank"] == "llm-vs-genai" and data["seed"] == 9
    for q in data["questions"]:
        assert {"kind", "response", "prompt", "options", "explanation", "source", "categories", "facts"} <= q.keys()
        if q["response"] == "matching":
            assert "answer" not in q and all(right in q["options"] for _, right in q["pairs"])
        elif q["response"] == "multiple":
            assert isinstance(q["answer"], list) and "pairs" not in q
        else:
            assert isinstance(q["answer"], int) and "pairs" not in q


@pytest.mark.parametrize("bank_file", [DEFAULT_BANK, SECOND_BANK])
def test_each_response_type_exports_what_the_question_stores(bank_file):
    """The response types' JSON is the stored shape, key for key, for every generated question."""
    questions = generate_quiz(load_bank_file(bank_file), 50, seed=4)
    exported = quiz_to_json("b", 4, questions)["questions"]
    assert exported == [q.to_dict() for q in questions]
    assert [list(q) for q in exported] == [list(q.to_dict()) for q in questions]


def test_multiple_answer_questions_export_a_list_and_grade_with_partial_credit():
    q = Question(kind="classify", prompt="Which are LLMs?", options=("GPT-4", "DALL-E", "Claude", "GAN"),
                 answers=(0, 2), explanation="e", source="s", facts=("item:GPT-4:category",))
    data = quiz_to_json("b", 1, [q])["questions"][0]
    assert data["response"] == "multiple" and data["answer"] == [0, 2] and data["facts"] == ["item:GPT-4:category"]
    assert Question.from_dict(data) == q
    assert grade(q, [0, 2]) == 1.0 and grade(q, [0, 1, 2, 3]) == 0.0 and grade(q, [2]) == 0.5
    assert q.correct_text == "GPT-4; Claude"
    assert "{~%50%GPT-4 ~%-50%DALL-E ~%50%Claude ~%-50%GAN ####" in quiz_to_gift("b", 1, [q])


def test_gift_escapes_special_characters():
    assert gift_escape("a=b~c#d{e}f:g\\h") == r"a\=b\~c\#d\{e\}f\:g\\h"
    assert gift_escape("line1\nline2") == r"line1\nline2"
    assert gift_escape("x -> y") == "x → y"


def _unescaped(text: str, char: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), text.replace("\\\\", "")))


def test_gift_export_has_one_well_formed_block_per_question():
    bank = load_bank_file(DEFAULT_BANK)
    questions = generate_quiz(bank, 30, seed=2)
    gift = quiz_to_gift("llm-vs-genai", 2, questions)
    blocks = [b for b in gift.rstrip("\n").split("\n\n") if b.startswith("::")]
    assert len(blocks) == len(questions)
    for block, q in zip(blocks, questions, strict=True):
        assert "\n" not in block
        assert _unescaped(block, "{") == 1 and _unescaped(block, "}") == 1 and block.endswith("}")
        answers = block[block.index(" {") + 2:block.rindex("####")]
        if q.response == "matching":
            assert answers.count("->") == len(q.options) + len(q.pairs) - len({r for _, r in q.pairs})
        elif q.response == "multiple":
            assert _unescaped(answers, "=") == 0 and _unescaped(answers, "~") == len(q.options)
        elif q.options == ("True", "False"):
            assert answers.strip() == ("TRUE" if q.answer == 0 else "FALSE")
        else:
            assert _unescaped(answers, "=") == 1 and _unescaped(answers, "~") == len(q.options) - 1


def test_breakdowns_and_weakest_category():
    rows = [AnsweredRow("classify", ["llm"], 1.0), AnsweredRow("classify", ["genai"], 0.0),
            AnsweredRow("match", ["llm", "genai"], 0.5), AnsweredRow("truefalse", [], 1.0),
            AnsweredRow("method", ["genai"], 0.0)]
    kinds = {a.key: (a.answered, a.percent) for a in accuracy_by_kind(rows)}
    assert kinds == {"classify": (2, 50.0), "match": (1, 50.0), "truefalse": (1, 100.0), "method": (1, 0.0)}
    cats = {a.key: (a.answered, round(a.percent, 1)) for a in accuracy_by_category(rows)}
    assert cats == {"llm": (2, 75.0), "genai": (3, 16.7)}
    assert weakest(accuracy_by_category(rows), min_answered=2).key == "genai"
    assert weakest(accuracy_by_category(rows), min_answered=4) is None


def test_chart_escapes_labels_and_describes_itself():
    svg = score_chart_svg([("<b>", 50.0), ("later", 100.0)], "Scores & more")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert 'role="img"' in svg and "Scores &amp; more" in svg and "later: 100%" in svg
    assert "No finished quizzes yet." in score_chart_svg([], "t")
