"""The CSV question-bank reader and writer: the documented format, every error and warning, the round trip."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.formats import csv_bank
from quizapp.core.formats.csv_bank import default_name, parse_csv, share_for, write_csv, wrong_penalty
from quizapp.core.imported import Answer, ImportedQuestion, Issue, ParseResult, grade_imported, normalise_text

HEADER = "question,options,answer,explanation,category\n"


def mc(text: str, options: list[str], rights: list[int], line: int = 0, explanation: str = "",
       category: str = "") -> ImportedQuestion:
    share = share_for(len(rights))
    penalty = wrong_penalty(len(rights), len(options))
    answers = tuple(Answer(o, share if i in rights else penalty) for i, o in enumerate(options))
    return ImportedQuestion(qtype="multichoice", name=default_name(text), text=text, line=line, text_format="plain",
                            single=len(rights) == 1, answers=answers, general_feedback=explanation, category=category)


def sa(text: str, accepted: list[str], line: int = 0, **extra: str) -> ImportedQuestion:
    return ImportedQuestion(qtype="shortanswer", name=default_name(text), text=text, line=line, text_format="plain",
                            answers=tuple(Answer(a, 1.0) for a in accepted), **extra)


def tf(text: str, value: bool, line: int = 0, **extra: str) -> ImportedQuestion:
    return ImportedQuestion(qtype="truefalse", name=default_name(text), text=text, line=line, text_format="plain",
                            tf_answer=value, **extra)


def errors_of(text: str) -> list[Issue]:
    return parse_csv(text).errors


# --- the documented example -----------------------------------------------------------------------

def documented_example() -> str:
    block = csv_bank.__doc__.split("A complete example::\n\n")[1].split("\n\n")[0]
    return "".join(line[4:] + "\n" for line in block.splitlines())


def test_the_documented_example_reads_as_documented() -> None:
    result = parse_csv(documented_example())
    assert result.ok and not result.warnings
    assert result.questions == [
        mc("What is the capital of France?", ["London", "Paris", "Rome"], [1], 2,
           "Paris has been the capital since 987.", "Geography"),
        mc("Which are prime numbers?", ["2", "4", "5", "9"], [0, 2], 3, "4 = 2×2, 9 = 3×3.", "Maths"),
        mc("Pick the pipe character, please", ["|", "/", "-"], [0], 4),
        sa("Name the largest planet.", ["Jupiter", "Jupiter*"], 5, category="Astronomy"),
        tf("The Earth is flat.", False, 6, general_feedback="It is, roughly, a sphere.", category="Geography"),
        replace(mc("A question on\ntwo lines", ["yes", "no"], [1], 7), name="A question on two lines"),
    ]


# --- reading --------------------------------------------------------------------------------------

def test_single_answer_fields() -> None:
    (question,) = parse_csv(HEADER + "Capital of France?,London|Paris,2,Since 987,top/Geo\n").questions
    assert question == ImportedQuestion(
        qtype="multichoice", name="Capital of France?", text="Capital of France?", line=2, text_format="plain",
        category="top/Geo", single=True, answers=(Answer("London", 0.0), Answer("Paris", 1.0)),
        general_feedback="Since 987")


def test_header_is_case_insensitive_in_any_order_with_optional_columns_left_out() -> None:
    result = parse_csv("\ufeff ANSWER , Question,Options \n1,Q?,a|b\n")
    assert result.questions == [mc("Q?", ["a", "b"], [0], 2)]


def test_cells_are_trimmed_and_blank_rows_skipped() -> None:
    text = "\n" + HEADER + ",,,,\n  Q?  , a | b ,  B ,  why  , cat \n\n"
    assert parse_csv(text).questions == [mc("Q?", ["a", "b"], [1], 4, "why", "cat")]


def test_a_short_row_has_blank_trailing_cells() -> None:
    assert parse_csv(HEADER + "Q?,a|b,1\n").questions == [mc("Q?", ["a", "b"], [0], 2)]


@pytest.mark.parametrize("answer, right", [("1", 0), ("3", 2), ("A", 0), ("c", 2), (" b ", 1)])
def test_answer_by_number_or_letter(answer: str, right: int) -> None:
    assert parse_csv(HEADER + f"Q?,x|y|z,{answer}\n").questions == [mc("Q?", ["x", "y", "z"], [right], 2)]


@pytest.mark.parametrize("count, share", [(2, 0.5), (3, 0.3333333), (4, 0.25), (6, 0.1666667), (7, 0.1428571),
                                          (10, 0.1), (20, 0.05)])
def test_several_right_options_share_the_mark_in_moodle_grades(count: int, share: float) -> None:
    options = "|".join(f"o{i}" for i in range(count + 1))
    answer = "|".join(str(i + 1) for i in range(count))
    (question,) = parse_csv(HEADER + f"Q?,{options},{answer}\n").questions
    assert question.qtype == "multichoice" and question.single is False
    assert [a.fraction for a in question.answers] == [share] * count + [-1.0]
    assert sum(a.fraction for a in question.answers if a.fraction > 0) == pytest.approx(1.0, abs=1e-6)


def test_ticking_every_box_of_a_multiple_answer_question_scores_zero() -> None:
    (question,) = parse_csv(HEADER + "Primes?,2|4|5|9,1|3\n").questions
    assert [a.fraction for a in question.answers] == [0.5, -0.5, 0.5, -0.5]
    assert grade_imported(question, [0, 1, 2, 3]) == 0.0
    assert grade_imported(question, [0, 2]) == 1.0
    assert grade_imported(question, [0]) == 0.5


def test_right_options_in_any_order_and_mixed_notation() -> None:
    assert parse_csv(HEADER + "Q?,a|b|c|d,D|1\n").questions == [mc("Q?", list("abcd"), [0, 3], 2)]


def test_share_for() -> None:
    assert [share_for(k) for k in (1, 2, 3, 9, 20)] == [1.0, 0.5, 0.3333333, 0.1111111, 0.05]
    assert [share_for(k) for k in (0, 11, 12, 19, 21, 100)] == [None] * 6


def test_short_answer() -> None:
    result = parse_csv(HEADER + "Largest planet?,,Jupiter | jupiter* | Planet \\| J,Gas giant,Space\n")
    assert result.questions == [sa("Largest planet?", ["Jupiter", "jupiter*", "Planet | J"], 2,
                                   general_feedback="Gas giant", category="Space")]


@pytest.mark.parametrize("answer, value", [("True", True), ("false", False), ("TRUE", True)])
def test_true_false(answer: str, value: bool) -> None:
    assert parse_csv(HEADER + f"Sky is blue.,True | False,{answer}\n").questions == [tf("Sky is blue.", value, 2)]


def test_true_false_options_answered_by_number_stay_multiple_choice() -> None:
    expected = [mc("Sky is blue.", ["True", "False"], [0], 2)]
    assert parse_csv(HEADER + "Sky is blue.,True|False,1\n").questions == expected
    assert parse_csv(HEADER + "Sky is blue.,False|True,True\n").errors[0].message.startswith("Answer 'True'")


def test_escapes_in_options() -> None:
    (question,) = parse_csv(HEADER + r"Q?,a\|b|c\\|d\\\|e|f\g,1" + "\n").questions
    assert [a.text for a in question.answers] == ["a|b", "c\\", "d\\|e", "f\\g"]


def test_quoted_cells_with_commas_quotes_and_line_breaks_keep_line_numbers() -> None:
    text = HEADER + '"Say ""hi"",\nplease",a|b,1\r\nSecond?,"x,\n\ny|z",1\nThird?,a|b,2\n'
    result = parse_csv(text)
    assert [(q.line, q.text) for q in result.questions] == [(2, 'Say "hi",\nplease'), (4, "Second?"), (7, "Third?")]
    assert result.questions[1].answers[0].text == "x,\n\ny"


def test_name_is_text_cut_to_80_characters() -> None:
    text = "word " * 30 + "\n end"
    (question,) = parse_csv(HEADER + f'"{text}",a|b,1\n').questions
    assert question.name == ("word " * 16).strip()
    assert len(question.name) <= 80 and question.text == text.strip()
    assert default_name("  a \n\t b  ") == "a b"


# --- errors ---------------------------------------------------------------------------------------

def test_missing_required_columns() -> None:
    assert errors_of("question,answer\nQ?,1\n") == [Issue(1, (
        "The header on line 1 lacks the required column(s) options (the first row must name the columns: "
        "question,options,answer,explanation,category)"))]


def test_a_data_row_instead_of_a_header() -> None:
    result = parse_csv("\n\nWhat?,a|b,1\n")
    assert [issue.line for issue in result.errors] == [3, 3]
    assert result.errors[0].message.startswith("Unknown column(s) 'what?', 'a|b', '1' in the header on line 3")
    assert result.errors[1].message.startswith("The header on line 3 lacks the required column(s) question, options, "
                                               "answer")


def test_unknown_columns_are_named_and_rows_still_checked() -> None:
    result = parse_csv("question,options,answer,points,\nQ?,a|b,1,5,\nR?,a|a,1,,\n")
    assert result.errors == [
        Issue(1, "Unknown column(s) 'points', '' in the header on line 1; the columns are question, options, answer, "
                 "explanation, category"),
        Issue(3, "Option 'a' appears twice in the question on line 3"),
    ]
    assert result.questions == [mc("Q?", ["a", "b"], [0], 2)] and not result.ok


def test_repeated_column() -> None:
    assert errors_of("question,options,answer,Answer\nQ?,a|b,1,1\n") == [
        Issue(1, "Column(s) answer appear more than once in the header on line 1")]


def test_empty_question() -> None:
    assert errors_of(HEADER + "Q?,a|b,1\n  ,a|b,1\n") == [Issue(3, "Empty question on line 3")]


@pytest.mark.parametrize("options, hint", [("only", ""), ("a,b", " (separate the options with |)"),
                                           ("a;b", " (separate the options with |)")])
def test_fewer_than_two_options(options: str, hint: str) -> None:
    assert errors_of(HEADER + f'Q?,"{options}",1\n') == [Issue(2, f"The question on line 2 has fewer than 2 "
                                                                  f"options{hint}")]


def test_empty_option() -> None:
    assert errors_of(HEADER + "Q?,a||b|,1\n") == [Issue(2, "Option 2 on line 2 is empty (check for a stray |)"),
                                                  Issue(2, "Option 4 on line 2 is empty (check for a stray |)")]


def test_duplicate_options_ignore_case_and_spacing() -> None:
    assert errors_of(HEADER + "Q?,Paris|London|paris  ,1\n") == [
        Issue(2, "Option 'paris' appears twice in the question on line 2")]


@pytest.mark.parametrize("answer, message", [
    ("4", "Answer 4 on line 2 is out of range: the question has 3 options"),
    ("0", "Answer 0 on line 2 is out of range: the question has 3 options"),
    ("D", "Answer D on line 2 is out of range: the question has 3 options"),
    ("z", "Answer z on line 2 is out of range: the question has 3 options"),
    ("-1", "Answer '-1' on line 2 is not an option number or letter (give an option number 1–3 or letter A–C)"),
    ("AB", "Answer 'AB' on line 2 is not an option number or letter (give an option number 1–3 or letter A–C)"),
    ("1.5", "Answer '1.5' on line 2 is not an option number or letter (give an option number 1–3 or letter A–C)"),
    ("٣", "Answer '٣' on line 2 is not an option number or letter (give an option number 1–3 or letter A–C)"),
    ("Paris", "Answer 'Paris' on line 2 is not an option number or letter (write 2 for 'Paris', not its text)"),
    ('"1,3"', "Answer '1,3' on line 2 is not an option number or letter (separate several right options with |, as in "
              "1|3)"),
    ("1|1", "Answer 1 on line 2 names option 1 twice"),
    ("2|B", "Answer B on line 2 names option 2 twice"),
    ("", "No answer on line 2 (give the number or letter of the right option)"),
    ("1|", "Answer '' on line 2 is not an option number or letter (give an option number 1–3 or letter A–C)"),
])
def test_bad_answers(answer: str, message: str) -> None:
    assert errors_of(HEADER + f"Q?,London|Paris|Rome,{answer}\n") == [Issue(2, message)]


@pytest.mark.parametrize("count", [11, 12, 19, 21])
def test_right_options_without_a_moodle_grade(count: int) -> None:
    options = "|".join(f"o{i}" for i in range(count))
    answer = "|".join(str(i + 1) for i in range(count))
    assert errors_of(HEADER + f"Q?,{options},{answer}\n") == [Issue(2, (
        f"The question on line 2 has {count} right options: each would be worth 1/{count}, which is not one of "
        "Moodle's allowed grades (1 to 10 or 20 right options)"))]


def test_short_answer_errors() -> None:
    assert errors_of(HEADER + "Q?,,\n") == [Issue(2, (
        "The short-answer question on line 2 has no accepted answer (an empty options cell makes a short-answer "
        "question; list its accepted answers in the answer column)"))]
    assert errors_of(HEADER + "Q?,,a||b\n") == [Issue(2, "An accepted answer on line 2 is empty (check for a stray |)")]
    assert errors_of(HEADER + "Q?,,Paris|PARIS\n") == [
        Issue(2, "Accepted answer 'PARIS' appears twice in the question on line 2")]


def test_row_with_more_cells_than_the_header() -> None:
    assert errors_of(HEADER + "Q?,a|b,1,Because, then,cat\n") == [Issue(2, (
        "The row on line 2 has 6 cells but the header has 5 columns (put a cell that contains a comma in double "
        "quotes)"))]


def test_unclosed_quote_stops_reading_and_names_the_row() -> None:
    result = parse_csv(HEADER + "Q1?,a|b,1\n\"Q2?,a|b,1\nQ3?,a|b,1\n")
    assert result.errors == [Issue(3, (
        "A quoted cell in the row starting on line 3 is never closed (a double quote is missing; a double quote "
        "inside a quoted cell is written twice: \"\")"))]
    assert [q.line for q in result.questions] == [2]


def test_text_after_a_closing_quote() -> None:
    assert errors_of(HEADER + 'Q1?,a|b,1\n"Q2" now?,a|b,1\n') == [Issue(3, (
        "Malformed quoting in the row starting on line 3: a quoted cell must end with a double quote followed by a "
        "comma or the end of the line (write a double quote inside a quoted cell twice: \"\")"))]


def test_a_quote_inside_an_unquoted_cell_is_text() -> None:
    assert parse_csv(HEADER + 'He said "hi"?,a|b,1\n').questions[0].text == 'He said "hi"?'


@pytest.mark.parametrize("text, message", [
    ("", "There are no questions in quiz.csv (it has no header row: question,options,answer,explanation,category)"),
    ("\ufeff\n , \n", "There are no questions in quiz.csv (it has no header row: question,options,answer,explanation,"
                      "category)"),
    (HEADER, "There are no questions in quiz.csv (only a header row)"),
    (HEADER + ",,\n", "There are no questions in quiz.csv (only a header row)"),
])
def test_no_questions(text: str, message: str) -> None:
    result = parse_csv(text, filename="quiz.csv")
    assert result.errors == [Issue(1, message)] and not result.ok


def test_every_error_is_reported_with_its_row_line() -> None:
    text = HEADER + ('Good?,a|b,1\n'  # 2
                     ',a|b,1\n'  # 3: empty question
                     '"Multi\nline?",a|a,1\n'  # 4-5: duplicate option
                     'One?,a,1\n'  # 6: one option
                     'Range?,a|b,3\n')  # 7: out of range
    result = parse_csv(text)
    assert [(issue.line, issue.message) for issue in result.errors] == [
        (3, "Empty question on line 3"),
        (4, "Option 'a' appears twice in the question on line 4"),
        (6, "The question on line 6 has fewer than 2 options"),
        (7, "Answer 3 on line 7 is out of range: the question has 2 options"),
    ]
    assert [q.line for q in result.questions] == [2] and not result.ok


def test_several_errors_in_one_row() -> None:
    assert errors_of(HEADER + " ,a|A|,5\n") == [
        Issue(2, "Empty question on line 2"),
        Issue(2, "Option 3 on line 2 is empty (check for a stray |)"),
        Issue(2, "Option 'A' appears twice in the question on line 2"),
        Issue(2, "Answer 5 on line 2 is out of range: the question has 3 options"),
    ]


# --- warnings -------------------------------------------------------------------------------------

def test_duplicate_question_text_warns_and_imports() -> None:
    result = parse_csv(HEADER + "Capital?,a|b,1\nOther?,a|b,1\n  capital? ,c|d,2\n")
    assert result.ok and len(result.questions) == 3
    assert result.warnings == [Issue(4, "The question on line 4 repeats the question on line 2 (imported anyway)")]


# --- writing --------------------------------------------------------------------------------------

def test_write_exact_text() -> None:
    questions = [mc("Capital, of France?", ["London", "Pa|ris", "back\\slash"], [1], explanation='Say "yes"',
                    category="top/Geo"),
                 mc("Primes?", ["2", "4", "5"], [0, 2]),
                 sa("Planet?", ["Jupiter", "J*"]),
                 tf("Flat?", False)]
    assert write_csv(questions) == (
        "question,options,answer,explanation,category\r\n"
        '"Capital, of France?",London|Pa\\|ris|back\\\\slash,2,"Say ""yes""",top/Geo\r\n'
        "Primes?,2|4|5,1|3,,\r\n"
        "Planet?,,Jupiter|J*,,\r\n"
        "Flat?,True|False,False,,\r\n")
    assert write_csv([]) == "question,options,answer,explanation,category\r\n"


