"""Hostile input (issue 9): every reader and every grading function costs time linear in its input,
refuses what would stall or crash a worker, and says which line is wrong.

Each reader is run on adversarial inputs of 128 KB and 256 KB (long lines and whole-file families at
1 and 2 MB): every special character of its format repeated, the repeated-token families of the issue,
deep nesting and long lines. A reader may refuse the input (that is its own error type, or errors in
its result), but it must not raise anything else, and doubling the input must at most about triple
its cost (see :mod:`tests.core.linear_time`; a ratio, not a duration).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank import PROMPT_FIELDS
from quizapp.core.bank_check import check_bank_text
from quizapp.core.bank_loader import BankError, load_bank_text
from quizapp.core.formats.aiken import parse_aiken
from quizapp.core.formats.csv_bank import parse_csv
from quizapp.core.formats.gift import parse_gift
from quizapp.core.imported import Answer, ImportedQuestion, MatchPair, grade_imported, shortanswer_matches
from quizapp.core.responses.matching import MATCHING, MatchKey
from quizapp.core.wildcard import MAX_ANSWER_LENGTH, wildcard_match
from tests.core.linear_time import KB, assert_linear, repeated
from tests.core.test_bank_loader import MINIMAL

BANK = yaml.safe_dump(MINIMAL, sort_keys=False)
HEAD = "format: quizapp-factbank/1\nslug: hostile\ntitle: Hostile\n"


def read_factbank(text: str) -> object:
    try:
        return load_bank_text(text, "hostile.yaml")
    except BankError as exc:
        return exc.problems


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank_text(text, "hostile.yaml")
    return info.value.problems


def gift_errors(text: str) -> list[tuple[int, str]]:
    return [(i.line, i.message) for i in parse_gift(text).errors]


# -- 1. YAML aliases, and values in messages -----------------------------------------------------------

def alias_bomb(levels: int = 9) -> str:
    """The issue's bomb: nine levels of nine aliases each, about 400 bytes that expand to 9**9 strings."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nformat: *a{levels - 1}\n"


def test_1_a_yaml_alias_bomb_is_refused_at_once_naming_the_line():
    bomb = alias_bomb()
    assert len(bomb) < 600
    found = problems(bomb)
    assert len(found) == 1 and "line 4" in found[0] and "alias" in found[0], found  # a3 expands to 7,381


def test_1_aliases_that_expand_far_beyond_the_file_are_refused_small_ones_are_fine():
    text = "a: &a [" + ",".join(["x"] * 100) + "]\nb: [" + ",".join(["*a"] * 100) + "]\n"
    found = problems(text)
    assert len(found) == 1 and "line 2" in found[0] and "alias" in found[0], found
    assert load_bank_text(BANK.replace("title: Mini\n", "title: &t Mini\ndescription: *t\n")).description == "Mini"


def test_1_an_alias_inside_the_value_it_names_is_refused():
    found = problems(HEAD + "cards: &c [*c]\n")
    assert len(found) == 1 and "line 4" in found[0] and "itself" in found[0], found


def test_1_values_in_messages_are_cut_to_about_80_characters():
    long = "x" * 10_000
    for text in (BANK.replace("format: quizapp-factbank/1", f"format: {long}"),
                 BANK.replace("answer: true", f"answer: {long}"),
                 BANK.replace("slug: mini", f"slug: {long}_"),
                 BANK.replace("title: Mini", f"{long}: 1\ntitle: Mini"),
                 BANK.replace("topic: faq", f"topic: {long}"),
                 BANK.replace("category: llm", f"category: {long}", 1)):
        found = problems(text)
        assert found and all(len(p) < 400 for p in found), [p[:200] for p in found]


# -- 2, 3. GIFT comment and name regexes ---------------------------------------------------------------

def test_2_gift_id_and_tag_comments_cost_linear_time():
    assert_linear(parse_gift, repeated("// ", "[id:\\", "\nQ {=a ~b}\n"), 100 * KB)
    assert_linear(parse_gift, repeated("// ", "[tag:", "\nQ {=a ~b}\n"), 100 * KB)


