"""The order new cards are introduced in: interleaved, and fixed per learner (pure).

Cards about one thing (a model family, an application, a method) never come one after
another while other cards are left, so a learner meets Dall-E's category, then an
application, then a method, rather than every Dall-E card in a row; topics mix too.
The shuffle is seeded by the learner and the deck, so a learner's order is stable
from day to day (the queue takes the first new cards of it) while learners differ.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from .model import Flashcard


def learner_seed(learner: str, deck: str) -> int:
    """A seed from the learner's key and the deck's slug (sha256, so it does not vary between runs)."""
    return int.from_bytes(hashlib.sha256(f"{learner}\x00{deck}".encode()).digest()[:8], "big")


def interleaved(cards: Sequence[Flashcard], learner: str) -> list[Flashcard]:
    """The cards in this learner's order: subjects shuffled, then one card of each subject in turn.

    Linear in the number of cards. Every card appears once; two cards of the same subject
    are adjacent only when no other subject has cards left.
    """
    rng = random.Random(learner_seed(learner, cards[0].bank if cards else ""))
    groups: dict[str, list[Flashcard]] = {}
    for card in cards:
        groups.setdefault(card.subject or card.id, []).append(card)
    rounds = list(groups.values())
    for group in rounds:
        rng.shuffle(group)
    rng.shuffle(rounds)
    out: list[Flashcard] = []
    depth = 0
    while len(out) < len(cards):
        out.extend(group[depth] for group in rounds if depth < len(group))
        depth += 1
    return out
