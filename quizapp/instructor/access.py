"""Who may see instructor pages, and which banks an instructor may see and change.

Banks among instructors: a site bank (loaded from the command line, no owner) is seen by every
instructor and changed by none in the browser; an uploaded bank is *private* (its owner only) or
*shared* (every instructor may view, export and assign it), chosen at upload and changeable by its
owner. Only the owner changes it (new version, enable/disable, delete, visibility). A bank an
instructor may not see is a 404 on every bank route, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from ..models import Assignment, Bank


def instructor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Log in first; learners get a 403 page, not the instructor page."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_instructor:
            abort(403, description="This page is for instructors.")
        return view(*args, **kwargs)

    return wrapped


def can_view(bank: Bank) -> bool:
    """Site banks and shared banks are every instructor's to view, export and assign; private ones the owner's."""
    return bank.is_shared or bank.owner_id == current_user.id


def can_manage(bank: Bank) -> bool:
    """An instructor manages their own banks; site banks (loaded from the command line) are read-only."""
    return bank.owner_id is not None and bank.owner_id == current_user.id


def require_own_bank(bank: Bank | None) -> Bank:
    if bank is None or bank.deleted_at is not None or not can_view(bank):
        abort(404, description="There is no such question bank.")
    if not can_manage(bank):
        abort(403, description="Only the instructor who loaded this bank can change it.")
    return bank


def require_own_assignment(assignment: Assignment | None) -> Assignment:
    if assignment is None or assignment.deleted_at is not None:
        abort(404, description="There is no such assignment (it may have been deleted).")
    if assignment.instructor_id != current_user.id:
        abort(403, description="Only the instructor who set this assignment can see its results.")
    return assignment
