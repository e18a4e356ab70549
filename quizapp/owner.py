"""Who is acting: a signed-in user, or a guest known by a random token in their session.

Guests' quiz attempts and flashcard reviews carry the token; registering (or
logging in) in the same session hands them to the account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import session
from flask_login import current_user
from sqlalchemy import ColumnElement, bindparam, false

GUEST_KEY = "guest_token"


@dataclass(frozen=True)
class Owner:
    user_id: int | None
    guest_token: str | None

    def owns(self, row: Any) -> bool:
        """True when a row with ``user_id``/``guest_token`` columns belongs to this owner."""
        if row.user_id is not None:
            return row.user_id == self.user_id
        return self.guest_token is not None and row.guest_token == self.guest_token

    def filter(self, model: Any) -> ColumnElement[bool]:
        """A WHERE clause selecting this owner's rows of ``model``."""
        if self.user_id is not None:
            return model.user_id == self.user_id
        if self.guest_token is not None:
            return model.guest_token == self.guest_token
        return false()

    @property
    def by_user(self) -> bool:
        return self.user_id is not None

    @property
    def key(self) -> int | str | None:
        """The value of :func:`owned_by`'s ``owner`` parameter: the user id, else the guest token (None: no row)."""
        return self.user_id if self.user_id is not None else self.guest_token

    def columns(self) -> dict[str, Any]:
        """The ``user_id``/``guest_token`` values for a new row."""
        return {"user_id": self.user_id, "guest_token": None if self.user_id else self.guest_token}


def owned_by(model: Any, by_user: bool) -> ColumnElement[bool]:
    """``filter`` for a statement built once: the owner is the bound parameter ``owner`` (give it ``Owner.key``).

    Building a statement costs a page more than SQLite takes to run it (0.1-0.2 ms of CPU each), so the
    pages' frequent statements are built once per kind of owner and run with parameters.
    """
    return (model.user_id if by_user else model.guest_token) == bindparam("owner")


def current_owner(create_guest: bool = False) -> Owner:
    """The signed-in user, or this browser session's guest token (made on first need)."""
    if current_user.is_authenticated:
        return Owner(current_user.id, None)
    if create_guest and GUEST_KEY not in session:
        session[GUEST_KEY] = secrets.token_urlsafe(24)
    return Owner(None, session.get(GUEST_KEY))
