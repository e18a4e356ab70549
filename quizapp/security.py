"""Security headers, cookie settings behind HTTPS, and log-in throttling kept in the database.

Throttling lives in the database (not process memory) so every app host behind
a load balancer sees the same counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import and_, delete, func, or_, select
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db
from .models import LoginFailure, User, normalise_username, utcnow

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
# The same, with each name's lower case (werkzeug compares header names so): set_headers looks each up once.
_HEADER_ITEMS = tuple((name, name.lower(), value) for name, value in HEADERS.items())
WINDOW = timedelta(minutes=15)
# Counted per account *and address*: someone guessing one account from one place is stopped after 5, while
# the same account from elsewhere (its owner at home) is not. The per-address limit is much softer, so one
# learner on a school network cannot lock out the class, yet a flood from one address is still stopped.
MAX_FAILURES_PER_PAIR = 5
MAX_FAILURES_PER_ADDRESS = 100


def init_app(app: Flask) -> None:
    if app.config.get("HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    app.session_interface = KeptSerializerSessionInterface()

    @app.after_request
    def set_headers(response: Response) -> Response:
        """The headers above, where the view has not set its own. The names present are read once: six
        ``setdefault`` calls, each walking the header list, were a tenth of the cheapest response's calls."""
        present = {name.lower() for name in response.headers.keys()}
        own_policy = response.headers.get("Content-Security-Policy") if "content-security-policy" in present else None
        for name, lower, value in _HEADER_ITEMS:
            if lower in present:
                continue
            if name == "X-Frame-Options" and own_policy and "frame-ancestors 'none'" not in own_policy:
                continue  # a page an LMS may frame (its own frame-ancestors): DENY would contradict it
            response.headers.add(name, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signing serializer built once per set of secret keys and kept,
    instead of once per request: building it (itsdangerous checks its serializer by encoding a value) was a seventh
    of the cheapest request's time in the profiler. A serializer holds no state of a request, so workers' threads share
    it; a changed SECRET_KEY or SECRET_KEY_FALLBACKS gets a serializer of its own."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
            return serializer


def begin_attempt(username: str, address: str) -> tuple[int, timedelta | None]:
    """Book a log-in attempt before its password is checked; return its row and how long to wait if refused.

    The attempt is committed as a failure *first* and the count read after, so the check is atomic without
    locks: of concurrent attempts, the k-th to commit counts at least k rows, so at most the limit of them
    get their password checked (the issue saw 6 checks out of 30 concurrent wrong passwords with a
    read-then-write count). A refused attempt removes its row again, so waiting does not extend the pause.
    """
    key, address = normalise_username(username), address[:64]
    now = utcnow()
    row = LoginFailure(username=key, address=address, at=now)
    db.session.add(row)
    db.session.commit()
    attempt = row.id
    since = now - WINDOW
    for condition, limit in ((and_(LoginFailure.username == key, LoginFailure.address == address),
                              MAX_FAILURES_PER_PAIR),
                             (LoginFailure.address == address, MAX_FAILURES_PER_ADDRESS)):
        count, last = db.session.execute(
            select(func.count(LoginFailure.id), func.max(LoginFailure.at))
            .where(condition, LoginFailure.at >= since, LoginFailure.id != attempt)).one()
        if count >= limit and last is not None:
            db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt))
            db.session.commit()
            return attempt, max(timedelta(0), last + WINDOW - now)
    return attempt, None


def failed_attempt() -> None:
    """The password was wrong: the attempt's row stays as a failure; rows long past the window go."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - 4 * WINDOW))
    db.session.commit()


def succeeded_attempt(attempt: int, username: str, address: str) -> None:
    """The password was right: forget this attempt and the failures of this account from this address."""
    db.session.execute(delete(LoginFailure).where(or_(
        LoginFailure.id == attempt,
        and_(LoginFailure.username == normalise_username(username), LoginFailure.address == address[:64]))))
    db.session.commit()


def pause_message(wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    return (f"Too many wrong passwords. For your safety, password checks for this account are paused: "
            f"try again in {minutes} minute{'s' if minutes != 1 else ''}.")


def throttled_check(username: str, address: str, check: Callable[[], bool]) -> tuple[bool, timedelta | None]:
    """Run a password ``check`` under the throttle: booked first, then counted as a failure or cleared.

    Returns whether it passed, and how long to wait if it was refused without being run."""
    attempt, wait = begin_attempt(username, address)
    if wait is not None:
        return False, wait
    if check():
        succeeded_attempt(attempt, username, address)
        return True, None
    failed_attempt()
    return False, None


def confirm_password(user: User, password: str) -> tuple[bool, timedelta | None]:
    """Check a logged-in user's password (to change it, or to delete the account) under the log-in throttle.

    A stolen session must not become a way round it: these checks count with the log-ins' failures, per
    account and address. Returns whether the password is right, and how long to wait if it was not checked.
    """
    return throttled_check(user.username, request.remote_addr or "unknown", lambda: user.check_password(password))
