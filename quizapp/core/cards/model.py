"""The flashcard value, its stable id and cloze deletions (pure: no Flask, no I/O).

A card id depends only on *what the card is about* (its kind and subject), never on
its position or its wording, so review history stored against an id survives
reordering a bank, adding entries and rewording answers.

Cloze cards use Anki's markup, ``{{c1::BigGAN}} is DeepMind's image model`` (with an
optional hint, ``{{c1::BigGAN::a GAN}}``): every number is one card, which hides the
spans of that number and shows the others. The markup is parsed here by hand
because it is tiny and Anki defines it; genanki only passes it through.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

TOPICS: dict[str, str] = {
    "models": "Models",
    "applications": "Applications",
    "methods": "Training methods",
    "dimensions": "Comparison dimensions",
    "pros_cons": "Strengths and weaknesses",
    "statements": "True or false",
    "faq": "FAQ",
}

MAX_ID_LENGTH = 80
_HASH_LENGTH = 16
# Longest slug kept verbatim: "<slug>:<kind>:<16 hex>" with kind at most 6 characters stays within 80.
_MAX_SLUG_IN_ID = MAX_ID_LENGTH - len(":method:") - _HASH_LENGTH

CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
GAP = "[...]"


@dataclass(frozen=True)
class Flashcard:
    id: str  # stable: bank slug, kind and a hash of the subject; at most 80 characters
    bank: str  # bank slug
    topic: str  # a TOPICS key
    front: str  # plain text (templates escape it); for a cloze card, the text with this card's gap
    back: str  # plain text, may contain "\n" line breaks; for a cloze card, the whole text revealed
    source: str  # human citation: document title and section, never a file name
    subject: str = ""  # what the card is about (a model family, an application...), for interleaving
    cloze: str = ""  # Anki cloze markup of the note this card belongs to ("" for a front/back card)
    cloze_number: int = 0  # which cN of ``cloze`` this card asks
    note: str = ""  # a cloze card's note id (shared by the cards of one cloze text); else the card id

    def __post_init__(self) -> None:
        if not self.note:
            object.__setattr__(self, "note", self.id)

    @property
    def is_cloze(self) -> bool:
        return bool(self.cloze)

    @property
    def answer(self) -> str:
        """What the learner has to recall: the back, or the text of this card's cloze gap(s)."""
        if not self.cloze:
            return self.back
        return " … ".join(text for number, text, _ in cloze_spans(self.cloze) if number == self.cloze_number)

    def back_segments(self) -> list[tuple[str, bool]]:
        """The back as (text, is_the_answer) pieces, so a view can highlight what the gap hid."""
        if not self.cloze:
            return [(self.back, False)]
        pieces: list[tuple[str, bool]] = []
        last = 0
        for match in CLOZE_RE.finditer(self.cloze):
            pieces.append((self.cloze[last:match.start()], False))
            pieces.append((match.group(2), int(match.group(1)) == self.cloze_number))
            last = match.end()
        pieces.append((self.cloze[last:], False))
        return [(text, hit) for text, hit in pieces if text]


def subject_key(text: str) -> str:
    """The normalised subject a card id hashes: casefolded, runs of whitespace as one space.

    Whitespace is normalised because YAML folding (``>-``) can change line breaks
    without changing the text a learner reads.
    """
    return " ".join(text.split()).casefold()


def card_id(bank_slug: str, kind: str, subject: str) -> str:
    """``<slug>:<kind>:<first 16 hex digits of sha256(subject_key)>``, at most 80 characters.

    A slug too long to fit is shortened and given a hash of the full slug, so ids of different banks stay apart.
    """
    if len(kind) > 6:
        raise ValueError(f"card id kind {kind!r} is longer than 6 characters")
    digest = hashlib.sha256(subject_key(subject).encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    slug = bank_slug
    if len(slug) > _MAX_SLUG_IN_ID:
        slug_hash = hashlib.sha256(bank_slug.encode("utf-8")).hexdigest()[:8]
        slug = f"{bank_slug[:_MAX_SLUG_IN_ID - 9]}-{slug_hash}"
    return f"{slug}:{kind}:{digest}"


# -- cloze ---------------------------------------------------------------------------
def cloze_spans(markup: str) -> list[tuple[int, str, str]]:
    """Every ``{{cN::text::hint}}`` of the markup as (N, text, hint), in order."""
    return [(int(m.group(1)), m.group(2), m.group(3) or "") for m in CLOZE_RE.finditer(markup)]


def cloze_numbers(markup: str) -> list[int]:
    """The distinct cloze numbers, ascending: one card each."""
    return sorted({number for number, _, _ in cloze_spans(markup)})


def cloze_front(markup: str, number: int) -> str:
    """The text with card ``number``'s spans as ``[...]`` (or ``[hint]``) and every other span shown."""
    def shown(match: re.Match[str]) -> str:
        if int(match.group(1)) == number:
            return f"[{match.group(3)}]" if match.group(3) else GAP
        return match.group(2)
    return CLOZE_RE.sub(shown, markup)


def cloze_text(markup: str) -> str:
    """The text with every span revealed."""
    return CLOZE_RE.sub(lambda m: m.group(2), markup)


def is_cloze(text: str) -> bool:
    return CLOZE_RE.search(text) is not None
