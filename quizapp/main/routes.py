"""Home page."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..banks import enabled_banks, fact_bank
from ..extensions import db
from . import bp


@bp.get("/")
def index() -> str:
    """What the app teaches and the ways in."""
    banks = [(row, fact_bank(row)) for row in enabled_banks()]
    return render_template("index.html", banks=banks)


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """For load balancers: 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
