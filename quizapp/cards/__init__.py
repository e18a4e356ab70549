"""Flashcards: decks from every bank, FSRS review in the browser, cram mode, statistics, exports."""

from flask import Blueprint

bp = Blueprint("cards", __name__, url_prefix="/cards")

from . import routes  # noqa: E402,F401
