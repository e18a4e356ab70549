"""Configuration from the environment, with safe defaults kept in the instance folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# An uploaded bank file: room for a bank of MAX_QUESTIONS (50,000) questions with long feedback. Measured
# (benchmarks/import_gift.py): 50,000 short questions take 5.7 MB, 50,000 written like quizapp's own GIFT
# export (a paragraph of feedback each, 497 bytes a question) 24.9 MB.
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
# A request may be a little larger than the file: the multipart wrapper and the form's other fields.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
# Checking an uploaded file runs in a child process that is killed after this many seconds (wall
# clock); the 24.9 MB bank of 50,000 questions above takes about 6 s on an idle 2-core machine,
# gunicorn kills a worker after 30.
BANK_CHECK_SECONDS = 20.0


def secret_key(instance_path: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated once and kept in the instance folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not overwrite each other's key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def build_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The app's settings: environment first, then defaults; ``overrides`` (tests) win."""
    overrides = dict(overrides or {})
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = overrides.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL") \
        or f"sqlite:///{instance_path / 'quizapp.sqlite'}"
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        "BANK_CHECK_SECONDS": float(os.environ.get("QUIZAPP_BANK_CHECK_SECONDS", "") or BANK_CHECK_SECONDS),
        # No pre_ping: SQLite has no server to lose, and on PostgreSQL a pooled connection is checked at checkout
        # without a round trip (database.py), so a restarted server costs no failed request.
        "SQLITE_SYNCHRONOUS": os.environ.get("QUIZAPP_SQLITE_SYNCHRONOUS", "") or "NORMAL",  # see database.py
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a quiz may stay open for hours; the token is still per session
        "BENCH_ENDPOINTS": os.environ.get("QUIZAPP_BENCH_ENDPOINTS") == "1",
        # Behind HTTPS: Secure cookies and HSTS. Behind N reverse proxies: trust N X-Forwarded-* hops.
        "HTTPS": os.environ.get("QUIZAPP_HTTPS") == "1",
        "PROXY_COUNT": int(os.environ.get("QUIZAPP_PROXY_COUNT", "0") or 0),
    }
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = secret_key(instance_path)
    config.update(overrides)
    return config