@pytest.mark.parametrize(("comment", "id_number", "tags"), [
    ("// [id:q1] [tag:a] [tag:b]", "q1", ("a", "b")),
    ("// [id:a\\]b] x", "a]b", ()),
    ("// [id:a\\] no end", "a\\", ()),  # the regex backtracks to the last \] and ends there
    ("// [id:] [id:x]", "x", ()),
    ("// [tag:] [tag:<b>] [tag:c]", "", ("c",)),
    ("// [id:[id:[id:z]", "[id:[id:z", ()),
])
def test_2_gift_id_and_tags_read_as_before(comment, id_number, tags):
    question = parse_gift(f"{comment}\nQ {{=a ~b}}\n").questions[0]
    assert (question.id_number, question.tags) == (id_number, tags)


def test_3_gift_default_name_costs_linear_time_and_strips_tags_as_before():
    assert_linear(parse_gift, repeated("Q ", "<", " {=a ~b}\n"), 128 * KB)
    assert parse_gift("Q <b>bold</b> <i \n{=a ~b}").questions[0].name == "Q bold <i"
    assert parse_gift("a < b and c > d {=a ~b}").questions[0].name == "a d"
    assert parse_gift("a <b> < c {=a ~b}").questions[0].name == "a < c"


# -- 4. short-answer wildcards -----------------------------------------------------------------------

def shortanswer(*patterns: str) -> ImportedQuestion:
    return ImportedQuestion(qtype="shortanswer", name="q", text="q", answers=tuple(Answer(p, 1.0) for p in patterns))


def test_4_the_issue_s_wildcard_answer_grades_at_once():
    assert grade_imported(shortanswer("*a*a*a*a*b"), "a" * 500) == 0.0
    assert grade_imported(shortanswer("*a*a*a*a*b"), "a" * 499 + "b") == 1.0


def test_4_wildcard_grading_costs_linear_time_in_the_pattern_and_the_answer():
    answer = "a" * MAX_ANSWER_LENGTH
    assert_linear(lambda p: shortanswer_matches(p, answer), repeated("", "*a", "*b"), 128 * KB)
    assert_linear(lambda p: shortanswer_matches(p, answer), repeated("", "a*", "b"), 128 * KB)
    assert_linear(lambda p: shortanswer_matches(p, answer), repeated("", "*", ""), 128 * KB)
    assert_linear(lambda p: shortanswer_matches(p, "b" * 400), repeated("*", "ab", "*"), 128 * KB)


def test_4_answers_longer_than_the_cap_never_match():
    assert shortanswer_matches("*", "a" * MAX_ANSWER_LENGTH)
    assert not shortanswer_matches("*", "a" * (MAX_ANSWER_LENGTH + 1))
    assert grade_imported(shortanswer("*"), "a" * 100_000) == 0.0


@settings(max_examples=400, derandomize=True)
@given(st.text("ab* ", max_size=8), st.text("abAB ", max_size=10))
def test_4_wildcards_match_as_moodle_s_regex_did(pattern, response):
    import re

    from quizapp.core.imported import normalise_text
    regex = ".*".join(re.escape(part) for part in normalise_text(pattern).split("*"))
    expected = re.fullmatch(regex, normalise_text(response), flags=re.DOTALL) is not None
    assert shortanswer_matches(pattern, response) == expected
    assert wildcard_match(normalise_text(pattern), normalise_text(response)) == expected


# -- 5. prompt templates -----------------------------------------------------------------------------

FIELD = sorted(PROMPT_FIELDS["classify"])[0]  # a placeholder the classify prompt may use


@pytest.mark.parametrize(("template", "fragment"), [
    ("{F:d}", "format spec"),
    ("{F:{F}}", "format spec"),
    ("{F:>100000000}", "format spec"),
    ("{F!r}", "conversion"),
    ("{0}", "unknown placeholder"),
    ("{}", "unknown placeholder"),
    ("{F.__class__}", "unknown placeholder"),
    ("{F[0]}", "unknown placeholder"),
    ("{no_such_field}", "unknown placeholder"),
    ("Which {F", "not a valid template"),
    ("x" * 1000 + "{F}", "characters"),
])
def test_5_prompt_templates_allow_only_documented_fields(template, fragment):
    template = template.replace("F", FIELD)
    text = BANK.replace("title: Mini\n", f"title: Mini\nprompts:\n  classify: {json.dumps(template)}\n")
    found = problems(text)
    assert len(found) == 1 and "prompts" in found[0] and "classify" in found[0] and fragment in found[0], found
    assert len(found[0]) < 400