def test_write_then_read_the_documented_example() -> None:
    original = parse_csv(documented_example()).questions
    again = parse_csv(write_csv(original))
    assert again.ok and not again.warnings
    assert [q.line for q in again.questions] == [2, 3, 4, 5, 6, 7]
    assert again.questions == original


def test_write_leaves_out_what_csv_cannot_hold() -> None:
    question = replace(mc("Q?", ["a", "b"], [0]), name="custom", tags=("t",), id_number="x1",
                       answers=(Answer("a", 1.0, "well done"), Answer("b", 0.0, "no")))
    assert write_csv([question]).splitlines()[1] == "Q?,a|b,1,,"


@pytest.mark.parametrize("question, reason", [
    (replace(mc("Q?", ["a", "b"], [0]), qtype="matching"), "cannot hold matching"),
    (ImportedQuestion(qtype="numerical", name="n", text="n", answers=(Answer("1", 1.0),)), "cannot hold numerical"),
    (ImportedQuestion(qtype="essay", name="e", text="e"), "cannot hold essay"),
    (mc(" ", ["a", "b"], [0]), "text is empty"),
    (mc("Q?", ["a", " "], [0]), "answer text is empty"),
    (mc("Q?", ["a", "A"], [0]), "same text"),
    (mc("Q?", ["a"], [0]), "at least 2 options"),
    (replace(mc("Q?", ["a", "b"], [0]), single=False), "share the mark equally"),
    (replace(mc("Q?", ["a", "b", "c"], [0, 1]), single=True), "share the mark equally"),
    (replace(mc("Q?", ["a", "b"], [0]), answers=(Answer("a", 1.0), Answer("b", -0.5))), "share the mark equally"),
    (replace(mc("Q?", ["a", "b"], [0]), answers=(Answer("a", 0.5), Answer("b", 0.0))), "share the mark equally"),
    (replace(mc("Q?", ["a", "b", "c"], [0, 1]), answers=(Answer("a", 0.7), Answer("b", 0.3), Answer("c", 0.0))),
     "share the mark equally"),
    (replace(mc("Q?", ["a", "b"], [0]), answers=(Answer("a", 0.0), Answer("b", 0.0))), "share the mark equally"),
    (replace(sa("Q?", ["a", "b"]), answers=(Answer("a", 1.0), Answer("b", 0.5))), "full marks"),
    (sa("Q?", []), "full marks"),
    (tf("Q?", True).__class__(qtype="truefalse", name="Q?", text="Q?"), "no right value"),
])
def test_write_refuses_what_csv_cannot_grade(question: ImportedQuestion, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        write_csv([mc("Fine?", ["a", "b"], [0]), question])
    assert str(caught.value).startswith(f"question 2 ({question.name!r})")


# --- properties -----------------------------------------------------------------------------------

SPECIAL = st.sampled_from(list(',"|\\\n\r \t;') + ["\\|", "\r\n", '""', "True", "\ufeff"])
# No control characters but tab and line breaks: the reader refuses them (issue 9), so the writer does too.
TEXT = st.lists(st.one_of(SPECIAL, st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=5)),
                min_size=1, max_size=8).map("".join).map(str.strip)
