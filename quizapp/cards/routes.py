"""Flashcard views: deck list, deck page, review, cram, statistics, settings and exports."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..banks import BankRef, enabled_banks, fact_bank, fact_bank_ref
from ..core.cards import TOPICS, cards_by_topic, topic_titles
from ..core.deck_export import deck_csv, write_apkg
from ..core.scheduling import format_interval, next_due, preview_intervals
from ..extensions import db
from ..models import User
from ..owner import current_owner
from . import bp
from .forms import CardSettingsForm, RateForm, UndoForm
from .service import (
    ReviewConflict,
    deck_cards,
    load_deck,
    rate,
    session_summary,
    undo_last,
    utc_now,
)
from .stats import stats_context


def _bank(slug: str) -> BankRef:
    bank = fact_bank_ref(slug)
    if bank is None:
        abort(404, description=f"There is no deck '{slug}'.")
    return bank


def _topics(values: list[str]) -> list[str]:
    """The chosen sub-decks; an unknown topic is a tampered URL."""
    unknown = [t for t in values if t not in TOPICS]
    if unknown:
        abort(400, description=f"Unknown sub-deck '{unknown[0]}'. Choose from: {', '.join(TOPICS)}.")
    return values


def _user() -> User | None:
    return current_user if current_user.is_authenticated else None


def _since_key(slug: str) -> str:
    return f"review_since:{slug}"


@bp.get("/")
def index() -> str:
    """Every deck with its counts of new, learning and due cards."""
    owner, now = current_owner(), utc_now()
    decks = [(bank, load_deck(owner, bank, [], _user(), now)) for bank in enabled_banks()]
    return render_template("cards/index.html", decks=decks)


@bp.get("/<slug>")
def deck(slug: str) -> str:
    """A deck: its sub-decks to pick, review and cram links, exports."""
    bank = _bank(slug)
    topics = cards_by_topic(deck_cards(bank))
    loaded = load_deck(current_owner(), bank, [], _user(), utc_now())
    return render_template("cards/deck.html", bank=bank, topics=topics, topic_names=topic_titles(fact_bank(bank)),
                           deck=loaded)


@bp.get("/<slug>/review")
def review(slug: str) -> str:
    """The card at the head of the queue: front, then (after Show answer) back and the four ratings."""
    bank = _bank(slug)
    topics = _topics(request.args.getlist("topic"))
    # A guest gets a token on the first card shown: the new-card order is theirs, and the rating posted
    # next must find the same card at the head of the queue.
    owner, now = current_owner(create_guest=True), utc_now()
    since = datetime.fromisoformat(session.setdefault(_since_key(slug), now.isoformat()))
    deck = load_deck(owner, bank, topics, _user(), now, since)
    card = deck.current
    if card is None:
        session.pop(_since_key(slug))
        upcoming = next_due(deck.progress[c] for c in deck.cards if c in deck.progress)
        return render_template("cards/done.html", bank=bank, topics=topics, summary=session_summary(owner, bank, since),
                               upcoming=upcoming, now=now)
    shown = request.args.get("show") == card.id
    intervals = {r: format_interval(d) for r, d in preview_intervals(deck.progress.get(card.id), now,
                                                                      deck.settings).items()}
    new, learning, due = deck.queue.counts
    # The rating and undo forms are plain inputs in the template (RateForm and UndoForm validate the posts).
    return render_template("cards/review.html", bank=bank, topics=topics, card=card, shown=shown,
                           shown_at=int(now.timestamp() * 1000), intervals=intervals,
                           counts={"new": new, "learning": learning, "due": due},
                           undo=deck.logged.rated_since > 0,
                           topic_names=topic_titles(fact_bank(bank)))


@bp.post("/<slug>/review")
def rate_card(slug: str) -> Response:
    """Record a rating for the card due now; a stale or replayed form changes nothing."""
    bank = _bank(slug)
    topics = _topics(request.form.getlist("topic"))
    form = RateForm()
    if not form.validate():
        abort(400, description="; ".join(e for errors in form.errors.values() for e in errors))
    owner, now = current_owner(create_guest=True), utc_now()
    deck = load_deck(owner, bank, topics, _user(), now)
    duration = None
    if (form.shown_at.data or "").isdigit():
        duration = int(now.timestamp() * 1000) - int(form.shown_at.data)
    try:
        rate(owner, deck, form.card_id.data, form.rating.data, now, duration)
    except ReviewConflict as exc:
        abort(409, description=str(exc))
    return redirect(url_for("cards.review", slug=slug, topic=topics))


@bp.post("/<slug>/undo")
def undo(slug: str) -> Response:
    """Undo the newest rating in this deck."""
    bank = _bank(slug)
    if not UndoForm().validate_on_submit():
        abort(400, description="The undo form was not valid.")
    topics = _topics(request.form.getlist("topic"))
    card_id = undo_last(current_owner(), bank)
    flash("Last rating undone." if card_id else "There is no rating to undo.", "info")
    return redirect(url_for("cards.review", slug=slug, topic=topics))


@bp.get("/<slug>/cram")
def cram(slug: str) -> str:
    """Go through a deck in order without touching the schedule."""
    bank = _bank(slug)
    topics = _topics(request.args.getlist("topic"))
    cards = [c for c in deck_cards(bank) if not topics or c.topic in topics]
    index = request.args.get("i", "0")
    if not index.isdigit() or not cards or int(index) >= len(cards):
        abort(404, description="There is no such card in this deck.")
    position = int(index)
    return render_template("cards/cram.html", bank=bank, topics=topics, card=cards[position], position=position,
                           total=len(cards), shown=request.args.get("show") == "1",
                           topic_names=topic_titles(fact_bank(bank)))


@bp.get("/<slug>/export.<fmt>")
def export(slug: str, fmt: str) -> Response:
    """Download the deck (or the chosen sub-decks) for Anki (.apkg) or as tab-separated text (.tsv)."""
    bank = _bank(slug)
    topics = _topics(request.args.getlist("topic"))
    if fmt == "csv":  # the name of the tab-separated export before it was called what it is
        return redirect(url_for("cards.export", slug=slug, fmt="tsv", topic=topics), 301)
    cards = [c for c in deck_cards(bank) if not topics or c.topic in topics]
    if fmt == "tsv":
        return Response(deck_csv(cards), mimetype="text/tab-separated-values",
                        headers={"Content-Disposition": f'attachment; filename="{slug}.tsv"'})
    if fmt != "apkg":
        abort(404, description="Decks export as .apkg or .tsv.")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug}.apkg"
        write_apkg(cards, bank.title, slug, path, topic_names=topic_titles(fact_bank(bank)))
        data = path.read_bytes()
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.apkg"'})


@bp.get("/stats")
def stats() -> str:
    """Due forecast, reviews per day, true retention per week and card counts: overall, or ``?deck=<slug>``."""
    slug = request.args.get("deck", "")
    bank = _bank(slug) if slug else None
    return render_template("cards/stats.html", **stats_context(current_owner(), _user(), utc_now(), bank))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    form = CardSettingsForm(obj=current_user)
    if form.validate_on_submit():
        for name in ("new_per_day", "reviews_per_day", "rollover_hour", "timezone", "learning_steps",
                     "relearning_steps", "desired_retention"):
            setattr(current_user, name, form[name].data)
        db.session.commit()
        flash("Flashcard settings saved.", "success")
        return redirect(url_for("cards.settings"))
    return render_template("cards/settings.html", form=form)
