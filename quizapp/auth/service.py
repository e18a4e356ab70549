"""What an account takes over from the guest session it was made or used in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from ..cards.service import claim_guest_cards
from ..extensions import db
from ..owner import GUEST_KEY
from ..quiz.service import claim_guest_attempts


@dataclass(frozen=True)
class Adopted:
    attempts: int = 0
    cards: int = 0


def adopt_guest_work(user_id: int) -> Adopted:
    """Move this session's guest quizzes and flashcard progress to the account, in one transaction."""
    token = session.pop(GUEST_KEY, None)
    if not token:
        return Adopted()
    adopted = Adopted(claim_guest_attempts(token, user_id), claim_guest_cards(token, user_id))
    db.session.commit()
    return adopted
