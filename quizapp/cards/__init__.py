"""Flashcards (spaced repetition arrives with its own issue; this is the landing page)."""

from flask import Blueprint, render_template

bp = Blueprint("cards", __name__, url_prefix="/cards")


@bp.get("/")
def index() -> str:
    """Tell learners flashcards are coming and send them to a quiz meanwhile."""
    return render_template("cards/index.html")
