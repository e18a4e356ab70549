"""Security headers, cookie settings behind HTTPS, and log-in throttling kept in the database.

Throttling lives in the database (not process memory) so every app host behind
a load balancer sees the same counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, Response
from sqlalchemy import delete, func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db
from .models import LoginFailure, utcnow

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


def init_app(app: Flask) -> None:
    if app.config.get("HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    @app.after_request
    def set_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def lockout_remaining(username: str, address: str, now: datetime | None = None) -> timedelta | None:
    """How long log-ins stay refused for this account or address, or None when they are allowed."""
    now = now or utcnow()
    since = now - WINDOW
    key = username.casefold()
    for column, value, limit in ((LoginFailure.username, key, MAX_FAILURES_PER_ACCOUNT),
                                 (LoginFailure.address, address, MAX_FAILURES_PER_ADDRESS)):
        count, last = db.session.execute(select(func.count(LoginFailure.id), func.max(LoginFailure.at))
                                         .where(column == value, LoginFailure.at >= since)).one()
        if count >= limit and last is not None:
            return max(timedelta(0), last + WINDOW - now)
    return None


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username.casefold()[:64], address=address[:64], at=utcnow()))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - 4 * WINDOW))
    db.session.commit()


def clear_failures(username: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username.casefold()))
    db.session.commit()
