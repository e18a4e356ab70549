"""Search matching, ranking and paging (quizapp.core.search): every word must match, phrases rank first,
pages are bounded, and hostile queries and texts cost time linear in their size."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.search import MAX_RESULTS, MAX_WORDS, PER_PAGE, Entry, normalise, query_words, search
from tests.core.linear_time import KB, assert_linear

TEXTS = ["Which organization developed BigGAN?", "Is LLaMA an LLM?", "An LLM is a kind of Generative AI.",
         "Generative AI makes images, music and text.", "Which training method uses a generator and a discriminator?"]


def _entries(texts: list[str]) -> list[Entry]:
    return [Entry(text, str(i)) for i, text in enumerate(texts)]


def test_every_word_must_match_in_any_case_and_width():
    found = search("ＬＬＭ generative", _entries(TEXTS))  # full-width letters are NFKC-normalised
    assert [TEXTS[int(k)] for k in found.keys] == ["An LLM is a kind of Generative AI."]
    assert found.total == 1 and found.query == "llm generative"
    assert search("bigGAN   ORGANIZATION", _entries(TEXTS)).keys == ("0",)
    assert search("llm unicorn", _entries(TEXTS)).total == 0


def test_the_whole_phrase_ranks_first_then_word_starts_then_shorter_texts():
    texts = ["AI generative tools", "Generative AI is broad", "ai: degenerative"]
    found = search("generative ai", _entries(texts))
    assert found.keys == ("1", "0", "2")  # phrase; both words at word starts; "generative" inside "degenerative"


def test_blank_or_punctuation_only_queries_find_nothing():
    for query in ("", "   ", "\n\t"):
        assert search(query, _entries(TEXTS)).total == 0


def test_pages_are_bounded_and_out_of_range_pages_give_the_last():
    texts = [f"card number {i}" for i in range(3 * PER_PAGE + 5)]
    first = search("card", _entries(texts), page=1)
    assert len(first.keys) == PER_PAGE and first.pages == 4 and first.total == len(texts)
    last = search("card", _entries(texts), page=99)
    assert last.page == 4 and len(last.keys) == 5
    assert search("card", _entries(texts), page=-3).page == 1
    seen = [k for p in range(1, 5) for k in search("card", _entries(texts), page=p).keys]
    assert sorted(seen, key=int) == [str(i) for i in range(len(texts))]  # every match on exactly one page


def test_matches_beyond_the_bound_are_reported_not_ranked():
    found = search("x", _entries(["x"] * (MAX_RESULTS + 50)))
    assert found.total == MAX_RESULTS and found.more


def test_queries_keep_a_bounded_number_of_distinct_words():
    assert query_words("a b a c " + " ".join(f"w{i}" for i in range(40))) == ("a", "b", "c", "w0", "w1", "w2",
                                                                             "w3", "w4")[:MAX_WORDS]
    assert len(query_words("x" * 10_000)[0]) == 200


@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_has_no_outer_or_double_spaces(text: str):
    once = normalise(text)
    assert normalise(once) == once and "  " not in once and once == once.strip()


@given(st.lists(st.text(max_size=30), max_size=15), st.text(max_size=20))
def test_every_hit_contains_every_query_word_and_every_miss_lacks_one(texts: list[str], query: str):
    found = search(query, _entries(texts), per_page=len(texts) + 1)
    words = query_words(query)
    hits = set(found.keys)
    for i, text in enumerate(texts):
        matches = bool(words) and all(word in normalise(text) for word in words)
        assert (str(i) in hits) == matches


def test_hostile_texts_and_queries_cost_linear_time():
    query = "a" * 99 + "b " + "a" * 98  # near-misses everywhere in a text of "a"s
    assert_linear(lambda text: search(query, [Entry(text, "0")]), lambda size: "a" * size, 256 * KB)
    many = lambda size: [Entry("ab " * 20, str(i)) for i in range(size // 60)]  # noqa: E731
    assert_linear(lambda text: search("ab ba ab", many(len(text))), lambda size: "x" * size, 128 * KB)
