"""Home page."""

from __future__ import annotations

from flask import render_template

from ..banks import enabled_banks, fact_bank
from . import bp


@bp.get("/")
def index() -> str:
    """What the app teaches and the ways in."""
    banks = [(row, fact_bank(row)) for row in enabled_banks()]
    return render_template("index.html", banks=banks)
