"""What each learner step costs inside the app, without a server: CPU ms and Python calls per request.

The app runs through Flask's test client on a fresh SQLite database (or ``--database-url``). For each
step it warms up, then times ``--repeat`` runs of ``--requests`` requests on the process clock and
prints the *minimum* CPU ms per request (the least disturbed run on a shared machine), and the Python
function calls per request counted by cProfile: a figure the machine's load does not move, so two
versions can be compared from one run each. Each step is printed beside ``/bench/hello`` (nothing) and
``/bench/page`` (one row read and the site layout rendered: the floor of a page).

Steps: ``hello``, ``insert`` (``POST /bench/insert``: one row written and committed, the floor of a write),
``page`` (the floor of a read), ``question 10`` and ``question 50`` (the first unanswered
question of a 10- and a 50-question quiz with answers at the end, so with the navigation strip),
``question immediate`` (10 questions, feedback after each), ``review`` (the flashcard review page),
``answer`` (POST an answer to a 50-question quiz; when one is used up a new quiz is started inside the
step, one start in 50 answers), ``rating`` (POST a rating and GET the next card, both timed and
profiled; every 20 ratings, when a guest's new cards are done, a new guest is made inside the step too)
and ``quiz start`` (POST, 10 questions of every kind). ``--profile STEP`` prints that step's cProfile
table (``--sort``, ``--lines``).

The quizzes' seeds come from a counter (``--seed``) instead of ``secrets``, so every run asks the same
questions and the calls per request of two versions can be compared (with random seeds a 10-question
page moves by a few hundred calls with the questions drawn).

Examples::

    python benchmarks/inprocess.py
    python benchmarks/inprocess.py --steps "question 50,review" --profile "question 50" --sort tottime
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import quizapp.quiz.service as quiz_service  # noqa: E402
from quizapp import create_app  # noqa: E402

BANK = "llm-vs-genai"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CARD_ID = re.compile(r'name="card_id" type="hidden" value="([^"]+)"')
SHOWN_AT = re.compile(r'name="shown_at" type="hidden" value="([^"]*)"')
KIND_BOX = re.compile(r'name="kinds"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="kinds"')
ANSWER_FIELDS = {"choice": "0", **{f"pair_{i}": "0" for i in range(8)}}
STEPS = ("hello", "insert", "page", "question 10", "question 50", "question immediate", "review", "answer", "rating",
         "quiz start")


class Learner:
    """One guest of the test client, with quizzes started and a deck opened."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        page = client.get("/quiz/").text
        self.token = CSRF.search(page).group(1)
        self.kinds = [a or b for a, b in KIND_BOX.findall(page)]
        self.answers: list[str] = []
        self.card_page = ""

    def start(self, length: int, feedback: str) -> str:
        rv = self.client.post("/quiz/", data={"csrf_token": self.token, "bank": BANK, "kinds": self.kinds,
                                              "length": str(length), "feedback": feedback})
        assert rv.status_code == 302, rv.status_code
        return rv.headers["Location"]

    def answer(self) -> None:
        if not self.answers:
            attempt = self.start(50, "end").rstrip("/").rsplit("/", 1)[-1]
            self.answers = [f"/quiz/{attempt}/answer/{p}" for p in range(1, 51)]
        assert self.client.post(self.answers.pop(0), data={"csrf_token": self.token, **ANSWER_FIELDS}).status_code \
            in (200, 302)

    def rate(self) -> None:
        if not self.card_page or CARD_ID.search(self.card_page) is None:
            self.card_page = self.client.get(f"/cards/{BANK}/review").text
        page = self.card_page
        card, shown = CARD_ID.search(page), SHOWN_AT.search(page)
        if card is None:  # today's new cards are done for this guest: the caller makes a new one
            raise LookupError
        rv = self.client.post(f"/cards/{BANK}/review", data={
            "csrf_token": CSRF.search(page).group(1), "card_id": card.group(1),
            "shown_at": shown.group(1) if shown else "", "rating": "4"})
        assert rv.status_code == 302, rv.status_code
        self.card_page = self.client.get(f"/cards/{BANK}/review").text


