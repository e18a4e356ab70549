"""Small English helpers for card texts, and citations for people (pure)."""

from __future__ import annotations

import re

from ..bank import Category, FactBank, Source

MAX_BACK_WORDS = 30
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“(])")
# Letters whose name starts with a vowel sound, for "an LLM", "an SQL query".
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")


def word_count(text: str) -> int:
    return len(text.split())


def is_enumeration(text: str) -> bool:
    """True when the text lists more than three things, which a card should not ask for at once."""
    # A list's members are short ("GANs, Diffusion, Transformers, etc."); longer parts are clauses.
    parts = [part.strip() for part in re.split(r",|;|:|\band\b|\bor\b", text) if part.strip()]
    return sum(1 for part in parts if word_count(part) <= 2) > 3


def fits_back(text: str) -> bool:
    """A back a learner can recall: at most :data:`MAX_BACK_WORDS` words and not a list of more than three."""
    return bool(text.strip()) and word_count(text) <= MAX_BACK_WORDS and not is_enumeration(text)


def short_back(text: str) -> str | None:
    """The text, or its first sentence when the whole is too long; None when neither fits on a back."""
    text = " ".join(text.split())
    if fits_back(text):
        return text
    first = _SENTENCE_END_RE.split(text, maxsplit=1)[0]
    return first if first != text and fits_back(first) else None


def cite(bank: FactBank, source: Source) -> str:
    """A citation for learners: "<document title> — <section>" (see :meth:`.lookup.Lookup.cite`)."""
    from .lookup import Lookup

    return Lookup(bank).cite(source)


def join(names: list[str], conjunction: str = "and") -> str:
    if len(names) <= 2:
        return f" {conjunction} ".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """ "Images" -> "images", but "JSON-like documents" and "NVIDIA" stay as they are."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def lower_article(text: str) -> str:
    """ "An LLM (...)" -> "an LLM (...)"; other capitals (names) are kept."""
    for article in ("A ", "An ", "The "):
        if text.startswith(article):
            return article.lower() + text[len(article):]
    return text


def article(noun: str) -> str:
    """ "a" or "an" before ``noun``: "an LLM", "a NoSQL database", "an image model"."""
    word = noun.split()[0] if noun.split() else noun
    if len(word) > 1 and word.isupper():
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def with_article(noun: str) -> str:
    return f"{article(noun)} {noun}"


def plural(word: str) -> str:
    """English plural of the last word of ``word`` ("relational database" -> "relational databases")."""
    head, _, last = word.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last.isupper():
        return f"{prefix}{last}s"
    if last.endswith(("s", "x", "ch", "sh")):
        return f"{prefix}{last}es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    return f"{prefix}{last}s"


def singular(name: str) -> str:
    """ "GANs (Generative Adversarial Networks)" -> "GAN"; "Transformers" -> "Transformer"."""
    short = name.split(" (")[0]
    if short.endswith("s") and not short.endswith("ss") and len(short) > 3:
        return short[:-1]
    return short


_STOPWORDS = {"and", "the", "for", "of", "inc", "ltd"}


def words(text: str) -> set[str]:
    """Distinctive words, singular ("GANs" -> "gan"), without "and", "the", "Inc"..."""
    found = (w.removesuffix("s") if len(w) > 3 else w for w in re.findall(r"\w+", text.casefold()))
    return {w for w in found if len(w) > 2 and w not in _STOPWORDS}


def echoes(name: str, other: str) -> bool:
    """True when ``other`` shares a distinctive word, or a long part of a word, with ``name``.

    "Midjourney" / "Midjourney, Inc.", "StyleGAN" / "GANs", "Stable Diffusion" / "Diffusion".
    """
    name_words, other_words = words(name), words(other)
    if name_words & other_words:
        return True
    return any(len(w) >= 3 and w in n for w in other_words for n in name_words)


def category_line(bank: FactBank, category: Category) -> str:
    """What membership in a category means, subset relation included (see :meth:`.lookup.Lookup.category_line`)."""
    from .lookup import Lookup

    return Lookup(bank).category_line(category)


def mentions_any(label: str, names: list[str], own: str) -> bool:
    """True when the label names one of ``names`` by a distinctive word ("NoSQL" for "NoSQL database").

    Words the category's own name shares ("database") do not count.
    """
    label_words = set(_words(label))
    return any((set(_words(name)) - set(_words(own))) & label_words for name in names)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) > 1]