def test_5_documented_fields_and_escaped_braces_are_fine():
    fields = " ".join("{" + name + "}" for name in sorted(PROMPT_FIELDS["classify"]))
    text = BANK.replace("title: Mini\n", f"title: Mini\nprompts:\n  classify: \"{{{{{fields}}}}}?\"\n")
    assert load_bank_text(text).prompts["classify"] == "{{" + fields + "}}?"


# -- 6. deep nesting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "slug: " + "[" * 10_000,
    "slug: " + "{a: " * 5_000,
    HEAD + "cards:\n" + "".join("  " * i + "- \n" for i in range(200)),
    HEAD + "cards:\n" + "- " * 2_000 + "x\n",
])
def test_6_deep_nesting_is_a_load_error_naming_the_line(text):
    found = problems(text)
    assert len(found) == 1 and "line" in found[0] and "nest" in found[0], found


# -- 16. NaN and infinity ----------------------------------------------------------------------------

@pytest.mark.parametrize("block", ["{#1..1e999}", "{#1e999}", "{#1:1e999}", "{#-1e999..1}", "{#1e308..1.7e308}",
                                   "{#=1e999:0 =2:0}", "{#" + "9" * 400 + "}"])
def test_16_gift_refuses_numbers_that_are_not_finite_naming_the_line(block):
    text = f"Q1 {{#1}}\n\n// two\n::n::Q2 {block}\n"
    errors = gift_errors(text)
    assert errors and errors[0][0] == 4 and "finite" in errors[0][1], errors
    check = check_bank_text(text, "n.gift")
    json.dumps(check.to_json(), allow_nan=False)  # the check-bank JSON never holds NaN


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf", "1.0e+999", "-1.0e+999"])
def test_16_a_fact_bank_refuses_numbers_that_are_not_finite_naming_the_line(value):
    found = problems(BANK.replace("title: Mini", f"title: {value}"))
    assert len(found) == 1 and "line 3" in found[0] and "finite" in found[0], found


def test_16_csv_and_aiken_hold_no_numbers_an_infinite_answer_is_not_an_option():
    result = parse_csv("question,options,answer\nQ,a|b,inf\nR,a|b,NaN\n")
    assert [i.line for i in result.errors] == [2, 3]
    assert parse_aiken("Q\nA) a\nB) b\nANSWER: inf\n").errors


def test_16_huge_integers_in_a_fact_bank_or_csv_are_refused_not_a_crash():
    found = problems(BANK.replace("title: Mini", "title: " + "1" * 5000))
    assert "line 3" in found[0]
    result = parse_csv("question,options,answer\nQ,a|b," + "1" * 5000 + "\n")
    assert [i.line for i in result.errors] == [2]


# -- 17. control characters --------------------------------------------------------------------------

CONTROL = ["\0", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]


@pytest.mark.parametrize("char", CONTROL)
def test_17_every_reader_refuses_control_characters_naming_the_line(char):
    gift = parse_gift(f"Q1 {{=a ~b}}\r\n\r\n::n{char}::Q{char}? {{=a{char} ~b}}\n")
    assert any(i.line == 3 and "control character" in i.message for i in gift.errors), gift.errors
    aiken = parse_aiken(f"Q\nA) a\nB) b{char}\nANSWER: A\n")
    assert any(i.line == 3 and "control character" in i.message for i in aiken.errors), aiken.errors
    csv = parse_csv(f'question,options,answer\nQ,a|b,1\n"R\n{char}",a|b,1\n')
    assert any(i.line == 4 and "control character" in i.message for i in csv.errors), csv.errors
    found = problems(BANK.replace("title: Mini", f"title: Mi{char}ni"))
    assert any("line 3" in p and "control character" in p for p in found), found


def test_17_tabs_and_line_breaks_are_fine():
    assert parse_gift("Q\t1 {=a ~b}\r\n").ok
    assert parse_aiken("Qn\r\nA)\ta\r\nB) b\rANSWER: A\n").ok
    assert parse_csv('question,options,answer\r\n"Q\t\r\n1",a|b,1\r\n').ok
    assert load_bank_text(BANK.replace("title: Mini", 'title: "Mi\tni"').replace("\n", "\r\n")).title == "Mi\tni"


