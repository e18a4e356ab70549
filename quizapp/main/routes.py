"""Home page."""

from __future__ import annotations

from flask import render_template

from ..banks import enabled_banks, fact_bank
from ..database import health_problems
from . import bp


@bp.get("/")
def index() -> str:
    """What the app teaches and the ways in."""
    banks = [(row, fact_bank(row)) for row in enabled_banks()]
    return render_template("index.html", banks=banks)


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """For load balancers: 200 when the database is reachable, migrated to the head and writable; else 503."""
    problems = health_problems()
    if problems:
        return {"status": "error", **problems}, 503
    return {"status": "ok", "database": "ok", "schema": "ok"}, 200
