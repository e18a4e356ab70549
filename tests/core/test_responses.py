"""Response types: each grades, words, gives feedback and exports its own shape, for either origin."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.formats.gift import parse_gift
from quizapp.core.imported import Answer, ImportedQuestion, MatchPair, grade_imported
from quizapp.core.imported_quiz import gradable, kind_of, select_questions, stored_question
from quizapp.core.questions import Question
from quizapp.core.responses.base import InvalidResponse, gift_percent, settled
from quizapp.core.responses.numeric import parse_number
from quizapp.core.responses.registry import (
    IMPORTED_KINDS,
    RESPONSE_TYPES,
    answer_feedback,
    answer_json,
    gift_answers,
    grade_stored,
    imported_type,
    key_of,
    normalised,
    response_name,
    response_text,
    response_type,
    right_answer_text,
)

REPO = Path(__file__).resolve().parents[2]


def generated(**fields: object) -> dict:
    base: dict = {"kind": "classify", "prompt": "P?", "options": ("a", "b", "c", "d"), "explanation": "e",
                  "source": "s"}
    return Question(**{**base, **fields}).to_dict()


def imported(**fields: object) -> ImportedQuestion:
    return ImportedQuestion(**{"qtype": "multichoice", "name": "n", "text": "t", **fields})


def stored(question: ImportedQuestion, seed: int = 0, shuffle: bool = False) -> dict:
    return stored_question(question, random.Random(seed), shuffle, "src")


SINGLE = generated(answer=1)
MULTIPLE = generated(answers=(0, 2))
MATCH = generated(kind="match", options=("x", "y", "z"), pairs=(("1", "x"), ("2", "y"), ("3", "x")))
TRUE_FALSE = stored(imported(qtype="truefalse", tf_answer=False, tf_feedback_right="yes", tf_feedback_wrong="no"))
SEVERAL = stored(imported(single=False, answers=(Answer("a", 0.5, "fa"), Answer("b", 0.5), Answer("c", -1.0, "fc"))))
SHORT = stored(imported(qtype="shortanswer", answers=(Answer("generative ai", 1.0, "exact"),
                                                      Answer("gen*", 0.5, "close"), Answer("*", 0.0, "other"))))
NUMBER = stored(imported(qtype="numerical", answers=(Answer("3", 1.0, "right", tolerance=0.5),
                                                     Answer("10", 0.5, "", tolerance=0.0),
                                                     Answer("*", 0.0, "any other", tolerance=None))))


def test_every_stored_question_names_its_response_type():
    assert [response_name(d) for d in (SINGLE, MULTIPLE, MATCH, TRUE_FALSE, SEVERAL, SHORT, NUMBER)] == \
        ["single", "multiple", "matching", "single", "multiple", "text", "numeric"]
    assert all("response" in d for d in (SINGLE, TRUE_FALSE, SHORT))
    assert set(RESPONSE_TYPES) == {"single", "multiple", "matching", "text", "numeric", "essay", "description"}
    assert all(response_type(name).name == name for name in RESPONSE_TYPES)
    with pytest.raises(InvalidResponse):
        response_type("cloze")


def test_single_choice_scores_its_key_and_refuses_other_shapes():
    assert grade_stored(SINGLE, 1) == 1.0 and grade_stored(SINGLE, 0) == 0.0
    for bad in (True, 4, -1, "1", [1], None):
        with pytest.raises(InvalidResponse):
            grade_stored(SINGLE, bad)
    assert response_text(SINGLE, 2) == "c" and right_answer_text(SINGLE) == "b"
    assert answer_feedback(SINGLE, 0) == []


def test_true_false_is_a_single_choice_that_posts_true_or_false():
    key = key_of(TRUE_FALSE)
    assert key.options == ("True", "False") and key.form_values == ("true", "false")
    assert grade_stored(TRUE_FALSE, 1) == 1.0 and grade_stored(TRUE_FALSE, 0) == 0.0
    assert right_answer_text(TRUE_FALSE) == "False"
    assert answer_feedback(TRUE_FALSE, 1) == ["yes"] and answer_feedback(TRUE_FALSE, 0) == ["no"]
    assert kind_of(imported(qtype="truefalse", tf_answer=True)) == "truefalse"


def test_generated_multiple_answer_gives_partial_credit_and_ticking_everything_scores_zero():
    assert grade_stored(MULTIPLE, [0, 2]) == 1.0
    assert grade_stored(MULTIPLE, [0]) == 0.5
    assert grade_stored(MULTIPLE, [0, 1]) == 0.0  # +1/2 - 1/2
    assert grade_stored(MULTIPLE, [0, 1, 2, 3]) == 0.0
    assert grade_stored(MULTIPLE, [1, 3]) == 0.0  # floored at zero
    assert grade_stored(MULTIPLE, [0, 2, 1]) == 0.5
    with pytest.raises(InvalidResponse):
        grade_stored(MULTIPLE, [0, 0])
    with pytest.raises(InvalidResponse):
        grade_stored(MULTIPLE, 0)
    assert response_text(MULTIPLE, [2, 0]) == "c; a" and right_answer_text(MULTIPLE) == "a; c"


@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1), st.sets(st.integers(0, n - 1)))))
def test_multiple_answer_scores_stay_in_range_and_only_the_key_scores_one(case):
    n, right, ticked = case
    data = generated(options=tuple(f"o{i}" for i in range(n)), answers=tuple(sorted(right)))
    score = grade_stored(data, sorted(ticked))
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (ticked == right)
    assert grade_stored(data, list(range(n))) == 0.0
    expected = len(ticked & right) / len(right) - len(ticked - right) / (n - len(right))
    assert score == pytest.approx(max(0.0, expected))


def test_imported_multiple_keeps_moodle_fractions_and_feedback():
    assert grade_stored(SEVERAL, [0, 1]) == 1.0 and grade_stored(SEVERAL, [0, 1, 2]) == 0.0
    assert answer_feedback(SEVERAL, [0, 2]) == ["fa", "fc"]
    assert right_answer_text(SEVERAL) == "a; b"


def test_matching_scores_the_share_of_right_pairs_through_shuffled_choices():
    assert grade_stored(MATCH, [0, 1, 0]) == 1.0 and grade_stored(MATCH, [0, 0, 0]) == pytest.approx(2 / 3)
    for bad in ([0, 1], [0, 1, 3], 0, [0, 1, True]):
        with pytest.raises(InvalidResponse):
            grade_stored(MATCH, bad)
    question = imported(qtype="matching", pairs=(MatchPair("1", "x"), MatchPair("2", "y"), MatchPair("", "z")))
    data = stored(question, seed=3, shuffle=True)
    choices = data["choices"]
    assert sorted(choices) == ["x", "y", "z"]
    right = [choices.index("x"), choices.index("y")]
    assert grade_stored(data, right) == 1.0 and grade_stored(data, right[::-1]) == 0.0
    assert response_text(data, right) == "1 → x; 2 → y" == right_answer_text(data)
    assert grade_imported(question, [0, 1]) == 1.0  # unshuffled: right-hand texts in file order


def test_short_text_matches_wildcards_case_blind_and_gives_the_best_match_s_feedback():
    assert grade_stored(SHORT, "  Generative   AI ") == 1.0
    assert grade_stored(SHORT, "general") == 0.5 and answer_feedback(SHORT, "general") == ["close"]
    assert grade_stored(SHORT, "nope") == 0.0 and answer_feedback(SHORT, "nope") == ["other"]
    assert right_answer_text(SHORT) == "generative ai"
    with pytest.raises(InvalidResponse):
        grade_stored(SHORT, 3)


def test_short_text_is_case_sensitive_when_the_question_says_so():
    data = stored(imported(qtype="shortanswer", usecase=True, answers=(Answer("GAN*", 1.0),)))
    assert grade_stored(data, " GAN  model") == 1.0 and grade_stored(data, "gan") == 0.0
    assert grade_stored(data, "GAN" + "x" * 600) == 0.0  # past the answer length cap


def test_numeric_answers_within_tolerance():
    assert grade_stored(NUMBER, 3.4) == 1.0 and grade_stored(NUMBER, 2.5) == 1.0
    assert grade_stored(NUMBER, 10) == 0.5 and grade_stored(NUMBER, 7) == 0.0
    assert answer_feedback(NUMBER, 3) == ["right"] and answer_feedback(NUMBER, 7) == ["any other"]
    assert right_answer_text(NUMBER) == "3 ± 0.5" and response_text(NUMBER, 3.5) == "3.5"
    for bad in (True, "3", float("nan"), float("inf")):
        with pytest.raises(InvalidResponse):
            grade_stored(NUMBER, bad)
    assert parse_number(" 3,5 ") == 3.5 and parse_number("1e-3") == 0.001
    for bad in ("three", "nan", "1,000.5", ""):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_old_shape_stored_questions_are_still_read():
    """Attempts stored before "response" was written: the type follows from the old shape."""
    old_single = {k: v for k, v in SINGLE.items() if k != "response"}
    old_match = {k: v for k, v in MATCH.items() if k != "response"}
    old_tf = {k: v for k, v in TRUE_FALSE.items() if k != "response"}
    assert [normalised(d)["response"] for d in (old_single, old_match, old_tf)] == ["single", "matching", "single"]
    assert grade_stored(old_single, 1) == 1.0 and grade_stored(old_match, [0, 1, 0]) == 1.0
    # Old true/false answers were stored as booleans: True is the first option.
    assert response_text(old_tf, False) == "False" and grade_stored(old_tf, False) == 1.0
    assert response_text(old_tf, True) == "True" and answer_feedback(old_tf, True) == ["no"]
    essay = {"kind": "essay", "imported": imported(qtype="essay").to_dict()}
    assert response_name(essay) == "essay"  # essays are a response type since issue 12 §2
    with pytest.raises(InvalidResponse):
        response_name({"kind": "calculated", "imported": imported(qtype="calculated").to_dict()})


def test_imported_kinds_come_from_the_response_types():
    assert set(IMPORTED_KINDS) == {"single", "multiple", "truefalse", "shortanswer", "matching", "numerical", "essay",
                                   "description"}
    questions = [imported(), imported(single=False), imported(qtype="essay"), imported(qtype="description"),
                 imported(qtype="numerical", category="c")]
    assert gradable(questions) == [questions[0], questions[1], questions[2], questions[4]]
    assert gradable(questions, kinds=["multiple"]) == [questions[1]]
    assert gradable(questions, categories=["c"]) == [questions[4]]
    assert imported_type(questions[3]) is not None and not imported_type(questions[3])[0].graded
    assert kind_of(questions[3]) == "description"
    assert imported_type(imported(qtype="calculated")) is None


def test_shuffling_follows_the_seed_and_the_question_s_own_setting():
    question = imported(answers=tuple(Answer(t, 1.0 if t == "a" else 0.0) for t in "abcdefgh"))
    first = select_questions([question], 1, seed=7, source="s")[0]
    again = select_questions([question], 1, seed=7, source="s")[0]
    assert first == again and first["response"] == "single" and first["kind"] == "single"
    shown = [a["text"] for a in first["imported"]["answers"]]
    assert sorted(shown) == list("abcdefgh") and shown != list("abcdefgh")
    assert right_answer_text(first) == "a" and grade_stored(first, shown.index("a")) == 1.0
    fixed = replace(question, shuffle_answers=False)
    assert [a["text"] for a in stored(fixed, shuffle=True)["imported"]["answers"]] == list("abcdefgh")


def test_gift_export_of_every_type_reads_back_as_moodle_would():
    """Each type's GIFT, wrapped as quiz_to_gift does, parses to a question that grades the same."""
    cases = [(SINGLE, 1), (MULTIPLE, [0, 2]), (MATCH, [0, 1, 0]), (SEVERAL, [0, 1]), (SHORT, "gen"),
             (NUMBER, 10.0), (generated(kind="truefalse", options=("True", "False"), answer=1), 1)]
    for data, response in cases:
        text = f"::q:: Q {{{gift_answers(data)} ####why}}\n"
        result = parse_gift(text)
        assert not result.errors, (text, result.errors)
        (question,) = result.questions
        again = stored(question)
        assert response_name(again) == response_name(data), text
        assert grade_stored(again, response) == grade_stored(data, response), text
        assert right_answer_text(again) == right_answer_text(data), text
    assert gift_answers(generated(kind="truefalse", options=("True", "False"), answer=0)) == "TRUE"
    assert gift_answers(MULTIPLE) == "~%50%a ~%-50%b ~%50%c ~%-50%d"
    assert gift_percent(1 / 3) == "33.33333" and settled(sum([1 / 7] * 7)) == 1.0


