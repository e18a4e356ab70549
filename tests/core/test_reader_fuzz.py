"""A mutation fuzzer over the four readers (issue 9): 2,000 cases per format, the same ones every run.

Each case is a small valid file of the format with up to eight mutations (a special token of the
format inserted, a span deleted, duplicated or swapped with another), or now and then arbitrary
text. A crash is any exception other than the reader's own error type (``BankError`` for fact
banks; the GIFT, Aiken and CSV readers never raise, they return errors). A slow case is one whose
check takes more CPU time than a generous bound: these inputs are a few kilobytes, which every
reader handles in milliseconds, so the bound is there to catch a blow-up, not to time anything.

Hypothesis runs derandomized (a fixed sequence of cases, so CI is stable) without its example
database, and without a per-example deadline (the CPU-time bound replaces it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.core.bank_loader import BankError, load_bank_text
from quizapp.core.formats.aiken import parse_aiken
from quizapp.core.formats.csv_bank import parse_csv
from quizapp.core.formats.gift import parse_gift
from quizapp.core.imported import ParseResult
from tests.core.test_bank_loader import MINIMAL

CASES = 2000
SLOW_CPU_SECONDS = 2.0  # a case is a few KB; every reader takes milliseconds on it

COMMON = ["\n", "\r\n", "\r", " ", "\t", "\x00", "\x0b", "\x85", "\ufeff", "\u2028", "é", "9" * 60, "1e999",
          "-", "#", ":", ",", "|", "\\", '"', "'", "{", "}", "[", "]", "<", ">", "*"]

FORMATS: dict[str, tuple[list[str], list[str]]] = {
    "gift": ([
        "// [id:q1] [tag:t]\n::Capital::What is the capital of France? {=Paris#Yes ~London ~Rome}\n\n"
        "$CATEGORY: top/Maths\n\n::n::How much? {#3.14:0.01 =%50%3..4 ~#No}\n\n"
        "::m::Match {=a -> b =c -> d = -> e}\n\n::tf::True? {T#wrong#right}\n\n::s::Name it {=GPT* =%50%gpt}\n",
        "Q {~a =b ####general}\n\nMissing {=word} here.\n",
    ], ["::", "{=", "~", "=", "->", "####", "%50%", "%-33.33333%", "%", "#", "..", "{#", "{T}", "{FALSE}",
        "$CATEGORY:", "[id:", "[tag:", "//", "[html]", "[moodle]", "[markdown]", "\\{", "\\:", "\\n", "\n\n",
        "0\n", "1e308..1.7e308"]),
    "aiken": ([
        "What is the capital of France?\nA) London\nB. Paris\nC) Rome\nANSWER: B\n\n"
        "Which are prime?\nA) 4\nB) 5\nANSWER: B\n",
        "Q1\nA) a\nB) b\nANSWER: A\nQ2\nA. x\nB. y\nC. z\nANSWER: C\n",
    ], ["A) ", "B. ", "Z) ", "a) ", "ANSWER: ", "ANSWER: A", "ANSWER:", "answer: B", "ANSWER: A, C", "\nA) x\n",
        "\nANSWER: Z\n", "U.S. coins"]),
    "csv": ([
        "question,options,answer,explanation,category\n"
        "What is the capital of France?,London|Paris|Rome,2,Since 987.,Geography\n"
        "Which are prime?,2|4|5|9,A|C,\"4 = 2×2, 9 = 3×3.\",Maths\n"
        "\"Pick the pipe, please\",\\||/|-,1,,\nName the planet.,,Jupiter|Jupiter*,,Astronomy\n"
        "The Earth is flat.,True|False,False,\"It is, roughly, a sphere.\",Geography\n",
        "answer,question,options\nb,Q,a|b\n",
    ], ["question", "options", "answer", "explanation", "category", ",,", '""', '"', "|", "\\|", "1|2", "A|C",
        "True|False", "True", "0", "27", "12345678901234567890", ",\n", "\"\n\""]),
    "factbank": ([
        yaml.safe_dump(MINIMAL, sort_keys=False),
        yaml.safe_dump(MINIMAL, sort_keys=False, default_flow_style=True),
    ], ["&a ", "*a", "&id001 ", "*id001", "!!python/object:os.system ", "!!binary ", "!!set ", "!!omap ",
        "!!int ", "!!float ", ".nan", ".inf", "-.inf", "1.0e+999", "1:2:3", "0x1F", "~", "null", "true", "no",
        "<<: ", "<<: *id001\n", "---\n", "...\n", "%YAML 1.1\n", "? ", ": ", "- ", "  ", "|\n  ", ">-\n  ",
        "prompts: {classify: '{x:>99}'}\n", "parent: llm\n", "part_of: google\n", "{a: {b: {c: [[[", "]]]}}}",
        "2001-12-14", "'''", "\"\\x00\""]),
}


def read_factbank(text: str) -> object:
    try:
        return load_bank_text(text, "fuzz.yaml")
    except BankError as exc:
        assert exc.problems and all(isinstance(p, str) and len(p) < 2000 for p in exc.problems)
        return exc.problems


def check_result(result: ParseResult) -> ParseResult:
    assert isinstance(result, ParseResult)
    assert all(issue.line >= 1 for issue in result.errors + result.warnings)
    return result


READERS: dict[str, Callable[[str], object]] = {
    "gift": lambda text: check_result(parse_gift(text)),
    "aiken": lambda text: check_result(parse_aiken(text)),
    "csv": lambda text: check_result(parse_csv(text)),
    "factbank": read_factbank,
}


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> str:
    seeds, tokens = FORMATS[fmt]
    if draw(st.integers(0, 19)) == 0:  # now and then, arbitrary text
        return draw(st.text(max_size=300))
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        span = draw(st.integers(0, 40))
        operation = draw(st.sampled_from(("insert", "insert", "insert", "delete", "duplicate", "swap")))
        if operation == "insert":
            token = draw(st.sampled_from(tokens + COMMON))
            text = text[:at] + token * draw(st.sampled_from((1, 1, 2, 50))) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + span:]
        elif operation == "duplicate":
            text = text[:at + span] + text[at:at + span] + text[at + span:]
        else:
            other = draw(st.integers(0, len(text)))
            first, second = sorted((at, other))
            text = text[:first] + text[second:second + span] + text[first + span:second] + text[first:first + span] \
                + text[second + span:]
    return text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_readers_never_crash_and_never_stall_on_mutated_files(fmt: str):
    read = READERS[fmt]

    @settings(max_examples=CASES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(fmt))
    def case(text: str) -> None:
        start = time.process_time()
        read(text)  # any exception but the reader's own error type fails the case
        spent = time.process_time() - start
        assert spent < SLOW_CPU_SECONDS, f"{fmt} reader took {spent:.2f} s of CPU on {len(text)} characters"

    case()
