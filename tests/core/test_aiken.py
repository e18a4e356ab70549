"""The Aiken reader and writer: Moodle's rules, errors and quirks, and the round trip."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.formats.aiken import parse_aiken, write_aiken
from quizapp.core.imported import Answer, ImportedQuestion, Issue, ParseResult

CAPITAL = """What is the capital of France?
A) London
B) Paris
C) Rome
ANSWER: B
"""


def mc(text: str, options: list[str], right: int, line: int = 0) -> ImportedQuestion:
    """What the reader makes of one Aiken question."""
    return ImportedQuestion(qtype="multichoice", name=text, text=text, line=line, text_format="plain", single=True,
                            answers=tuple(Answer(o, 1.0 if i == right else 0.0) for i, o in enumerate(options)))


def messages(issues: list[Issue]) -> list[str]:
    return [issue.message for issue in issues]


# --- reading what Moodle reads --------------------------------------------------------------------

def test_reads_a_question_with_every_field() -> None:
    result = parse_aiken(CAPITAL)
    assert result.ok and not result.warnings
    assert result.questions == [mc("What is the capital of France?", ["London", "Paris", "Rome"], 1, line=1)]
    question = result.questions[0]
    assert (question.qtype, question.single, question.text_format) == ("multichoice", True, "plain")
    assert question.general_feedback == "" and question.category == "" and question.tags == ()
    assert all(a.feedback == "" and a.tolerance is None for a in question.answers)


def test_labels_with_dot_paren_tab_or_no_space() -> None:
    text = "Pick one\nA. dot\nB)paren, no space\nC)\ttab\nD)    many spaces   \nANSWER: D\n"
    assert parse_aiken(text).questions == [mc("Pick one", ["dot", "paren, no space", "tab", "many spaces"], 3, 1)]


def test_no_blank_line_needed_and_blank_or_one_character_lines_skipped() -> None:
    text = "Q one\nA) a\nB) b\nANSWER: A\nQ two\n\nx\n  .  \nA) c\n \nB) d\nANSWER: B\n"
    result = parse_aiken(text)
    assert result.questions == [mc("Q one", ["a", "b"], 0, 1), mc("Q two", ["c", "d"], 1, 5)]


def test_a_two_byte_character_is_not_a_short_line() -> None:
    # PHP's strlen counts bytes: "é" is 2 bytes, so Moodle reads it as a question line.
    assert parse_aiken("é\nA) x\nB) y\nANSWER: A\n").questions == [mc("é", ["x", "y"], 0, 1)]


def test_lines_are_trimmed_and_any_line_break_works() -> None:
    text = "\ufeff  Indented question  \r\n\tA) one \r\n B) two\rANSWER: A\n"
    assert parse_aiken(text).questions == [mc("Indented question", ["one", "two"], 0, 1)]


def test_line_numbers_count_crlf_once() -> None:
    text = "Q1\r\nA) a\r\nB) b\r\nANSWER: A\r\n\r\nQ2\r\nA) a\r\nANSWER: A\r\n"
    assert parse_aiken(text).errors == [Issue(8, "Question must have at least 2 answers on line 8")]


def test_option_letters_are_never_checked_but_a_mismatch_warns() -> None:
    result = parse_aiken("Q?\nB) x\nC) y\nD) z\nANSWER: C\n")
    assert result.ok
    assert result.questions == [mc("Q?", ["x", "y", "z"], 2, 1)]
    assert result.warnings == [Issue(1, "The options of the question on line 1 are labelled B, C, D; options count "
                                        "by position, not by label, so 'ANSWER: C' on line 5 picks option 3, 'z' "
                                        "(labelled D)")]


def test_out_of_order_labels_that_agree_with_the_answer_do_not_warn() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nD) z\nANSWER: B\n")
    assert result.ok and not result.warnings


def test_only_the_first_character_of_the_answer_counts() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nC) z\nANSWER:C\n")
    assert result.questions == [mc("Q?", ["x", "y", "z"], 2, 1)] and not result.warnings
    result = parse_aiken("Q?\nA) x\nB) y\nC) z\nANSWER: A, C\n")
    assert result.ok and result.questions == [mc("Q?", ["x", "y", "z"], 0, 1)]
    assert result.warnings == [Issue(5, "ANSWER on line 5: only the first letter 'A' counts; ', C' is ignored "
                                        "(an Aiken question has one right answer)")]


def test_answer_letter_followed_by_a_bracket_does_not_warn() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nANSWER: B)\n")
    assert result.ok and not result.warnings


def test_text_is_kept_as_written_not_html_escaped() -> None:
    question = parse_aiken("Is 1 < 2 & 3 > 2?\nA) <b>yes</b>\nB) no & never\nANSWER: A\n").questions[0]
    assert question.text == question.name == "Is 1 < 2 & 3 > 2?"
    assert [a.text for a in question.answers] == ["<b>yes</b>", "no & never"]
    assert question.text_format == "plain"


def test_moodle_fixture_style_file() -> None:
    text = ("Which is the right answer?\nA) Correct (< > &)\nB) Incorrect\nC)Incorrect (No space)\nANSWER: A\n\n"
            "Another question\nA. Right\nB. Wrong\nANSWER: A\n")
    result = parse_aiken(text)
    assert result.ok and not result.warnings
    assert result.questions == [
        mc("Which is the right answer?", ["Correct (< > &)", "Incorrect", "Incorrect (No space)"], 0, 1),
        mc("Another question", ["Right", "Wrong"], 0, 7),
    ]


# --- Moodle's errors ------------------------------------------------------------------------------

def test_fewer_than_two_answers() -> None:
    result = parse_aiken("Q?\nA) only\nANSWER: A\n")
    assert result.errors == [Issue(3, "Question must have at least 2 answers on line 3")]
    assert result.questions == [] and not result.ok


def test_answer_line_with_no_question() -> None:
    result = parse_aiken(CAPITAL + "ANSWER: A\n")
    assert result.errors == [Issue(6, "Question not started on line 6 (an ANSWER line must follow a question and its "
                                      "options)")]


def test_question_line_that_looks_like_an_option_is_the_moodle_error_with_a_hint() -> None:
    text = (CAPITAL + "\nU.S. coins are made of?\nA) copper\nB) gold\nANSWER: A\n"
            "A. Einstein was born in?\nA) Ulm\nB) Bonn\nANSWER: A\n")
    result = parse_aiken(text)
    hint = ("(a question whose text starts with a capital letter and '.' or ')', such as 'U.S. coins…' or "
            "'A. Einstein…', is read as an option: reword the start of the question)")
    assert result.errors == [Issue(7, f"Question not started on line 7 {hint}"),
                             Issue(11, f"Question not started on line 11 {hint}")]
    assert result.questions == [mc("What is the capital of France?", ["London", "Paris", "Rome"], 1, 1)]


def test_option_after_the_answer_line() -> None:
    result = parse_aiken(CAPITAL + "D) Berlin\nE) Madrid\nNext?\nA) a\nB) b\nANSWER: B\n")
    assert result.errors == [Issue(6, "Question not started on line 6 (an option after its question's ANSWER line, "
                                      "or a question whose text starts like an option label)")]
    assert [q.name for q in result.questions] == ["What is the capital of France?", "Next?"]


def test_option_with_no_question_at_end_of_file() -> None:
    result = parse_aiken(CAPITAL + "D) Berlin\n")
    assert messages(result.errors) == ["Question not started on line 6 (an option after its question's ANSWER line, "
                                       "or a question whose text starts like an option label)"]


def test_question_text_on_two_lines() -> None:
    result = parse_aiken("What is\nthe capital?\nA) a\nB) b\nANSWER: A\n")
    assert result.errors == [Issue(2, "Question not completed before next question start on line 2 (the question "
                                      "text must be on one line; the question started on line 1)")]
    assert result.questions == []


def test_lower_case_labels() -> None:
    result = parse_aiken("Q?\na) x\nb) y\nANSWER: A\n" + CAPITAL)
    hint = "option labels must be upper-case letters, 'A)' or 'A.', not"
    assert result.errors == [
        Issue(2, f"Question not completed before next question start on line 2 ({hint} 'a)')"),
        Issue(3, f"Question not completed before next question start on line 3 ({hint} 'b)')"),
    ]
    assert [q.line for q in result.questions] == [5]


@pytest.mark.parametrize("line", ["Answer: B", "ANSWER : B", "answer:B"])
def test_answer_line_not_written_exactly(line: str) -> None:
    result = parse_aiken(f"Q?\nA) x\nB) y\n{line}\n" + CAPITAL)
    assert result.errors == [Issue(4, "Question not completed before next question start on line 4 (the answer line "
                                      "must read exactly 'ANSWER: X', in upper case with no space before the colon)")]
    assert [q.line for q in result.questions] == [5]


def test_missing_answer_line_before_the_next_question() -> None:
    result = parse_aiken("Q1\nA) x\nB) y\n" + CAPITAL)
    assert result.errors == [Issue(4, "Question not completed before next question start on line 4 (the question "
                                      "started on line 1 has no ANSWER line, or an option's text runs onto a "
                                      "second line)")]


# --- where Moodle is silently wrong, we reject ----------------------------------------------------

def test_no_answer_line_at_end_of_file_is_an_error() -> None:
    result = parse_aiken(CAPITAL + "\nLast question\nA) x\nB) y\n")
    assert result.errors == [Issue(7, "Question not completed (no ANSWER line) at end of file, question started "
                                      "on line 7")]
    assert len(result.questions) == 1 and not result.ok


def test_answer_naming_an_option_that_does_not_exist() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nANSWER: C\n")
    assert result.errors == [Issue(4, "ANSWER: C on line 4 names option 3, but the question on line 1 has only 2 "
                                      "options (Moodle would save the question with no right answer)")]


def test_lower_case_answer_letter() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nANSWER: b\n")
    assert result.errors == [Issue(4, "ANSWER: b on line 4 names no option (the letter must be upper case: "
                                      "'ANSWER: B'; Moodle would save the question with no right answer)")]


@pytest.mark.parametrize("given", ["1", "*", "z", "ß"])
def test_answer_that_is_not_an_option_letter(given: str) -> None:
    result = parse_aiken(f"Q?\nA) x\nB) y\nANSWER: {given}\n")
    assert result.errors == [Issue(4, f"ANSWER: {given} on line 4 names no option (it must be one of the option "
                                      "letters A–B; Moodle would save the question with no right answer)")]


def test_empty_answer_line() -> None:
    result = parse_aiken("Q?\nA) x\nB) y\nANSWER:   \n")
    assert result.errors == [Issue(4, "ANSWER on line 4 gives no letter (Moodle would save the question with no right "
                                      "answer)")]


def test_option_with_no_text() -> None:
    result = parse_aiken("Q?\nA) x\nB)\nC) z\nANSWER: A\n")
    assert result.errors == [Issue(3, "Option on line 3 has no text")]
    assert result.questions == []


@pytest.mark.parametrize("text", ["", "\n\n", "  \n x \n", "\ufeff"])
def test_no_questions(text: str) -> None:
    result = parse_aiken(text, filename="quiz.txt")
    assert result.errors == [Issue(1, "There are no questions in quiz.txt")] and not result.ok


def test_every_error_is_reported_in_line_order() -> None:
    text = ("Q1\nA) x\nANSWER: A\n"  # 1-3: too few answers
            "Q2\nA) x\nB) y\nANSWER: D\n"  # 4-7: no such option
            "Q3 ok\nA) x\nB) y\nANSWER: B\n"  # 8-11
            "Q4\nline two\nA) x\nB) y\nANSWER: A\n"  # 12-16: two-line text
            "Q5\nA) x\nB) y\n")  # 17-19: no ANSWER line
    result = parse_aiken(text)
    assert [(issue.line, issue.message.split(" (")[0]) for issue in result.errors] == [
        (3, "Question must have at least 2 answers on line 3"),
        (7, "ANSWER: D on line 7 names option 4, but the question on line 4 has only 2 options"),
        (13, "Question not completed before next question start on line 13"),
        (17, "Question not completed"),
    ]
    assert [q.name for q in result.questions] == ["Q3 ok"] and not result.ok


# --- writing --------------------------------------------------------------------------------------

def test_write_exact_text() -> None:
    questions = [mc("What is the capital of France?", ["London", "Paris", "Rome"], 1),
                 replace(mc("  Second ", [" a ", "b"], 0), general_feedback="not written", category="top/x")]
    assert write_aiken(questions) == ("What is the capital of France?\nA) London\nB) Paris\nC) Rome\nANSWER: B\n\n"
                                      "Second\nA) a\nB) b\nANSWER: A\n")
    assert write_aiken([]) == ""


def test_write_then_read_gives_the_same_questions() -> None:
    original = parse_aiken(CAPITAL + "\nIs 1 < 2 & 3 > 2?\nA) <b>yes</b>\nB) no\nANSWER: A\n").questions
    again = parse_aiken(write_aiken(original))
    assert again.ok and not again.warnings
    assert again.questions == original


@pytest.mark.parametrize("question, reason", [
    (ImportedQuestion(qtype="truefalse", name="t", text="t", tf_answer=True), "single-answer multiple-choice"),
    (replace(mc("Q?", ["a", "b"], 0), single=False), "single-answer multiple-choice"),
    (mc("Q?", ["a"], 0), "2 to 26 options"),
    (mc("Q?", [f"o{i}" for i in range(27)], 0), "2 to 26 options"),
    (replace(mc("Q?", ["a", "b"], 0), answers=(Answer("a", 1.0), Answer("b", 1.0))), "exactly one right option"),
    (replace(mc("Q?", ["a", "b"], 0), answers=(Answer("a", 1.0), Answer("b", 0.5))), "exactly one right option"),
    (replace(mc("Q?", ["a", "b"], 0), answers=(Answer("a", 0.5), Answer("b", 0.5))), "exactly one right option"),
    (replace(mc("Q?", ["a", "b"], 0), answers=(Answer("a", 1.0), Answer("b", -0.5))), "exactly one right option"),
    (mc("Two\nlines", ["a", "b"], 0), "one line"),
    (mc("x", ["a", "b"], 0), "at least 2 characters"),
    (mc("U.S. coins?", ["a", "b"], 0), "read back as an option"),
    (mc("ANSWER: what?", ["a", "b"], 0), "read back as an option"),
    (mc("Q?", ["a", " "], 0), "one non-empty line"),
    (mc("Q?", ["a", "b\nc"], 0), "one non-empty line"),
])
def test_write_refuses_what_aiken_cannot_hold(question: ImportedQuestion, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        write_aiken([mc("Fine", ["a", "b"], 0), question])
    assert str(caught.value).startswith(f"question 2 ({question.name!r})")


# --- properties -----------------------------------------------------------------------------------

AIKEN_LINES = st.one_of(
    st.sampled_from(["Question?", "A) a", "B. b", "C)c", "a) x", "ANSWER: A", "ANSWER: B", "ANSWER: c", "ANSWER:",
                     "Answer: A", "", " ", "U.S. coins", "D)", "é", "\ufeff", "ANSWER: Z"]),
    st.text(max_size=20),
)


@given(st.one_of(st.text(), st.text(st.characters()),  # the second may hold lone surrogates
                 st.lists(AIKEN_LINES, max_size=30).map("\n".join),
                 st.lists(AIKEN_LINES, max_size=30).map("\r".join)))
def test_reader_never_raises(text: str) -> None:
    result = parse_aiken(text)
    assert isinstance(result, ParseResult)
    assert result.ok == (not result.errors and bool(result.questions))
    assert result.questions or result.errors
    total_lines = text.count("\n") + text.count("\r") + 1
    assert all(1 <= issue.line <= total_lines for issue in result.errors + result.warnings)
    assert [i.line for i in result.errors] == sorted(i.line for i in result.errors)
    for question in result.questions:
        assert sum(a.fraction for a in question.answers) == 1.0 and len(question.answers) >= 2


# No control characters: the reader refuses them (issue 9), so the writer does too.
ONE_LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)), min_size=1, max_size=40).map(
    lambda s: s.strip(" \t\n\r\0\x0b")).filter(lambda s: len(s.encode("utf-8")) >= 2)


@st.composite
def aiken_questions(draw: st.DrawFn) -> ImportedQuestion:
    text = draw(ONE_LINE.filter(lambda s: not parse_aiken(f"{s}\nA) a\nB) b\nANSWER: A").errors))
    options = draw(st.lists(ONE_LINE, min_size=2, max_size=26))
    return mc(text, options, draw(st.integers(0, len(options) - 1)))


@given(st.lists(aiken_questions(), min_size=1, max_size=5))
def test_round_trip_property(questions: list[ImportedQuestion]) -> None:
    result = parse_aiken(write_aiken(questions))
    assert not result.errors
    assert [replace(q, line=0) for q in result.questions] == questions
