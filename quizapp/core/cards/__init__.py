"""Flashcards derived from fact banks (pure: no Flask, no I/O).

* :mod:`.model`: the :class:`Flashcard`, its stable id and Anki cloze markup;
* :mod:`.derive`: the cards of a bank, one fact a card;
* :mod:`.subjects`: models, with families of versions asked about once;
* :mod:`.order`: the interleaved, per-learner order of new cards;
* :mod:`.lookup`: the bank's entries by id, so deriving stays linear;
* :mod:`.wording`: English helpers, back-length rules and citations for people.
"""

from .derive import cards_by_topic, derive_cards, topic_titles
from .model import TOPICS, Flashcard, card_id, cloze_front, cloze_numbers, cloze_spans, cloze_text, subject_key
from .order import interleaved, learner_seed
from .wording import MAX_BACK_WORDS, category_line, cite, is_enumeration, word_count

__all__ = [
    "MAX_BACK_WORDS", "TOPICS", "Flashcard", "card_id", "cards_by_topic", "category_line", "cite", "cloze_front",
    "cloze_numbers", "cloze_spans", "cloze_text", "derive_cards", "interleaved", "is_enumeration", "learner_seed",
    "subject_key", "topic_titles", "word_count",
]
