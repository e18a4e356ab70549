"""Gathering a learner's review history for the statistics page (the figures are computed in core.card_stats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from ..banks import BankRef, enabled_banks
from ..core.bar_chart import bar_chart_svg
from ..core.card_stats import (
    card_counts,
    due_forecast,
    retention_percent,
    reviews_per_day,
    true_retention_by_week,
)
from ..extensions import db
from ..models import Bank, CardState, ReviewLog, User
from ..owner import Owner
from .service import deck_cards, settings_for, to_progress

HISTORY_DAYS = 60


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def stats_context(owner: Owner, user: User | None, now: datetime, bank: Bank | BankRef | None = None) -> dict[str, Any]:
    """Charts and counts for the statistics page: one deck's, or (``bank`` None) across every enabled deck."""
    settings = settings_for(user)
    state_filter = [owner.filter(CardState)] + ([CardState.bank_id == bank.id] if bank else [])
    log_filter = [owner.filter(ReviewLog)] + ([ReviewLog.bank_id == bank.id] if bank else [])
    states = [to_progress(row) for row in db.session.execute(select(CardState).where(*state_filter)).scalars()]
    since = (now.astimezone(UTC) - timedelta(days=HISTORY_DAYS)).replace(tzinfo=None)
    logs = db.session.execute(select(ReviewLog.reviewed_at, ReviewLog.rating, ReviewLog.state_before).where(
        *log_filter, ReviewLog.reviewed_at >= since)).all()
    total = len(deck_cards(bank)) if bank else sum(len(deck_cards(row)) for row in enabled_banks())
    forecast = due_forecast([s.due for s in states], now, settings)
    per_day = reviews_per_day([_utc(t) for t, _, _ in logs], now, settings)
    retention = true_retention_by_week(
        [(_utc(t), rating, before.get("state") if before else None) for t, rating, before in logs], now, settings)
    # Weeks before the first measured review say nothing; with none measured the page says so in words.
    first = next((i for i, (_, _, count) in enumerate(retention) if count), len(retention))
    scope = f" in {bank.title}" if bank else ""
    # Markup: the SVG comes from core.bar_chart, which escapes every label it embeds.
    return {
        "bank": bank,
        "decks": enabled_banks(),
        "counts": card_counts(states, total),
        "forecast_chart": Markup(bar_chart_svg(  # noqa: S704
            [(d.strftime("%d %b"), n) for d, n in forecast], f"Cards due per day{scope}, next 30 days", "cards")),
        "reviews_chart": Markup(bar_chart_svg(  # noqa: S704
            [(d.strftime("%d %b"), n) for d, n in per_day], f"Reviews per day{scope}, last 30 days", "reviews")),
        "retention": [(week, passed, count, retention_percent(passed, count))
                      for week, passed, count in retention[first:]],
        "reviewed_total": len(logs),
    }