# -- the general rule: every reader and grader in linear time --------------------------------------

GIFT_SPECIALS = ["\\", ":", "#", "=", "{", "}", "~", "%", "[", "]", "<", ">", "-", ".", "$", "/", "!", "@",
                 " ", "\t", "\n", "\r", "0", "9", "e"]
GIFT_TOKENS = ["[id:\\", "[tag:", "[id:", "::", "->", "=a->b ", "####", "#", "$CATEGORY:", "%-", "%50%", "%",
               "1..", "..", "\\{", "\\:", "{=a ~b}", "~%-50%", "[moodle]", "[html", "=", "~", "\n//",
               "{", "}", "{\n", "\n"]
GIFT_LINES = ["Q {=a ~b}\n\n", "Q\n", "// x [id:y]\n", "$CATEGORY: c\n\n", "0\n", "::n::Q {#1..2}\n\n",
              "::n::Q {#=1:2#f ~#g}\n\n", "Q {a->b = c->d}\n\n", "Q {T#a#b}\n\n", "Q {=a#f =b#g}\n\n",
              "Q {} x\n\n", "Q {=a ~b} {=c ~d}\n", "::a::b::c {\n"]


def gift_families() -> list[tuple[str, Callable[[int], str]]]:
    families = []
    for c in GIFT_SPECIALS + GIFT_TOKENS:
        families += [(f"text {c!r}", repeated("Q ", c, " {=a ~b}\n")),
                     (f"block {c!r}", repeated("Q {=a ~", c, "}\n")),
                     (f"comment {c!r}", repeated("// ", c, "\nQ {=a ~b}\n"))]
    for c in GIFT_SPECIALS:
        families += [(f"name {c!r}", repeated("::", c, "::Q {=a ~b}\n")),
                     (f"numeric {c!r}", repeated("Q {#", c, "}\n"))]
    families += [(f"lines {line!r}", repeated("", line)) for line in GIFT_LINES]
    return families


@pytest.mark.parametrize(("name", "build"), gift_families(), ids=[n for n, _ in gift_families()])
def test_gift_reader_costs_linear_time(name, build):
    assert_linear(parse_gift, build, 100 * KB)


AIKEN_SPECIALS = ["A", ")", ".", ":", " ", "\t", "\r", "\r\n", "\n", "A)", "A.", "a)", "ANSWER:", "answer :", "Z"]
AIKEN_LINES = ["A) x\n", "A. x\n", "ANSWER: A\n", "Q\n", "a) x\n", "answer: A\n", "Q\nA) a\nB) b\nANSWER: A\n",
               "Q\nA) a\nB) b\nANSWER: Z\n", "Q\nA) \nANSWER: A\n", "Q\nA) a\nB) b\nANSWER: A, C\n",
               "Q\nB) a\nA) b\nANSWER: A\n", "x\n"]


def aiken_families() -> list[tuple[str, Callable[[int], str]]]:
    families = []
    for c in AIKEN_SPECIALS:
        families += [(f"question {c!r}", repeated("Q ", c, "\nA) a\nB) b\nANSWER: A\n")),
                     (f"option {c!r}", repeated("Q\nA) ", c, "\nB) b\nANSWER: A\n")),
                     (f"answer {c!r}", repeated("Q\nA) a\nB) b\nANSWER: A", c, "\n")),
                     (f"line {c!r}", repeated("", c))]
    families += [(f"lines {line!r}", repeated("", line)) for line in AIKEN_LINES]
    return families


@pytest.mark.parametrize(("name", "build"), aiken_families(), ids=[n for n, _ in aiken_families()])
def test_aiken_reader_costs_linear_time(name, build):
    assert_linear(parse_aiken, build, 100 * KB)


CSV_SPECIALS = [",", '"', "|", "\\", "\\|", "\n", "\r", " ", "1|", "a|", "A|", "x|", "1,"]
HEADER = "question,options,answer,explanation,category\n"


def many_options(size: int) -> str:
    k = size // 16
    options = "|".join(f"o{i}" for i in range(k))
    return f'{HEADER}Q,"{options}",' + "|".join(["o1"] * k) + "\n"


