"""Two versions of the app side by side: each learner step measured on both, in alternating short rounds.

On a shared machine the rate of ``/bench/hello`` alone moves by a factor of 2–5 from one minute to the
next, so two ``pages.py`` runs one after the other cannot show a change of 10–30 %. This script starts
one gunicorn for each version (its own fresh SQLite database), and measures every step on both in
rounds ordered A B B A, A B B A, ..., so a drift in the machine's load falls on both alike. It prints,
per step, the median req/s of each version, their ratio, and each version's step ÷ its floor (the
pages ÷ hello, the posts ÷ insert, each measured in the same round).

A version is a git revision (its tree is exported with ``git archive``) or ``work`` (the working tree).
Each server imports its version through ``PYTHONPATH``. The steps are those of ``pages.py`` (``page floor``
needs ``/bench/page``, which revisions before ad7d704 lack).

Examples::

    python benchmarks/compare_pages.py --before HEAD                 # HEAD against the working tree
    python benchmarks/compare_pages.py --before HEAD~1 --after HEAD --rounds 8 --connections 32
    python benchmarks/compare_pages.py --before HEAD --steps "review page,rating"
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import quizapp_command, start_servers, stop_servers  # noqa: E402
from pages import (  # noqa: E402
    BANK,
    AnswerState,
    Client,
    Figures,
    RateState,
    _answer,
    _rate,
    all_kinds,
    ensure_wrk,
    threaded,
    wrk,
)

REPO = Path(__file__).resolve().parents[1]
STEPS = ("hello", "review page", "question page", "question page 10", "rating", "answer", "insert (client)",
         "quiz start", "page floor")
DEFAULT_STEPS = STEPS[:7]  # "quiz start" on request; "page floor" needs /bench/page (from ad7d704 on)
POSTS = ("rating", "answer", "quiz start")


def export(revision: str, into: Path) -> Path:
    """The code of ``revision`` (``work``: the working tree itself)."""
    if revision == "work":
        return REPO
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


class Side:
    """One version of the app: its server, a guest with a started quiz, and its measurements per step."""

    def __init__(self, label: str, tree: Path, workdir: Path, workers: int) -> None:
        self.label, self.figures = label, {name: [] for name in STEPS}
        self.hello: list[float] = []
        env = {**os.environ, "PYTHONPATH": str(tree), "DATABASE_URL": f"sqlite:///{workdir / 'q.sqlite'}",
               "SECRET_KEY": secrets.token_hex(32), "QUIZAPP_BENCH_ENDPOINTS": "1", "PYTHONUNBUFFERED": "1"}
        subprocess.run([*quizapp_command(), "init-db"], env=env, cwd=workdir, check=True, capture_output=True)
        self.procs, hosts, _ = start_servers(argparse.Namespace(instances=1, workers=workers), env, workdir)
        self.base = hosts[0]
        self.guest = Client(self.base)
        self.kinds = all_kinds(self.guest)
        self.token = self.guest.csrf("/quiz/")
        self.attempt = self.guest.start_quiz(50, "end", self.token, self.kinds)
        self.short_attempt = self.guest.start_quiz(10, "end", self.token, self.kinds)
        self.guest.request("GET", f"/cards/{BANK}/review")

    def measure(self, step: str, connections: int, seconds: float) -> Figures:
        base, cookie = self.base, self.guest.cookie
        if step == "hello":
            return wrk(f"{base}/bench/hello", cookie, connections, seconds, name=step)
        if step == "review page":
            return wrk(f"{base}/cards/{BANK}/review", cookie, connections, seconds, name=step)
        if step == "question page":
            return wrk(f"{base}/quiz/{self.attempt}", cookie, connections, seconds, name=step)
        if step == "question page 10":
            return wrk(f"{base}/quiz/{self.short_attempt}", cookie, connections, seconds, name=step)
        if step == "page floor":
            return wrk(f"{base}/bench/page", cookie, connections, seconds, name=step)
        if step == "quiz start":
            fields = [("bank", BANK), *(("kinds", k) for k in self.kinds), ("length", "10"), ("feedback", "immediate")]
            return threaded(step, base, connections, seconds, lambda c: (c, c.csrf("/quiz/")),
                            lambda s: s[0].request("POST", "/quiz/", [("csrf_token", s[1]), *fields])[0] == 302)
        if step == "rating":
            return threaded(step, base, connections, seconds, RateState, _rate)
        if step == "answer":
            return threaded(step, base, connections, seconds, lambda c: AnswerState(c, self.kinds), _answer)
        return threaded(step, base, connections, seconds, lambda c: c,
                        lambda c: c.request("POST", "/bench/insert", [])[0] == 200)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", required=True, help="git revision of version A (or 'work')")
    p.add_argument("--after", default="work", help="git revision of version B (default: the working tree)")
    p.add_argument("--rounds", type=int, default=6, help="rounds (6); each measures every step on both versions")
    p.add_argument("--seconds", type=int, default=1, help="seconds of each measurement (1; whole seconds, as wrk "
                                                        "takes them): a round measures each version twice a step")
    p.add_argument("--connections", type=int, default=4, help="wrk connections / client threads (4)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per version (2)")
    p.add_argument("--steps", default=",".join(DEFAULT_STEPS),
                   help=f"comma-separated, of: {', '.join(STEPS)} (default: the first seven)")
    p.add_argument("--quick", action="store_true", help="smoke run: 2 rounds")
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds = 2, 1
    args.seconds = max(1, args.seconds)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise SystemExit(f"unknown step {unknown[0]!r}; choose from: {', '.join(STEPS)}")
    if "hello" not in steps:
        steps.insert(0, "hello")
    ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-compare-"))
    sides: list[Side] = []
    load = os.getloadavg()
    print(f"A = {args.before}, B = {args.after}: {args.rounds} rounds (A B B A ...), {args.seconds} s a measurement, "
          f"{args.connections} connections, gunicorn {args.workers} sync workers each, SQLite; "
          f"load average {load[0]:.1f}", flush=True)
    try:
        for label, revision in (("A", args.before), ("B", args.after)):
            (workdir / label).mkdir()
            tree = export(revision, workdir / label / "code")
            sides.append(Side(label, tree, workdir / label, args.workers))
        for round_number in range(args.rounds):
            order = sides if round_number % 2 == 0 else sides[::-1]
            for step in steps:
                for side in (*order, *order[::-1]):  # A B B A: each version twice, symmetric in time
                    side.figures[step].append(side.measure(step, args.connections, args.seconds).rps)
        report(sides, steps, os.getloadavg()[0])
    finally:
        for side in sides:
            stop_servers(side.procs)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(sides: list[Side], steps: list[str], load: float) -> None:
    a, b = sides
    print(f"\n  {'step':<18}{'A req/s':>10}{'B req/s':>10}{'B / A':>8}{'floor':>17}{'A / floor':>11}{'B / floor':>11}")
    for step in steps:
        ra, rb = statistics.median(a.figures[step]), statistics.median(b.figures[step])
        # Pairs measured next to each other: the ratio of each pair, then the median of those.
        pair = statistics.median(y / x for x, y in zip(a.figures[step], b.figures[step], strict=True) if x)
        floor = "insert (client)" if step in POSTS and "insert (client)" in steps else "hello"
        fa, fb = (statistics.median(s / f for s, f in zip(side.figures[step], side.figures[floor], strict=True) if f)
                  for side in (a, b))
        print(f"  {step:<18}{ra:>10.1f}{rb:>10.1f}{pair:>8.2f}{floor:>17}{fa:>11.3f}{fb:>11.3f}")
    print(f"  (B / A: median over the adjacent pairs; load average at the end {load:.1f})")


if __name__ == "__main__":
    sys.exit(main())
