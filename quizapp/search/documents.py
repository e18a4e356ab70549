"""What a user can search: the cards and question texts of the banks they may see, never an answer key.

* everyone (guests too): the enabled fact banks' flashcards (front and back: a card's back is study
  material) and the prompts of the questions they generate;
* a learner also: the question texts of imported banks they took an assignment from;
* an instructor also: the question texts of every bank they may view (quizapp.instructor.access:
  site banks, shared banks and their own private ones), enabled or not, deleted ones excepted.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import markdown
import nh3
from flask_login import current_user
from sqlalchemy import or_, select

from ..banks import enabled_banks, fact_bank, imported_questions
from ..cards.service import deck_cards
from ..core.generators import question_pool
from ..core.imported import ImportedQuestion
from ..extensions import db
from ..models import SHARED, Bank, QuizAttempt

POOL_SEED = 1  # the generated questions' wording does not depend on the seed, only their order and options


@dataclass(frozen=True)
class Document:
    kind: str  # "card", "question" (generated) or "imported"
    bank_slug: str
    bank_title: str
    text: str  # what is shown and matched: a card's front, a question's prompt
    detail: str = ""  # a card's back (study material); empty for questions, whose keys are never shown


_cache: dict[tuple[str, str], tuple[Document, ...]] = {}


def plain_text(question: ImportedQuestion) -> str:
    """An imported question's text without markup (nh3 drops every tag; entities are decoded)."""
    text = question.text
    if question.text_format == "markdown":
        text = markdown.markdown(text)
    if question.text_format in ("html", "moodle", "markdown"):
        text = html.unescape(nh3.clean(text, tags=set()))
    return " ".join(text.split())


def _bank_documents(row: Bank) -> tuple[Document, ...]:
    """Every searchable text of a bank, derived once per bank version (keyed by content hash)."""
    key = (row.content_hash, row.slug)
    found = _cache.get(key)
    if found is not None:
        return found
    docs: list[Document] = []
    if row.is_factbank:
        docs += [Document("card", row.slug, row.title, card.front, card.back) for card in deck_cards(row)]
        seen: set[str] = set()
        for questions in question_pool(fact_bank(row), POOL_SEED).values():
            for question in questions:
                if question.prompt not in seen:
                    seen.add(question.prompt)
                    docs.append(Document("question", row.slug, row.title, question.prompt))
    else:
        docs += [Document("imported", row.slug, row.title, text)
                 for text in dict.fromkeys(plain_text(q) for q in imported_questions(row)) if text]
    if len(_cache) >= 64:
        _cache.clear()
    found = _cache[key] = tuple(docs)
    return found


def visible_banks() -> list[Bank]:
    """The banks whose texts the current user (or guest) may search, in title order."""
    banks = {row.id: row for row in enabled_banks()}
    if current_user.is_authenticated and current_user.is_instructor:
        query = select(Bank).where(Bank.deleted_at.is_(None), or_(
            Bank.owner_id == current_user.id, Bank.owner_id.is_(None), Bank.visibility == SHARED))
        banks.update((row.id, row) for row in db.session.execute(query).scalars())
    elif current_user.is_authenticated:
        taken = select(QuizAttempt.bank_id).where(QuizAttempt.user_id == current_user.id,
                                                  QuizAttempt.assignment_id.is_not(None))
        query = select(Bank).where(Bank.deleted_at.is_(None), Bank.id.in_(taken))
        banks.update((row.id, row) for row in db.session.execute(query).scalars())
    return sorted(banks.values(), key=lambda row: (row.title, row.slug))


def searchable() -> list[Document]:
    return [doc for row in visible_banks() for doc in _bank_documents(row)]
