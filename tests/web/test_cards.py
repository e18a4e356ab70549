"""Flashcard review through the real app and SQLite, with a controlled clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, null, select

from quizapp.cards.service import deck_state, session_summary
from quizapp.core.scheduling import CardProgress, SchedulerSettings
from quizapp.extensions import db
from quizapp.models import Bank, CardState, ReviewLog, User
from quizapp.owner import Owner
from tests.conftest import DEFAULT_BANK, AuthActions

DECK = "/cards/llm-vs-genai"
CARD_ID_RE = re.compile(r'name="card_id" type="hidden" value="([^"]+)"')


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    monkeypatch.setattr("quizapp.cards.routes.utc_now", clock)
    return clock


def counts(html: str) -> tuple[int, int, int]:
    block = re.search(r'id="review-counts".*?</p>', html, re.S).group(0)
    return tuple(int(n) for n in re.findall(r"<strong>(\d+)</strong>", block))


def current_card(client: FlaskClient, query: str = "") -> tuple[str, str]:
    html = client.get(f"{DECK}/review{query}").get_data(as_text=True)
    return CARD_ID_RE.search(html).group(1), html


def rate(client: FlaskClient, rating: int, query: str = "", topics: tuple[str, ...] = ()):
    card_id, _ = current_card(client, query)
    return card_id, client.post(f"{DECK}/review", data={"card_id": card_id, "rating": str(rating),
                                                         "shown_at": "0", "topic": list(topics)})


def table_count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(model.id))).scalar_one()


def test_deck_pages_list_sub_decks_and_exports(client: FlaskClient):
    html = client.get("/cards/").get_data(as_text=True)
    assert "LLMs vs Generative AI" in html and "20 new" in html
    deck = client.get(DECK).get_data(as_text=True)
    for topic in ("models", "applications", "methods", "dimensions", "pros_cons", "faq"):
        assert f'value="{topic}"' in deck
    assert "export.apkg" in deck and "export.tsv" in deck and "export.csv" not in deck


def test_review_shows_front_then_back_with_intervals(client: FlaskClient, clock: Clock):
    card_id, html = current_card(client)
    assert counts(html) == (20, 0, 0)
    assert 'id="card-back" hidden' in html  # without JS the back waits for "Show answer"
    shown = client.get(f"{DECK}/review?show={card_id}").get_data(as_text=True)
    assert 'id="card-back" hidden' not in shown
    intervals = re.findall(r'class="rate-interval">([^<]+)<', shown)
    assert intervals[:3] == ["1m", "6m", "10m"] and intervals[3].endswith("d")  # Anki's learning steps
    assert "Source:" in shown


def test_rating_moves_a_card_and_logs_the_review(app: Flask, client: FlaskClient, clock: Clock):
    card_id, response = rate(client, 3)
    assert response.status_code == 302
    _, html = current_card(client)
    assert counts(html) == (19, 1, 0)
    with app.app_context():
        state = db.session.execute(select(CardState)).scalar_one()
        log = db.session.execute(select(ReviewLog)).scalar_one()
    assert state.card_id == card_id and state.state == 1 and state.guest_token and state.user_id is None
    assert state.due == datetime(2026, 3, 2, 12, 10)  # second learning step: 10 minutes
    assert log.rating == 3 and log.state_before is None and log.state_after["state"] == 1
    assert log.duration_ms == 60_000  # shown_at=0 is clamped to Anki's 60 s maximum


def test_good_graduates_through_learning_steps_into_review(app: Flask, client: FlaskClient, clock: Clock):
    first, _ = rate(client, 3)
    clock.advance(minutes=10)
    card_id, _ = current_card(client)
    assert card_id == first  # a due learning card comes before new ones
    rate(client, 3)
    with app.app_context():
        state = db.session.execute(select(CardState).filter_by(card_id=first)).scalar_one()
    assert state.state == 2 and state.due >= datetime(2026, 3, 3, 12, 10)
    clock.advance(days=60)
    _, html = current_card(client)
    assert counts(html)[2] == 1  # due again, in the review queue


def test_replayed_or_stale_rating_is_rejected(app: Flask, client: FlaskClient, clock: Clock):
    card_id, _ = rate(client, 3)
    replay = client.post(f"{DECK}/review", data={"card_id": card_id, "rating": "3", "shown_at": "0"})
    assert replay.status_code == 409
    for bad in ({"card_id": "nope", "rating": "3"}, {"card_id": card_id, "rating": "5"}, {"rating": "1"}):
        assert client.post(f"{DECK}/review", data=bad).status_code in (400, 409)
    assert table_count(app, ReviewLog) == 1
    assert client.get(f"{DECK}/review?topic=bogus").status_code == 400
    assert client.get("/cards/unknown/review").status_code == 404


def test_undo_restores_the_previous_state_and_removes_the_log(app: Flask, client: FlaskClient, clock: Clock):
    first, _ = rate(client, 3)
    clock.advance(minutes=10)
    rate(client, 1)  # the same card, Again from its learning step
    with app.app_context():
        before = db.session.execute(select(CardState).filter_by(card_id=first)).scalar_one().due
    assert client.post(f"{DECK}/undo").status_code == 302
    with app.app_context():
        state = db.session.execute(select(CardState).filter_by(card_id=first)).scalar_one()
        assert state.due == datetime(2026, 3, 2, 12, 10) != before
    assert table_count(app, ReviewLog) == 1
    client.post(f"{DECK}/undo")  # undoing the first rating makes the card new again
    assert table_count(app, CardState) == 0 and table_count(app, ReviewLog) == 0
    _, html = current_card(client)
    assert counts(html) == (20, 0, 0)


def test_new_card_limit_and_empty_state_with_summary(app: Flask, client: FlaskClient, clock: Clock):
    AuthActions(client).register("ada")
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        user.new_per_day = 2
        db.session.commit()
    _, html = current_card(client)
    assert counts(html) == (2, 0, 0)
    rate(client, 4)
    rate(client, 4)  # Easy graduates straight to review, days away
    done = client.get(f"{DECK}/review").get_data(as_text=True)
    assert "Session complete" in done and "Cards reviewed" in done and "The next card in this deck is due" in done
    clock.advance(days=1)
    _, html = current_card(client)
    assert counts(html)[0] == 2  # a new study day brings new cards again


def test_day_rolls_over_at_the_users_hour_in_their_time_zone(app: Flask, client: FlaskClient, clock: Clock):
    AuthActions(client).register("ada")
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        user.new_per_day, user.timezone, user.rollover_hour = 1, "America/New_York", 4
        db.session.commit()
    clock.now = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 03:30 in New York: still the study day of 1 March
    rate(client, 4)
    page = client.get(f"{DECK}/review").get_data(as_text=True)
    assert CARD_ID_RE.search(page) is None and "Session complete" in page
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 04:00 in New York: a new study day
    _, html = current_card(client)
    assert counts(html)[0] == 1


def test_cram_goes_through_a_deck_without_touching_the_schedule(app: Flask, client: FlaskClient):
    page = client.get(f"{DECK}/cram?topic=faq&i=0").get_data(as_text=True)
    assert "card 1 of" in page and "Next card" in page
    assert client.get(f"{DECK}/cram?topic=faq&i=999").status_code == 404
    assert table_count(app, CardState) == 0 and table_count(app, ReviewLog) == 0


def test_guest_reviews_are_kept_when_registering(app: Flask, client: FlaskClient, clock: Clock):
    rate(client, 3)
    rate(client, 3)
    AuthActions(client).register("grace")
    with app.app_context():
        user_id = db.session.execute(select(User.id)).scalar_one()
        owners = db.session.execute(select(CardState.user_id, CardState.guest_token)).all()
        logs = db.session.execute(select(ReviewLog.user_id)).scalars().all()
    assert owners == [(user_id, None), (user_id, None)] and logs == [user_id, user_id]
    _, html = current_card(client)
    assert counts(html)[0] == 18


def test_card_progress_survives_a_bank_reload_with_unrelated_edits(app: Flask, client: FlaskClient, clock: Clock):
    from quizapp.banks import store_bank

    card_id, _ = rate(client, 3)
    text = DEFAULT_BANK.read_text().replace("title: LLMs vs Generative AI", "title: LLMs vs GenAI (edited)", 1)
    with app.app_context():
        assert store_bank(text, "llm-vs-genai.yaml").status == "updated"
    clock.advance(minutes=10)
    again, html = current_card(client)
    assert again == card_id and counts(html)[1] == 1


def test_settings_require_login_and_validate(app: Flask, client: FlaskClient):
    assert client.get("/cards/settings").status_code == 302
    AuthActions(client).register("ada")
    bad = client.post("/cards/settings", data={"new_per_day": "-1", "reviews_per_day": "10", "rollover_hour": "25",
                                              "timezone": "Mars/Base", "learning_steps": "1x",
                                              "relearning_steps": "", "desired_retention": "0.99"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Not a valid choice" in html and "1x&#39; is not a step like" in html
    assert "Desired retention must be from 0.70 to 0.97." in html
    ok = client.post("/cards/settings", data={"new_per_day": "5", "reviews_per_day": "50", "rollover_hour": "3",
                                             "timezone": "Europe/Paris", "learning_steps": "2m 15m 1h",
                                             "relearning_steps": "5m", "desired_retention": "0.85"})
    assert ok.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert (user.new_per_day, user.reviews_per_day, user.rollover_hour, user.timezone) == (5, 50, 3, "Europe/Paris")
        assert (user.learning_steps, user.relearning_steps) == ("2m 15m 1h", "5m")
        assert user.desired_retention == pytest.approx(0.85)


def test_desired_retention_defaults_to_090_explained_and_shortens_intervals(app: Flask, client: FlaskClient,
                                                                           clock: Clock):
    AuthActions(client).register("ada")
    page = client.get("/cards/settings").get_data(as_text=True)
    assert 'name="desired_retention"' in page and 'value="0.9"' in page
    assert 'min="0.70"' in page and 'max="0.97"' in page and "higher means shorter intervals" in page
    for _ in range(2):  # Good twice: through the learning steps into review
        rate(client, 3)
        clock.advance(minutes=10)
    clock.advance(days=3)

    def easy_interval() -> str:
        card_id, _ = current_card(client)
        shown = client.get(f"{DECK}/review?show={card_id}").get_data(as_text=True)
        return re.findall(r'class="rate-interval">([^<]+)<', shown)[3]

    def days(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(m|h|d|mo|y)", text).groups()
        return float(value) * {"m": 1 / 1440, "h": 1 / 24, "d": 1, "mo": 30.4, "y": 365}[unit]

    at_default = easy_interval()
    with app.app_context():
        db.session.execute(select(User)).scalar_one().desired_retention = 0.97
        db.session.commit()
    assert days(easy_interval()) < days(at_default)


def test_undo_appears_only_after_a_rating(client: FlaskClient, clock: Clock):
    _, first = current_card(client)
    assert "Undo last rating" not in first and "U undoes" not in first
    rate(client, 3)
    _, after = current_card(client)
    assert "Undo last rating" in after and "U undoes" in after
    assert client.post(f"{DECK}/undo", data={}).status_code == 302
    _, undone = current_card(client)
    assert "Undo last rating" not in undone


def test_learning_steps_from_the_settings_drive_the_intervals(app: Flask, client: FlaskClient, clock: Clock):
    AuthActions(client).register("ada")
    with app.app_context():
        db.session.execute(select(User)).scalar_one().learning_steps = "3m 30m"
        db.session.commit()
    card_id, _ = current_card(client)
    shown = client.get(f"{DECK}/review?show={card_id}").get_data(as_text=True)
    again, hard, good = re.findall(r'class="rate-interval">([^<]+)<', shown)[:3]
    assert (again, good) == ("3m", "30m") and hard in ("16m", "17m")  # Hard: the average of the two steps


def test_stats_page_draws_charts(client: FlaskClient, clock: Clock):
    assert "No reviews yet" in client.get("/cards/stats").get_data(as_text=True)
    rate(client, 3)
    html = client.get("/cards/stats").get_data(as_text=True)
    assert html.count('role="img"') == 2 and "True retention per week" in html and "Learning" in html
    # A learning card has no retention to measure: a sentence, not eight weeks of zeros.
    assert "Not enough reviews yet" in html and "Week starting" not in html
    axis = re.findall(r'text-anchor="end">([^<]+)</text>', html)
    assert axis and all(label.isdigit() for label in axis)  # whole cards and reviews, never "0.5"


def test_stats_per_deck_and_retention_weeks(app: Flask, client: FlaskClient, clock: Clock):
    for _ in range(2):
        rate(client, 3)
        clock.advance(minutes=10)
    clock.advance(days=10)
    rate(client, 3)  # a card in review state passes: retention is measured this week
    overall = client.get("/cards/stats").get_data(as_text=True)
    assert 'href="/cards/stats?deck=llm-vs-genai"' in overall and 'aria-current="page">All decks' in overall
    deck = client.get("/cards/stats?deck=llm-vs-genai").get_data(as_text=True)
    assert "Statistics: LLMs vs Generative AI" in deck and "Week starting" in deck and "100%" in deck
    assert "Not enough reviews yet" not in deck
    assert len(re.findall(r"<tr><th scope=\"row\">\d{4}-", deck)) == 1  # no empty weeks before the first review
    other = client.get("/cards/stats?deck=sql-vs-nosql").get_data(as_text=True)
    assert "No reviews yet" in other and "Not enough reviews yet" in other
    assert client.get("/cards/stats?deck=no-such-deck").status_code == 404
    assert 'href="/cards/stats?deck=llm-vs-genai"' in client.get(DECK).get_data(as_text=True)


def test_exports_download(client: FlaskClient):
    tsv = client.get(f"{DECK}/export.tsv?topic=faq")
    lines = tsv.get_data(as_text=True).strip().splitlines()
    assert tsv.status_code == 200 and all(line.count("\t") == 1 for line in lines) and len(lines) >= 6
    assert tsv.headers["Content-Disposition"] == 'attachment; filename="llm-vs-genai.tsv"'
    old_link = client.get(f"{DECK}/export.csv?topic=faq")  # the name it had before: a bookmark still works
    assert old_link.status_code == 301 and old_link.headers["Location"].endswith("/export.tsv?topic=faq")
    apkg = client.get(f"{DECK}/export.apkg")
    assert apkg.status_code == 200 and apkg.data[:2] == b"PK"
    assert client.get(f"{DECK}/export.pdf").status_code == 404


def test_export_deck_command(runner, tmp_path: Path):
    out = tmp_path / "deck.csv"
    result = runner.invoke(args=["export-deck", "--bank", "llm-vs-genai", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0 and out.read_text().count("\n") >= 50
    apkg = tmp_path / "deck.apkg"
    result = runner.invoke(args=["export-deck", "--bank", "sql-vs-nosql", "--format", "apkg", "--output", str(apkg),
                                 "--topic", "faq"])
    assert result.exit_code == 0 and apkg.read_bytes()[:2] == b"PK"
    assert "No bank" in runner.invoke(args=["export-deck", "--bank", "x", "--format", "csv",
                                            "--output", str(out)]).output


# -- issue 8 §4: what a card shows, the order new cards come in, ids across rewordings ------------
def cram_page(client: FlaskClient, topic: str, position: int, shown: bool = False) -> str:
    return client.get(f"{DECK}/cram?topic={topic}&i={position}" + ("&show=1" if shown else "")).get_data(as_text=True)


def test_the_front_carries_the_topic_as_a_label(client: FlaskClient, clock: Clock):
    _, html = current_card(client)
    assert re.search(r'<p class="card-topic" id="card-topic">[^<]+</p>\s*<h1 class="front"', html)
    assert '<p class="card-topic" id="card-topic">FAQ</p>' in cram_page(client, "faq", 0)
    chosen = client.get(f"{DECK}/review?topic=faq&topic=models")  # the chosen sub-decks, named above the card
    assert chosen.status_code == 200 and " · FAQ, Models</p>" in chosen.get_data(as_text=True)


def test_a_cloze_card_shows_its_gap_then_the_whole_text_with_the_answer_marked(app: Flask, client: FlaskClient):
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import deck_cards

    with app.app_context():
        models = [c for c in deck_cards(bank_by_slug("llm-vs-genai")) if c.topic == "models"]
    position, card = next((i, c) for i, c in enumerate(models) if c.is_cloze and c.answer == "BigGAN")
    front = cram_page(client, "models", position)
    assert "[...] is DeepMind&#39;s model for images." in front and 'id="card-back" hidden' in front
    back = cram_page(client, "models", position, shown=True)
    assert '<mark class="cloze-answer">BigGAN</mark> is DeepMind&#39;s model for images.' in back
    assert "<strong>Source:</strong> LLM vs Generative AI: A Comprehensive Comparison — " in back
    assert ".txt" not in back


def new_card_order(app: Flask, owner) -> tuple[str, ...]:
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import load_deck

    with app.app_context():
        return load_deck(owner, bank_by_slug("llm-vs-genai"), [], None, datetime(2026, 3, 2, tzinfo=UTC)).queue.new


def test_new_cards_come_interleaved_in_an_order_fixed_per_learner(app: Flask):
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import deck_cards
    from quizapp.owner import Owner

    ada, bob = Owner(1, None), Owner(2, None)
    first = new_card_order(app, ada)
    assert len(first) == 20
    assert first == new_card_order(app, ada)  # the same learner, the same order, day after day
    assert first != new_card_order(app, bob) != new_card_order(app, Owner(None, "guest-token"))
    with app.app_context():
        cards = {c.id: c for c in deck_cards(bank_by_slug("llm-vs-genai"))}
    subjects = [cards[i].subject for i in first]
    assert len(set(subjects)) == 20  # no model, application or method twice among a day's new cards
    assert len({cards[i].topic for i in first}) >= 3
    assert [c.id for c in cards.values()][:20] != list(first)  # not the deck's topic order


def test_a_guest_rates_the_card_they_were_shown(client: FlaskClient, clock: Clock):
    """The first page view gives a guest their token, so the order behind the rating form is theirs too."""
    card_id, _ = current_card(client)
    response = client.post(f"{DECK}/review", data={"card_id": card_id, "rating": "3", "shown_at": "0"})
    assert response.status_code == 302


def _reload(app: Flask, text: str) -> None:
    from quizapp.banks import store_bank

    with app.app_context():
        assert store_bank(text, "llm-vs-genai.yaml").status == "updated"


def _rate_card_with_front(app: Flask, client: FlaskClient, clock: Clock, front: str) -> str:
    """Rate new cards of the card's sub-deck Easy, day after day, until this learner's order reaches it."""
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import deck_cards

    with app.app_context():
        card = next(c for c in deck_cards(bank_by_slug("llm-vs-genai")) if c.front == front)
    query = f"?topic={card.topic}"
    for _ in range(80):
        html = client.get(f"{DECK}/review{query}").get_data(as_text=True)
        if CARD_ID_RE.search(html) is None:  # today's new cards are done
            clock.advance(days=1)
            continue
        card_id, _ = rate(client, 4, query, (card.topic,))
        if card_id == card.id:
            return card_id
    raise AssertionError(f"{front!r} never came up")


def test_a_reworded_card_keeps_its_schedule(app: Flask, client: FlaskClient, clock: Clock):
    front = "How do LLMs relate to Generative AI?"
    card_id = _rate_card_with_front(app, client, clock, front)
    text = DEFAULT_BANK.read_text(encoding="utf-8")
    reworded = "What is the relation between LLMs and Generative AI?"
    assert f"  - front: {front}\n" in text
    _reload(app, text.replace(f"  - front: {front}\n", f"  - front: {reworded}\n    reworded_from: {front}\n", 1))
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import deck_cards

    with app.app_context():
        card = next(c for c in deck_cards(bank_by_slug("llm-vs-genai")) if c.front == reworded)
        state = db.session.execute(select(CardState).filter_by(card_id=card.id)).scalar_one()
    assert card.id == card_id and state.state == 2  # Easy made it a review card; it still is


def test_a_card_that_disappears_keeps_its_review_history(app: Flask, client: FlaskClient, clock: Clock):
    front = "What does LLM stand for?"
    card_id = _rate_card_with_front(app, client, clock, front)
    text = DEFAULT_BANK.read_text(encoding="utf-8")
    start = text.index(f"  - front: {front}\n")
    end = text.index("  - front:", start + 1)
    _reload(app, text[:start] + text[end:])
    with app.app_context():
        logs = db.session.execute(select(ReviewLog).filter_by(card_id=card_id)).scalars().all()
    assert len(logs) == 1  # the log keeps what was reviewed
    page = client.get(f"{DECK}/review?topic=dimensions")
    assert page.status_code == 200 and f'value="{card_id}"' not in page.get_data(as_text=True)


def test_counts_of_the_day_and_the_session_come_from_the_stored_log(app: Flask):
    """deck_state and session_summary count in SQL: a new card's state_before is JSON null or SQL NULL. The card
    states come in the same statement, neither multiplying the counts nor lost without a log."""
    now, owner = datetime(2026, 3, 2, 12, 0, tzinfo=UTC), Owner(None, "guest-1")
    with app.app_context():
        bank_id = db.session.execute(select(Bank.id).filter_by(slug="llm-vs-genai")).scalar_one()
        other = db.session.execute(select(Bank.id).filter_by(slug="sql-vs-nosql")).scalar_one()

        def log(before: object, rating: int = 3, hours: float = 1, bank: int = bank_id, guest: str = "guest-1",
                ms: int | None = 1500) -> None:
            db.session.add(ReviewLog(guest_token=guest, bank_id=bank, card_id="c", rating=rating, duration_ms=ms,
                                     reviewed_at=(now - timedelta(hours=hours)).replace(tzinfo=None),
                                     state_before=before, state_after={"state": 1}))

        log(None, rating=1)  # new: JSON null
        log(null(), ms=None)  # new: SQL NULL
        log({"state": 2, "step": None})  # a review
        log({"state": 1, "step": 0}, rating=1)  # learning: neither
        log({"state": 3, "step": 0})  # relearning: neither
        log(None, hours=13)  # before the study day (rollover 4:00 UTC)
        log(None, bank=other)  # another deck
        log(None, guest="guest-2")  # another learner
        db.session.commit()
        deck = db.session.get(Bank, bank_id)
        assert deck_state(owner, deck, now, SchedulerSettings()) == ((2, 1, 0), {})
        # The session's ratings come with the day's counts, from a session begun within the day or before it.
        assert deck_state(owner, deck, now, SchedulerSettings(), now - timedelta(hours=2)).logged == (2, 1, 5)
        assert deck_state(owner, deck, now, SchedulerSettings(), now - timedelta(hours=14)).logged == (2, 1, 6)
        assert deck_state(owner, deck, now, SchedulerSettings(), now).logged == (2, 1, 0)

        due = datetime(2026, 3, 3, 9, 0)
        for card, guest, bank in (("a", "guest-1", bank_id), ("b", "guest-1", bank_id), ("a", "guest-2", bank_id),
                                  ("c", "guest-1", other)):
            db.session.add(CardState(guest_token=guest, bank_id=bank, card_id=card, state=2, step=None, stability=3.5,
                                     difficulty=5.0, due=due, last_review=due - timedelta(days=3), reps=2, lapses=1))
        db.session.commit()
        logged, progress = deck_state(owner, deck, now, SchedulerSettings(), now - timedelta(hours=2))
        assert logged == (2, 1, 5) and sorted(progress) == ["a", "b"]
        assert progress["b"] == CardProgress("b", 2, None, 3.5, 5.0, due.replace(tzinfo=UTC),
                                             (due - timedelta(days=3)).replace(tzinfo=UTC), 2, 1)
        assert deck_state(Owner(None, "guest-3"), deck, now, SchedulerSettings()) == ((0, 0, 0), {})
        summary = session_summary(owner, db.session.get(Bank, bank_id), now - timedelta(hours=2))
        assert (summary.reviewed, summary.again, summary.seconds) == (5, 2, 6)
        assert session_summary(owner, db.session.get(Bank, bank_id), now).reviewed == 0


def test_a_rating_updates_only_the_raters_state_and_restores_one_deleted_meanwhile(app: Flask, client: FlaskClient):
    """The rating writes with statements of its own: the rater's row of that card, never another learner's."""
    from quizapp.banks import bank_by_slug
    from quizapp.cards.service import deck_cards, load_deck, rate

    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    AuthActions(client).register("ada")
    with app.app_context():
        user_id = db.session.execute(select(User.id)).scalar_one()
        bank = bank_by_slug("llm-vs-genai")
        card = deck_cards(bank)[0].id
        learning = {"bank_id": bank.id, "card_id": card, "state": 1, "step": 1, "stability": 2.3, "difficulty": 2.1,
                    "due": datetime(2026, 3, 2, 11, 59), "last_review": datetime(2026, 3, 2, 11, 49), "reps": 1}
        db.session.add_all([CardState(user_id=user_id, **learning), CardState(guest_token="g1", **learning)])
        db.session.commit()

        def states() -> dict[object, tuple[int, int, datetime]]:
            rows = db.session.execute(select(CardState).filter_by(card_id=card)).scalars()
            return {row.user_id or row.guest_token: (row.state, row.reps, row.due) for row in rows}

        ada = Owner(user_id, None)
        deck = load_deck(ada, bank, [], None, now)
        assert deck.current is not None and deck.current.id == card  # the learning card is due
        outcome = rate(ada, deck, card, 3, now, 1000)
        assert outcome.before is not None and outcome.before.reps == 1
        assert states() == {user_id: (2, 2, outcome.progress.due.replace(tzinfo=None)),
                            "g1": (1, 1, datetime(2026, 3, 2, 11, 59))}

        guest = Owner(None, "g1")
        deck = load_deck(guest, bank, [], None, now)
        db.session.execute(delete(CardState).filter_by(guest_token="g1"))  # an undo in another tab, say
        outcome = rate(guest, deck, card, 3, now, None)
        assert states()["g1"] == (2, 2, outcome.progress.due.replace(tzinfo=None))
        log = db.session.execute(select(ReviewLog).filter_by(guest_token="g1")).scalar_one()
        assert log.state_before["reps"] == 1 and log.state_after["reps"] == 2 and log.duration_ms is None
        assert log.bank_id == bank.id and log.user_id is None and log.rating == 3


def test_a_rating_needs_the_security_token_of_its_own_session(csrf_app: Flask):
    """The rating form has no token check of its own: CSRFProtect checks every post before the view."""
    client, other = csrf_app.test_client(), csrf_app.test_client()
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    page = client.get(f"{DECK}/review").get_data(as_text=True)
    foreign = token.search(other.get(f"{DECK}/review").get_data(as_text=True)).group(1)
    post = {"card_id": CARD_ID_RE.search(page).group(1), "rating": "3", "shown_at": "0"}
    for bad in ({}, {"csrf_token": foreign}, {"csrf_token": "forged"}):
        response = client.post(f"{DECK}/review", data={**post, **bad})
        assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    assert table_count(csrf_app, ReviewLog) == 0
    assert client.post(f"{DECK}/review", data={**post, "csrf_token": token.search(page).group(1)}).status_code == 302
    assert table_count(csrf_app, ReviewLog) == 1


def test_the_flashcard_pages_bank_is_read_without_its_text_and_parsed_from_the_version_it_names(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch):
    """The cards views read their bank as a BankRef: bank_by_slug's bank (enabled, not deleted, a fact bank) without
    the ORM object or the text. On a parse-cache miss fact_bank reads the text whose hash the BankRef holds: the
    bank's, or the earlier version's once a new one has been stored since the row was read."""
    from quizapp import banks
    from quizapp.banks import bank_by_slug, fact_bank, fact_bank_ref, store_bank
    from quizapp.cards import service

    def empty_caches() -> None:  # as in a worker that has not parsed the bank yet
        monkeypatch.setattr(banks, "_PARSED", banks._ParsedByKey())
        monkeypatch.setattr(service, "_deck_cache", {})
        monkeypatch.setattr(service, "_order_cache", {})

    empty_caches()
    page = client.get("/cards/sql-vs-nosql/review")
    assert page.status_code == 200 and CARD_ID_RE.search(page.get_data(as_text=True))
    title = "Relational (SQL) vs NoSQL databases"
    with app.app_context():
        bank = bank_by_slug("sql-vs-nosql")
        old = fact_bank_ref("sql-vs-nosql")
        assert bank is not None and old == (bank.id, "sql-vs-nosql", title, bank.content_hash)
        assert store_bank(bank.source_text.replace(f"title: {title}", "title: SQL or NoSQL"),
                          "sql-vs-nosql.yaml").status == "updated"
        new = fact_bank_ref("sql-vs-nosql")
        assert new is not None and new.title == "SQL or NoSQL" and new.content_hash != old.content_hash
        empty_caches()
        assert fact_bank(old).title == title and fact_bank(new).title == "SQL or NoSQL"

        store_bank("::Sum:: 2 + 2? {=4 ~5}\n", "sums.gift")
        assert bank_by_slug("sums") is None and fact_bank_ref("sums") is None  # not a fact bank
        assert fact_bank_ref("no-such-deck") is None
        bank.enabled = False
        db.session.commit()
        assert fact_bank_ref("sql-vs-nosql") is None
        bank.enabled, bank.deleted_at = True, datetime(2026, 3, 1)
        db.session.commit()
        assert fact_bank_ref("sql-vs-nosql") is None
    assert client.get("/cards/sql-vs-nosql/review").status_code == 404