class CountedSeeds:
    """Stands in for ``secrets`` in quizapp.quiz.service, whose only use there is a new quiz's seed."""

    def __init__(self, first: int) -> None:
        self._next = itertools.count(first)

    def randbelow(self, n: int) -> int:
        return next(self._next) % n


def steps(app) -> dict[str, Callable[[], None]]:
    learner = Learner(app.test_client())
    urls = {"question 10": learner.start(10, "end"), "question 50": learner.start(50, "end"),
            "question immediate": learner.start(10, "immediate")}
    learner.client.get(f"/cards/{BANK}/review")
    rater = [Learner(app.test_client())]

    def get(url: str) -> Callable[[], None]:
        def run() -> None:
            assert learner.client.get(url).status_code == 200

        return run

    def rate() -> None:
        try:
            rater[0].rate()
        except LookupError:
            rater[0] = Learner(app.test_client())
            rater[0].rate()

    def insert() -> None:
        assert learner.client.post("/bench/insert").status_code == 200

    return {"hello": get("/bench/hello"), "insert": insert, "page": get("/bench/page"),
            **{name: get(url) for name, url in urls.items()}, "review": get(f"/cards/{BANK}/review"),
            "answer": learner.answer, "rating": rate, "quiz start": lambda: learner.start(10, "immediate")}


def measure(run: Callable[[], None], requests: int, repeat: int) -> tuple[float, float, cProfile.Profile]:
    for _ in range(max(5, requests // 4)):
        run()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in range(requests):
            run()
        best = min(best, (time.process_time() - started) / requests * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        run()
    profile.disable()
    return best, pstats.Stats(profile).total_calls / requests, profile


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of: {', '.join(STEPS)}")
    p.add_argument("--requests", type=int, default=100, help="requests per timed run (100)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per step; the minimum is printed (5)")
    p.add_argument("--database-url", help="a database to use instead of a fresh SQLite file (it is initialised)")
    p.add_argument("--profile", help="print this step's cProfile table")
    p.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative)")
    p.add_argument("--lines", type=int, default=40, help="cProfile lines (40)")
    p.add_argument("--seed", type=int, default=12345, help="the first quiz's seed; the next ones count up (12345)")
    p.add_argument("--quick", action="store_true", help="smoke run: 20 requests, 2 runs")
    args = p.parse_args(argv)
    if args.quick:
        args.requests, args.repeat = 20, 2
    quiz_service.secrets = CountedSeeds(args.seed)  # type: ignore[assignment]
    tmp = Path(tempfile.mkdtemp(prefix="quizapp-inprocess-"))
    app = create_app({"DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'q.sqlite'}", "SECRET_KEY": "b" * 64,
                      "BENCH_ENDPOINTS": True, "INSTANCE_PATH": str(tmp)})
    result = app.test_cli_runner().invoke(args=["init-db"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    runs = steps(app)
    wanted = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in runs]
    if unknown:
        raise SystemExit(f"unknown steps: {', '.join(unknown)} (known: {', '.join(STEPS)})")
    floor = {name: measure(runs[name], args.requests, args.repeat)[:2] for name in ("hello", "page")}
    print(f"in-process, {'the given database' if args.database_url else 'SQLite'}: minimum CPU ms of "
          f"{args.repeat} runs of {args.requests} requests, Python calls per request (cProfile)")
    print(f"  {'step':<20}{'CPU ms':>8}{'calls':>8}{'÷ hello':>9}{'÷ page':>8}")
    for name in wanted:
        cpu, calls, profile = measure(runs[name], args.requests, args.repeat) if name not in floor or \
            name == args.profile else (*floor[name], None)
        print(f"  {name:<20}{cpu:>8.3f}{calls:>8.0f}{cpu / floor['hello'][0]:>9.2f}{cpu / floor['page'][0]:>8.2f}")
        if name == args.profile and profile is not None:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