NON_EMPTY = TEXT.filter(bool)


@st.composite
def csv_questions(draw: st.DrawFn) -> ImportedQuestion:
    text = draw(NON_EMPTY)
    extra = {"general_feedback": draw(TEXT), "category": draw(TEXT)}
    kind = draw(st.sampled_from(["single", "multiple", "shortanswer", "truefalse"]))
    if kind == "truefalse":
        return tf(text, draw(st.booleans()), **extra)
    if kind == "shortanswer":
        return sa(text, draw(st.lists(NON_EMPTY, min_size=1, max_size=4, unique_by=normalise_text)), **extra)
    options = draw(st.lists(NON_EMPTY, min_size=2, max_size=8, unique_by=normalise_text))
    low = 1 if kind == "single" else 2
    high = 1 if kind == "single" else len(options)
    rights = draw(st.lists(st.integers(0, len(options) - 1), min_size=low, max_size=high, unique=True))
    return mc(text, options, sorted(rights), explanation=extra["general_feedback"], category=extra["category"])


@given(st.lists(csv_questions(), max_size=6))
def test_round_trip_property(questions: list[ImportedQuestion]) -> None:
    written = write_csv(questions)
    result = parse_csv(written)
    if not questions:
        assert [issue.message for issue in result.errors] == ["There are no questions in bank.csv (only a header row)"]
        return
    assert result.errors == []
    assert [replace(q, line=0) for q in result.questions] == questions
    assert write_csv(result.questions) == written


CSV_PIECES = st.one_of(SPECIAL, st.sampled_from(["question", "options", "answer", "A", "1", "1|2", "x|y", ","]),
                       st.text(max_size=6))


@given(st.one_of(st.text(), st.text(st.characters()),  # the second may hold lone surrogates
                 st.lists(CSV_PIECES, max_size=40).map("".join),
                 st.lists(CSV_PIECES, max_size=40).map(lambda parts: HEADER + "".join(parts))))
def test_reader_never_raises(text: str) -> None:
    result = parse_csv(text)
    assert isinstance(result, ParseResult)
    assert result.questions or result.errors
    assert result.ok == (not result.errors and bool(result.questions))
    assert [i.line for i in result.errors] == sorted(i.line for i in result.errors)
    assert all(issue.line >= 1 for issue in result.errors + result.warnings)
    for question in result.questions:
        assert question.qtype in ("multichoice", "shortanswer", "truefalse") and question.text


def test_a_cell_over_the_csv_field_limit_is_an_error_not_a_crash() -> None:
    assert errors_of(HEADER + "Q?," + "x" * 200_000 + ",1\n") == [
        Issue(2, "The row starting on line 2 cannot be read as CSV: field larger than field limit (131072)")]
