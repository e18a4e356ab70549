"""Finding cards and questions by text: matching, ranking and paging, with no regular expressions.

A query is split into words; an entry matches when every word occurs in its text, compared
NFKC-normalised and case-folded with runs of whitespace made one space. Matching uses ``str.__contains__``
(CPython's substring search is linear in the text for the bounded query lengths used here) and never a
user-supplied pattern, so a hostile query costs time linear in the text searched.
Ranking: the whole query as one phrase first, then more words matched at the start of a word, then the
shorter text (the more specific entry), then the order the entries were given in (stable).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200  # characters kept of a query
MAX_WORDS = 8  # words kept of a query
PER_PAGE = 20
MAX_RESULTS = 200  # matches counted and ranked at most; the rest are reported as "more"


def normalise(text: str) -> str:
    """``text`` as compared: NFKC, case-folded, whitespace runs made one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def query_words(query: str) -> tuple[str, ...]:
    """The distinct words of a query (at most :data:`MAX_WORDS`, from its first :data:`MAX_QUERY_LENGTH`
    characters), in order."""
    words: list[str] = []
    for word in normalise(query[:MAX_QUERY_LENGTH]).split(" "):
        if word and word not in words:
            words.append(word)
    return tuple(words[:MAX_WORDS])


@dataclass(frozen=True)
class Entry:
    """Something searchable: ``text`` is what is matched (the visible part, never an answer key)."""

    text: str
    key: str  # what the caller needs to show the entry (an index into its own list)


@dataclass(frozen=True)
class Hit:
    key: str
    rank: tuple[int, int, int, int]


def _word_starts(text: str, word: str) -> bool:
    """True when ``word`` occurs at the start of a word of ``text`` (after a space or non-letter)."""
    start = text.find(word)
    while start != -1:
        if start == 0 or not text[start - 1].isalnum():
            return True
        start = text.find(word, start + 1)
    return False


def match(words: Sequence[str], text: str) -> tuple[int, int] | None:
    """(phrase found, words at a word start) when every word is in the normalised ``text``; else None."""
    if not words or any(word not in text for word in words):
        return None
    phrase = " ".join(words)
    return (1 if len(words) > 1 and phrase in text else 0, sum(_word_starts(text, word) for word in words))


@dataclass(frozen=True)
class Results:
    query: str
    keys: tuple[str, ...]  # this page's entries, best first
    total: int  # matches found, at most MAX_RESULTS
    more: bool  # True when more than MAX_RESULTS matched (only the first ones are ranked)
    page: int
    pages: int


def search(query: str, entries: Iterable[Entry], page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The entries matching ``query``, ranked, one page of them (pages count from 1; out of range: the last)."""
    words = query_words(query)
    hits: list[Hit] = []
    more = False
    if words:
        for position, entry in enumerate(entries):
            text = normalise(entry.text)
            found = match(words, text)
            if found is None:
                continue
            if len(hits) == MAX_RESULTS:
                more = True
                break
            hits.append(Hit(entry.key, (-found[0], -found[1], len(text), position)))
    hits.sort(key=lambda hit: hit.rank)
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(1, page), pages)
    chosen = hits[(page - 1) * per_page:page * per_page]
    return Results(" ".join(words), tuple(hit.key for hit in chosen), len(hits), more, page, pages)
