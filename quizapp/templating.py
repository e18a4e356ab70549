"""Template helpers shared by every page."""

from __future__ import annotations

from flask import Flask

from .core.questions import KINDS


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.globals["KIND_NAMES"] = KINDS
