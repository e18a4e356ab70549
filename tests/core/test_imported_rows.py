"""How imported questions are stored one row per question, and the draw that needs only the pool's size."""

from __future__ import annotations

import random
from dataclasses import asdict

from quizapp.core.imported import Answer, EmbeddedFile, ImportedQuestion, MatchPair, Unit
from quizapp.core.imported_quiz import draw_ranks, question_columns

RICH = ImportedQuestion(
    qtype="numerical", name="n", text="t", answers=(Answer("3.14", 1.0, "ok", 0.01), Answer("*", 0.0)),
    pairs=(MatchPair("a", "1"),), units=(Unit("m"), Unit("cm", 100.0)), tags=("x", "y"), hints=("h",),
    files=(EmbeddedFile("questiontext", "pic.png", "ab" * 32, "image/png", 3),),
    moodle_options=(("idnumber", "7"),))


def test_to_dict_is_asdict_and_reads_back():
    for question in (RICH, ImportedQuestion(qtype="description", name="d", text="hello")):
        assert question.to_dict() == asdict(question)
        assert ImportedQuestion.from_dict(question.to_dict()) == question


def test_columns_rank_the_graded_questions_in_file_order():
    questions = [ImportedQuestion(qtype="description", name="intro", text="i", category="c"),
                 ImportedQuestion(qtype="truefalse", name="t", text="t", tf_answer=True),
                 ImportedQuestion(qtype="calculated", name="x", text="x"),
                 ImportedQuestion(qtype="essay", name="e", text="e", category="c")]
    rows = list(question_columns(questions))
    assert [(r["position"], r["kind"], r["pool_index"], r["description"]) for r in rows] == [
        (0, "description", None, True), (1, "truefalse", 0, False), (2, None, None, False), (3, "essay", 1, False)]
    assert rows[3]["category"] == "c" and rows[3]["data"] == questions[3].to_dict()


def test_drawing_ranks_is_sampling_the_pool_itself():
    """So a draw by rank picks what ``random.sample(pool, k)`` picked, and leaves the generator where it did."""
    pool = [f"q{i}" for i in range(50)]
    for seed, count in ((1, 10), (2, 50), (3, 80)):
        rng, ranks = draw_ranks(len(pool), count, seed, shuffle=True)
        old = random.Random(seed)
        assert [pool[r] for r in ranks] == old.sample(pool, min(count, len(pool)))
        assert rng.random() == old.random()
    assert draw_ranks(50, 3, 1, shuffle=False)[1] == [0, 1, 2]
    assert draw_ranks(0, 3, 1, shuffle=True)[1] == []
