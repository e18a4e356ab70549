"""Template helpers shared by every page."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import markdown
import nh3
from flask import Flask, request, url_for
from markupsafe import Markup, escape

from .core.imported import ImportedQuestion
from .core.imported_quiz import stored_question
from .core.questions import KINDS
from .core.responses.registry import (
    IMPORTED_KINDS,
    answer_feedback,
    imported_type,
    key_of,
    response_text,
    right_answer_text,
)
from .core.scheduling import format_interval
from .quiz.responses import response_partial


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def until(delta: timedelta) -> str:
    """'now' or 'in 3h': how far off something is."""
    return "now" if delta <= timedelta(0) else f"in {format_interval(delta)}"


def rich(text: str, text_format: str = "plain") -> Markup:
    """Render question text from an imported bank safely.

    HTML (GIFT's default "moodle" and "html" formats) and Markdown are
    sanitised with nh3, so a bank can format text but never run script; plain
    text is escaped with its line breaks kept.
    """
    if text_format == "markdown":
        text, text_format = markdown.markdown(text), "html"
    if text_format in ("html", "moodle"):
        return Markup(nh3.clean(text).replace("\n", "<br>"))  # noqa: S704 - sanitised just above
    return Markup("<br>".join(escape(line) for line in text.split("\n")))  # noqa: S704 - escaped


def imported_summary(question: ImportedQuestion) -> tuple[str, str]:
    """An imported question's kind in words and its right answer, for the instructor's question lists.

    Questions no response type answers (essay, description) show their Moodle type and no answer.
    """
    found = imported_type(question)
    if found is None:
        return question.qtype, ""
    return IMPORTED_KINDS[found[1]], right_answer_text(stored_question(question, random.Random(0), False, ""))


# What results and progress pages call a kind. A generated and an imported kind may share a name
# ("multiple", "truefalse"): the generated kind's label ("Select all that apply") fits both.
KIND_NAMES: dict[str, str] = {**IMPORTED_KINDS, **KINDS}


# Layout links kept, at most: the layout's 14 for each of a few script roots (the server's SCRIPT_NAME).
MAX_LAYOUT_URLS = 256


def _layout_url_builder() -> Callable[..., str]:
    """``url_for`` for the site layout's fixed links (stylesheet, scripts, menu), built once per script root and
    kept: they are the same on every page, and their eleven ``url_for`` calls were 5 % of the Python calls of the
    cheapest page (benchmarks/README.md). Links with values that vary use ``url_for``."""
    urls: dict[tuple[str, str, str | None], str] = {}

    def layout_url(endpoint: str, filename: str | None = None) -> str:
        key = (request.script_root, endpoint, filename)
        url = urls.get(key)
        if url is None:
            url = url_for(endpoint, filename=filename) if filename is not None else url_for(endpoint)
            if len(urls) < MAX_LAYOUT_URLS:
                urls[key] = url
        return url

    return layout_url


def init_app(app: Flask) -> None:
    app.jinja_env.globals["layout_url"] = _layout_url_builder()  # one cache per app: apps may differ in routes
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["until"] = until
    app.jinja_env.globals["KIND_NAMES"] = KIND_NAMES
    app.jinja_env.filters["rich"] = rich
    app.jinja_env.globals.update(response_text=response_text, right_answer_text=right_answer_text,
                                 answer_feedback=answer_feedback, response_key=key_of,
                                 response_partial=response_partial, imported_summary=imported_summary)
