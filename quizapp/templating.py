"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from .core.questions import KINDS
from .core.scheduling import format_interval


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def until(delta: timedelta) -> str:
    """'now' or 'in 3h': how far off something is."""
    return "now" if delta <= timedelta(0) else f"in {format_interval(delta)}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["until"] = until
    app.jinja_env.globals["KIND_NAMES"] = KINDS