def test_json_answer_fields_keep_the_documented_shape():
    assert answer_json(SINGLE) == {"options": ["a", "b", "c", "d"], "answer": 1}
    assert answer_json(MULTIPLE) == {"options": ["a", "b", "c", "d"], "answer": [0, 2]}
    assert answer_json(MATCH) == {"options": ["x", "y", "z"], "pairs": [["1", "x"], ["2", "y"], ["3", "x"]]}
    assert answer_json(TRUE_FALSE) == {"options": ["True", "False"], "answer": 1}
    assert answer_json(SHORT)["answers"][1] == {"text": "gen*", "fraction": 0.5, "feedback": "close"}
    assert answer_json(NUMBER)["answers"][0]["tolerance"] == 0.5


# Where questions are asked, shown and reported (other pages' "kind", e.g. a search hit's, is not a question's).
SHELL = [REPO / "quizapp" / "quiz", REPO / "quizapp" / "instructor", REPO / "quizapp" / "templating.py",
         REPO / "templates" / "quiz", REPO / "templates" / "instructor"]
TYPE_SWITCH = re.compile(r"\b(kind|qtype)\s*(==|!=)|\b(kind|qtype)\s+(not\s+)?in\s*[(\[{]|\bis_match\b|\bis_imported\(")


def test_the_shell_dispatches_through_the_registries_not_on_kinds():
    files = [p for root in SHELL for p in ([root] if root.is_file() else root.rglob("*"))
             if p.suffix in (".py", ".html")]
    offending = [f"{p.relative_to(REPO)}:{n}: {line.strip()}" for p in files
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if TYPE_SWITCH.search(line)]
    assert offending == []
