"""Progress page (history, chart, accuracy, weakest category) and per-bank leaderboards."""

from __future__ import annotations

from flask import abort, render_template
from markupsafe import Markup
from sqlalchemy import func, select

from ..banks import bank_by_slug, enabled_banks, fact_bank
from ..core.charts import score_chart_svg
from ..core.progress import AnsweredRow, accuracy_by_category, accuracy_by_kind, weakest
from ..extensions import db
from ..models import Answer, AttemptQuestion, Bank, QuizAttempt, User
from ..owner import current_owner
from ..quiz.forms import PractiseForm
from . import bp

HISTORY_LIMIT = 50


@bp.get("/progress")
def index() -> str:
    """The current user's (or guest's) attempts, score over time and accuracy breakdowns."""
    mine = current_owner().filter(QuizAttempt)
    attempts = list(db.session.execute(
        select(QuizAttempt).where(mine).order_by(QuizAttempt.started_at.desc()).limit(HISTORY_LIMIT)).scalars())
    finished = sorted(((a.finished_at, a.percent) for a in attempts if a.finished_at is not None),
                      key=lambda pair: pair[0])
    # The SVG is built by core.charts, which escapes every label it embeds.
    points = [(done.strftime("%d %b %H:%M"), percent) for done, percent in finished]
    chart = Markup(score_chart_svg(points, "Score per finished quiz, oldest first"))  # noqa: S704
    answered = db.session.execute(
        select(AttemptQuestion.kind, AttemptQuestion.data, Answer.score, Bank.slug)
        .join(Answer, Answer.attempt_question_id == AttemptQuestion.id)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(Bank, Bank.id == QuizAttempt.bank_id)
        .where(mine)).all()
    rows = [AnsweredRow(kind, [f"{slug}:{c}" for c in data.get("categories", [])], score)
            for kind, data, score, slug in answered]
    names = _category_names()
    by_category = accuracy_by_category(rows)
    weak = weakest(by_category)
    practise = None
    if weak is not None:
        slug, category = weak.key.split(":", 1)
        practise = PractiseForm(bank=slug, category=category)
    return render_template("progress/index.html", attempts=attempts, chart=chart, by_kind=accuracy_by_kind(rows),
                           by_category=by_category, names=names, weak=weak, practise=practise)


def _category_names() -> dict[str, str]:
    names = {}
    for row in enabled_banks():
        for category in fact_bank(row).categories:
            names[f"{row.slug}:{category.id}"] = f"{category.name} ({row.title})"
    return names


@bp.get("/leaderboard")
def leaderboards() -> str:
    return render_template("progress/leaderboards.html", banks=enabled_banks())


@bp.get("/leaderboard/<slug>")
def leaderboard(slug: str) -> str:
    """Best finished score per user on one bank; display names only, opted-out users left out."""
    bank = bank_by_slug(slug)
    if bank is None:
        abort(404, description=f"There is no question bank '{slug}'.")
    best = func.max(QuizAttempt.score * 100.0 / QuizAttempt.question_count)
    rows = db.session.execute(
        select(User.display_name, best.label("best"), func.count(QuizAttempt.id).label("attempts"))
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(QuizAttempt.bank_id == bank.id, QuizAttempt.finished_at.is_not(None), User.on_leaderboard)
        .group_by(User.id, User.display_name)
        .order_by(best.desc(), User.display_name).limit(100)).all()
    return render_template("progress/leaderboard.html", bank=bank, rows=rows)