def numbered_answers(size: int) -> str:
    k = size // 14
    return HEADER + "Q," + "|".join(f"o{i}" for i in range(k)) + "," + "|".join(str(i + 1) for i in range(k)) + "\n"


def csv_families() -> list[tuple[str, Callable[[int], str]]]:
    families = []
    for c in CSV_SPECIALS:
        quoted = c.replace('"', '""')
        families += [(f"question {c!r}", repeated(HEADER + '"', quoted, '",a|b,1\n')),
                     (f"options {c!r}", repeated(HEADER + 'Q,"a|b', quoted, '",1\n')),
                     (f"answer {c!r}", repeated(HEADER + 'Q,a|b|c,"', quoted, '"\n')),
                     (f"short answer {c!r}", repeated(HEADER + 'Q,,"', quoted, '"\n')),
                     (f"header {c!r}", repeated("question,options,answer", c, "\nQ,a|b,1\n")),
                     (f"unquoted {c!r}", repeated(HEADER + "Q,a|b,1,", c, "\n"))]
    families += [("rows", repeated(HEADER, "Q,a|b|c,2,x,c\n")), ("blank rows", repeated(HEADER, ",,,,\n")),
                 ("repeated rows", repeated(HEADER, "Q,a|a,3\n")), ("header columns", repeated("", "question,")),
                 ("many options", many_options), ("numbered answers", numbered_answers),
                 ("duplicate answers", repeated(HEADER + "Q,a|b,", "1|")),
                 ("short answers", repeated(HEADER + "Q,,", "a|"))]
    return families


@pytest.mark.parametrize(("name", "build"), csv_families(), ids=[n for n, _ in csv_families()])
def test_csv_reader_costs_linear_time(name, build):
    assert_linear(parse_csv, build, 100 * KB)  # a cell holds at most 128 KB (the csv module's field limit)


YAML_SPECIALS = ["[", "]", "{", "}", "&a ", "*a ", "!", "!!str ", "|", ">", "-", "- ", "?", "? ", ":", ": ", "#",
                 " #", "'", '"', "%", "@", "`", ",", "\\", "\t", "\n", " ", "0", "1:", "."]
YAML_NODE_SPECIALS = ["[", "{", "&a ", "*a ", "!!str ", "|", "- ", "? ", ": ", "'", "0"]  # many values each


def categories_chain(size: int) -> str:
    k = size // 120
    cats = [{"id": "c0", "name": "C0", "exclusive_label": "x0", "source": {"note": "n"}}]
    cats += [{"id": f"c{i}", "name": f"C{i}", "parent": f"c{i - 1}", "exclusive_label": f"x{i}",
              "source": {"note": "n"}} for i in range(1, k)]
    return yaml.safe_dump({**MINIMAL, "categories": cats}, sort_keys=False)


def dimensions_without_values(size: int) -> str:
    """k categories and k dimensions with no values: k * k missing values, quadratic in the file."""
    k = size // 120
    cats = [{"id": f"c{i}", "name": f"C{i}", "source": {"note": "n"}} for i in range(k)]
    dims = [{"name": f"D{i}", "values": {}, "source": {"note": "n"}} for i in range(k)]
    return yaml.safe_dump({**MINIMAL, "categories": cats, "dimensions": dims}, sort_keys=False)


def factbank_families() -> list[tuple[str, Callable[[int], str]]]:
    families = []
    for c in YAML_SPECIALS:
        escaped = c.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        families += [(f"plain {c!r}", repeated(HEADER_YAML, c, "\n")),
                     (f"quoted {c!r}", repeated(HEADER_YAML + '"', escaped, '"\n')),
                     (f"key {c!r}", repeated("", c, ": 1\n")),
                     (f"comment {c!r}", repeated("# ", c, "\n" + BANK))]
    for c in YAML_NODE_SPECIALS:
        families += [(f"flow {c!r}", repeated("cards: [", c + ", ", "]\n")),
                     (f"block {c!r}", repeated(HEAD + "cards:\n", "- " + c + "\n"))]
    families += [
        ("nested [", repeated("slug: ", "[")), ("nested {a:", repeated("slug: ", "{a: ")),
        ("nested - ", repeated("slug:\n", "- ")), ("aliases", repeated("a: &a [1]\n", "b: *a\n")),
        ("anchors", repeated(HEAD + "cards:\n", "- &a x\n")), ("cards", repeated(HEAD + "cards:\n", "- {front: a}\n")),
        ("unknown fields", repeated(HEAD + "cards:\n- {", "x: 1, ", "}\n")),
        ("unknown refs", repeated(BANK + "applications:\n", "- {name: x, category: zz, source: {note: n}}\n")),
        ("long scalar", repeated(HEAD + "description: ", "a")), ("long key", repeated("", "k", ": v\n")),
        ("category chain", categories_chain), ("dimensions without values", dimensions_without_values),
        ("numbers", repeated(HEAD + "cards: [", "1e5, ")), ("sexagesimal", repeated(HEAD + "title: 1", ":1")),
    ]
    return families


