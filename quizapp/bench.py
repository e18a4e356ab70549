"""Baseline endpoints for ``benchmarks/``: registered only when ``BENCH_ENDPOINTS`` is on.

``/bench/hello`` measures the floor of the stack (gunicorn, Flask, the network) and touches
nothing; ``/bench/insert`` adds one committed single-row write, the floor of any page that
writes; ``/bench/page`` reads one row and renders the site layout, the floor of any page that
reads.  The benchmarks divide every real step by these, measured in the same run on the same
server.  Never turn these on in production: ``/bench/insert`` writes without CSRF or login.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, render_template
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, inspect, select
from sqlalchemy.exc import DBAPIError

from .extensions import csrf, db
from .models import Bank, utcnow

bp = Blueprint("bench", __name__, url_prefix="/bench")
csrf.exempt(bp)

# Its own metadata: the table is not part of the app's schema or its migrations.
_metadata = MetaData()
bench_rows = Table(
    "bench_rows", _metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("note", String(32), nullable=False),
)

_ready: set[str] = set()  # engine URLs whose table is known to exist, per process
_lock = threading.Lock()


def _ensure_table() -> None:
    url = db.engine.url.render_as_string(hide_password=True)
    if url in _ready:
        return
    with _lock:
        if url in _ready:
            return
        try:
            bench_rows.create(db.engine, checkfirst=True)
        except DBAPIError:
            # Another worker created it between our check and our CREATE: fine if it is there now.
            if not inspect(db.engine).has_table(bench_rows.name):
                raise
        _ready.add(url)


@bp.get("/hello")
def hello() -> Response:
    """The cheapest response the app can give: no database, no template, no session."""
    return Response("hello", mimetype="text/plain")


@bp.route("/insert", methods=["GET", "POST"])
def insert() -> Response:
    """Insert one small row and commit: the cost of one durable write."""
    _ensure_table()
    db.session.execute(bench_rows.insert().values(created_at=utcnow(), note="bench"))
    db.session.commit()
    return Response("inserted", mimetype="text/plain")


@bp.get("/page")
def page() -> str:
    """One row read and the site layout rendered with a CSRF token: the floor of any page of the app, to tell
    what a real page costs beyond the floor from what every page pays."""
    bank = db.session.scalars(select(Bank).limit(1)).first()
    return render_template("bench/page.html", title=bank.title if bank is not None else "no bank")
