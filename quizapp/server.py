"""``quizapp run``: the app under gunicorn, the production server the README documents.

gunicorn is driven through its documented programmatic entry point (``gunicorn.app.base.BaseApplication``),
so ``quizapp run`` needs no second command line and every worker builds its own app (and database pool)
after the fork. Ctrl+C (SIGINT) and SIGTERM are gunicorn's own: the master stops its workers and exits 0.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.arbiter import Arbiter  # type: ignore[import-untyped]

# gunicorn's rule of thumb is 2 workers per CPU + 1; past 8, each worker's database pool (up to 15 connections)
# would eat into PostgreSQL's default max_connections of 100 with little gain for a quiz site.
MAX_DEFAULT_WORKERS = 8


def available_cpus() -> int:
    """CPUs this process may run on (a container's or taskset's share, not the whole machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers(cpus: int) -> int:
    """gunicorn's recommended ``2 × CPUs + 1`` worker processes, capped at :data:`MAX_DEFAULT_WORKERS`."""
    return min(2 * max(1, cpus) + 1, MAX_DEFAULT_WORKERS)


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master, with Ctrl+C (SIGINT) stopping it as SIGTERM does: each worker finishes the request in
    hand and exits. gunicorn's own SIGINT is a quick stop that ends workers with ``sys.exit`` from inside a signal
    handler, which prints "Exception ignored" tracebacks when it lands mid-garbage-collection."""

    def handle_int(self) -> None:
        self.handle_term()


def _worker_ignores_sigint(_worker: object) -> None:
    """Ctrl+C reaches every process of the terminal's group; only the master acts on it (see :class:`_Arbiter`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class QuizappServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn with its settings from a dict; each worker calls :func:`quizapp.create_app`."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # a setting this gunicorn does not have yet is left out
                self.cfg.set(key, value)

    def load(self) -> Flask:
        from . import create_app

        return create_app()

    def run(self) -> None:
        """As ``BaseApplication.run``, with :class:`_Arbiter` as the master."""
        try:
            _Arbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr)
            raise SystemExit(1) from exc


def serve(host: str, port: int, workers: int) -> None:
    """Serve on ``host:port`` with ``workers`` sync workers until SIGINT or SIGTERM; logs go to stdout/stderr."""
    QuizappServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "quizapp",
        "post_worker_init": _worker_ignores_sigint,
        # gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl), which a second
        # server (tests, a second checkout) would take over; quizapp does not use gunicornc.
        "control_socket_disable": True,
    }).run()