HEADER_YAML = HEAD.replace("title: Hostile\n", "title: ")


@pytest.mark.parametrize(("name", "build"), factbank_families(), ids=[n for n, _ in factbank_families()])
def test_factbank_reader_costs_linear_time(name, build):
    assert_linear(read_factbank, build, 100 * KB)


@pytest.mark.parametrize(("reader", "build"), [
    (parse_gift, repeated("Q ", "a", " {=a ~b}\n")), (parse_gift, repeated("// ", "[id:\\")),
    (parse_aiken, repeated("Q ", "a", "\nA) a\nB) b\nANSWER: A\n")),
    (parse_aiken, repeated("", "Q\nA) a\nB) b\nANSWER: A\n")),
    (parse_csv, repeated(HEADER, "Q,a|b|c,2,x,c\n")), (read_factbank, repeated(HEAD + "description: ", "a")),
], ids=["gift long line", "gift id comment", "aiken long line", "aiken questions", "csv rows", "yaml long line"])
def test_every_reader_is_linear_at_one_and_two_megabytes(reader, build):
    assert_linear(reader, build, 1024 * KB)


def matching(size: int) -> tuple[ImportedQuestion, list[int]]:
    k = size // 10
    pairs = tuple(MatchPair(f"l{i}", f"r{i}") for i in range(k))
    return ImportedQuestion(qtype="matching", name="m", text="m", pairs=pairs), list(range(k))


@pytest.mark.parametrize(("name", "grade"), [
    ("multichoice several", lambda text: grade_imported(
        ImportedQuestion(qtype="multichoice", name="m", text="m", single=False,
                         answers=tuple(Answer(str(i), 0.0) for i in range(len(text) // 8))),
        list(range(len(text) // 8)))),
    ("matching", lambda text: grade_imported(*matching(len(text)))),
    ("shortanswer many answers", lambda text: grade_imported(shortanswer(*text.split("|")), "a" * 500)),
    ("shortanswer long answer", lambda text: grade_imported(shortanswer(text), "a" * 500)),
    ("numerical many answers", lambda text: grade_imported(
        ImportedQuestion(qtype="numerical", name="n", text="n",
                         answers=tuple(Answer(str(i), 1.0, tolerance=0.5) for i in range(len(text) // 8))), -1.0)),
])
def test_every_grading_function_costs_linear_time(name, grade):
    assert_linear(grade, repeated("", "a*a|*b*|"), 128 * KB)


def big_match_key(size: int) -> MatchKey:
    k = size // 10
    return MatchKey(tuple(f"l{i}" for i in range(k)), tuple(f"r{i}" for i in range(2 * k)),
                    tuple(f"r{i}" for i in range(k)))


@pytest.mark.parametrize("use", [
    lambda key: key.key_indices, MATCHING.right_answer_text, MATCHING.gift, MATCHING.json,
], ids=["key indices", "right answer text", "gift export", "json export"])
def test_a_matching_key_with_many_pairs_costs_linear_time(use):
    """key_indices looked each key up with tuple.index, and the GIFT export built the keys' set once per
    choice: both quadratic in the number of pairs."""
    assert_linear(lambda text: use(big_match_key(len(text))), repeated("", "a"), 128 * KB)


def test_a_grade_is_always_a_finite_number():
    question = ImportedQuestion(qtype="numerical", name="n", text="n", answers=(Answer("1", 1.0, tolerance=0.0),))
    assert math.isfinite(grade_imported(question, 1.0))
