"""The search page: ``/search?q=...&page=N``, a plain GET form that works without JavaScript."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..banks import enabled_banks
from ..core.search import MAX_QUERY_LENGTH, Entry, search
from . import bp
from .documents import searchable


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 6 else 1


@bp.get("/search")
def results() -> str:
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    documents = searchable() if query.strip() else []
    found = search(query, (Entry(doc.text + " " + doc.detail, str(i)) for i, doc in enumerate(documents)),
                   _page_number())
    hits = [documents[int(key)] for key in found.keys]
    instructor = current_user.is_authenticated and current_user.is_instructor
    # An instructor also finds disabled banks' texts; those link to the bank's instructor page, not the deck.
    learner_banks = {row.slug for row in enabled_banks()}
    return render_template("search/results.html", query=query, found=found, hits=hits, instructor=instructor,
                           learner_banks=learner_banks)
