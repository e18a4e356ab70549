"""Checking an uploaded bank file under a hard time limit, in a child process that can be killed.

Every reader costs time linear in its input (tests/core/test_hostile_inputs.py), but a reader bug or
an input nobody thought of must still not hold a web worker until gunicorn kills it (a 500 for the
uploader, and two such uploads take the site down). So the upload's check runs in a child process;
when it has not answered within ``BANK_CHECK_SECONDS`` (wall clock) it is killed and the upload is
refused as too complex to check.

Why a child process and not an alarm or a thread: under gunicorn's sync workers the request runs
in the worker's main thread, and ``signal.alarm`` cannot interrupt C code (libyaml, a regular
expression in mid-match), nor works outside the main thread (``flask run`` serves from threads); a
thread cannot be stopped at all. A process can always be killed. It is a fresh interpreter, not a
fork of the worker, so it inherits none of the worker's database connections, locks or threads,
whatever server runs the app. It imports only the pure core (the ``quizapp`` package is entered
without running its ``__init__``, which would import Flask, SQLAlchemy and Alembic), so it starts in
about 0.2 s of CPU, which an upload can afford; the budget counts from its start. The child also
limits its own CPU time and memory, in case it outlives its parent.
"""

from __future__ import annotations

import math
import pickle
import resource
import subprocess
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

from .core.bank_check import BankCheck, check_bank_text

MEMORY_LIMIT_BYTES = 2 * 1024 ** 3
TOO_COMPLEX = ("this file is too complex to check: checking it took longer than {seconds:g} s (a bank of "
               "50,000 questions normally takes under 10 s); split it into smaller files, and look for a very "
               "long line or thousands of repeated symbols")


# The child's program: a bare ``quizapp`` package (its __path__ only), then this module's _child().
_BOOTSTRAP = ("import sys, types; package = types.ModuleType('quizapp'); package.__path__ = [sys.argv[1]]; "
              "sys.modules['quizapp'] = package; from quizapp.bounded_check import _child; _child()")


class TooComplexToCheck(Exception):
    """The check did not finish within its budget (or its process died); the message says so."""


def check_within(seconds: float, text: str, filename: str, fmt: str | None = None, slug: str | None = None,
                 title: str | None = None, with_questions: bool = True) -> BankCheck:
    """``check_bank_text(text, filename, fmt, slug, title)`` in a child process, or
    :class:`TooComplexToCheck` when it has not answered after ``seconds`` (wall clock).

    ``with_questions=False``: the check comes back without its questions and images (empty), for a caller that
    needs only the verdict, warnings and names; sending 50,000 questions back costs the parent seconds.
    """
    payload = pickle.dumps((seconds, with_questions, (text, filename, fmt, slug, title)))
    try:
        done = subprocess.run([sys.executable, "-c", _BOOTSTRAP, str(Path(__file__).resolve().parent)],
                              input=payload, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed it
        raise TooComplexToCheck(TOO_COMPLEX.format(seconds=seconds)) from exc
    if done.returncode != 0 or not done.stdout:  # killed by its CPU or memory limit
        if b"MemoryError" in done.stderr or done.returncode < 0:
            raise TooComplexToCheck(TOO_COMPLEX.format(seconds=seconds))
        raise RuntimeError(f"checking {filename} failed in the child process:\n{done.stderr.decode(errors='replace')}")
    status, value = pickle.loads(done.stdout)  # noqa: S301 - written by our own child process
    if status != "ok":
        raise RuntimeError(f"checking {filename} failed in the child process:\n{value}")
    check: BankCheck = value
    return check


def _child() -> None:
    """In the child: limit CPU time and memory, check, write ("ok", check) or ("failed", traceback)."""
    seconds, with_questions, args = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - written by our parent
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    result: tuple[str, Any]
    try:
        check = check_bank_text(*args)
        result = ("ok", check if with_questions else replace(check, questions=[], files={}))
    except Exception:  # a reader bug: the parent raises it, so it is logged and shown as an error page
        result = ("failed", traceback.format_exc())
    sys.stdout.buffer.write(pickle.dumps(result))
