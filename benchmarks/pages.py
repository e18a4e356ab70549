"""Page benchmark: each learner step beside the stack's floor, in one run (``load.py --wrk`` runs this).

Starts gunicorn (2 sync workers by default) on a fresh database and measures, closed-loop:

* **GET pages with wrk** (Debian's ``wrk``; installed with apt if missing): ``/bench/hello``,
  ``/bench/insert``, ``/bench/page`` (the *page floor*: one row read and the site layout rendered with a
  CSRF token, which every real page pays at least), the first question page of a 50- and of a
  10-question quiz (answers at the end, so with the navigation strip) and the flashcard review
  page, each with one guest session's cookie, at 32 and at 4 connections.
* **POSTs with a threaded client** (wrk cannot keep one session per connection): answering a
  question, rating a card, starting a 10-question quiz of every kind, and ``POST
  /bench/insert`` with the same client, so their ratio compares like with like. Each thread is
  its own guest, with its own quizzes and deck.

It prints requests/s, p50 and p99 per step and the ratios the speed goals are stated in:
question and review pages ÷ hello (and ÷ the page floor), answer and rating ÷ insert, quiz start
÷ question page (cost per request; the page of a 10- and of a 50-question quiz), p99 ÷ p50 and the
learner steps' worst p99. No assertions: the figures are for reading.

With ``--rounds N`` every step is measured N times, round after round, and each ratio is the median of
the rounds' ratios (with their range): the steps of one round run within a minute of each other, and this
machine's speed drifts by 20–40 % between minutes, which moved a single run's ratios by as much.

Examples::

    python benchmarks/pages.py                  # SQLite, 10 s per step
    python benchmarks/pages.py --quick          # 2 s per step
    python benchmarks/pages.py --seconds 2 --rounds 5   # every step 5 times; each ratio the rounds' median
    python benchmarks/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_bench
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import quizapp_command, reset_postgres, start_servers, stop_servers  # noqa: E402

BANK = "llm-vs-genai"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CARD_ID = re.compile(r'name="card_id" type="hidden" value="([^"]+)"')
SHOWN_AT = re.compile(r'name="shown_at" type="hidden" value="([^"]*)"')
KIND_BOX = re.compile(r'name="kinds"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="kinds"')
LOCATION_ID = re.compile(r"/quiz/(\d+)")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BASELINES = ("hello", "insert", "page floor", "insert (client)")
# One body that answers any generated question: a choice for single/multiple, a match for every row.
ANSWER_FIELDS = [("choice", "0"), *((f"pair_{i}", "0") for i in range(8))]


@dataclass
class Figures:
    name: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


class Client:
    """One guest: a keep-alive connection and the session cookie it was given."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = urlencode(fields) if fields is not None else None
        if body is not None:
            headers.update(FORM)
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def csrf(self, path: str) -> str:
        match = CSRF.search(self.request("GET", path)[2])
        if match is None:
            raise SystemExit(f"no CSRF token on {path}")
        return match.group(1)

    def start_quiz(self, length: int, feedback: str, token: str, kinds: list[str]) -> int:
        fields = [("csrf_token", token), ("bank", BANK), *(("kinds", k) for k in kinds),
                  ("length", str(length)), ("feedback", feedback)]
        status, location, _ = self.request("POST", "/quiz/", fields)
        match = LOCATION_ID.search(location)
        if status != 302 or match is None:
            raise SystemExit(f"starting a quiz answered {status}")
        return int(match.group(1))


def all_kinds(client: Client) -> list[str]:
    page = client.request("GET", "/quiz/")[2]
    return [a or b for a, b in KIND_BOX.findall(page)]


def ensure_wrk() -> None:
    """Install Debian's wrk if it is missing (a fresh machine may have no package lists yet: update once then)."""
    if shutil.which("wrk") is not None:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run(install, check=True)


def wrk(url: str, cookie: str, connections: int, seconds: float, method: str = "GET", name: str = "") -> Figures:
    """Run wrk closed-loop; parse its requests/s and latency percentiles."""
    # --timeout: wrk's default (2 s) drops slow replies from the figures instead of counting them.
    cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds:.0f}s", "--latency",
           "--timeout", "30s", "-H", f"Cookie: {cookie}"]
    if method != "GET":
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(f'wrk.method = "{method}"\n')
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Figures(name or url.split("/", 3)[-1], total, int(errors.group(1)) if errors else 0, rps,
                   _wrk_ms(out, "50%"), _wrk_ms(out, "99%"))


def _wrk_ms(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def threaded(name: str, base: str, threads: int, seconds: float, prepare, step) -> Figures:
    """Closed loop: each thread prepares its own state, then times ``step`` repeatedly for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    states = [prepare(Client(base)) for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def run(i: int) -> None:
        barrier.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            ok = step(states[i])
            if ok is None:  # not a measured request (the state was refilled)
                continue
            latencies[i].append(time.perf_counter() - t0)
            errors[i] += 0 if ok else 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    merged = sorted(x for per in latencies for x in per)
    # Little's law (threads / mean latency), not count / elapsed: steps that do untimed work between their
    # measured requests (the rating step fetches the next card) would otherwise be charged for it.
    rps = threads * len(merged) / sum(merged) if merged else 0.0
    return Figures(name, len(merged), sum(errors), rps, _pct(merged, 0.50) * 1000, _pct(merged, 0.99) * 1000)


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


class AnswerState:
    """A guest with quizzes whose questions are answered one after another ("answers at the end")."""

    def __init__(self, client: Client, kinds: list[str]) -> None:
        self.client, self.kinds = client, kinds
        self.token = client.csrf("/quiz/")
        self.queue: list[str] = []

    def refill(self) -> None:
        attempt = self.client.start_quiz(50, "end", self.token, self.kinds)
        self.queue = [f"/quiz/{attempt}/answer/{p}" for p in range(1, 51)]


def _answer(state: AnswerState) -> bool | None:
    """Answer the next question; a used-up guest starts a new quiz first, untimed (not an answer)."""
    if not state.queue:
        state.refill()
        return None
    status = state.client.request("POST", state.queue.pop(0), [("csrf_token", state.token), *ANSWER_FIELDS])[0]
    return status in (200, 302)


class RateState:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.base = f"/cards/{BANK}/review"
        self.client.request("GET", self.base)
        self.page: str | None = self.client.request("GET", self.base)[2]


def _rate(state: RateState) -> bool | None:
    """Rate the card shown. After each rating the next step fetches the next card, untimed (a step of its own:
    the latency of a step is all of it, and the rating was charged for that GET until 3 December 2026)."""
    if state.page is None:
        state.page = state.client.request("GET", state.base)[2]
        return None
    card, shown, token = CARD_ID.search(state.page), SHOWN_AT.search(state.page), CSRF.search(state.page)
    if card is None or token is None:  # this guest's new cards for today are done: become a new guest
        state.__init__(Client(f"http://{state.client.conn.host}:{state.client.conn.port}"))
        return None
    fields = [("csrf_token", token.group(1)), ("card_id", card.group(1)),
              ("shown_at", shown.group(1) if shown else ""), ("rating", "4")]
    status, _, _ = state.client.request("POST", state.base, fields)
    state.page = None
    return status == 302


def measure_level(base: str, cookie: str, conns: int, seconds: float, attempt: int, short_attempt: int,
                  kinds: list[str]) -> dict[str, Figures]:
    """Every step once at ``conns`` connections (a round of one level)."""
    level: dict[str, Figures] = {}
    level["hello"] = wrk(f"{base}/bench/hello", cookie, conns, seconds, name="hello")
    level["insert"] = wrk(f"{base}/bench/insert", cookie, conns, seconds, "POST", "insert")
    level["page floor"] = wrk(f"{base}/bench/page", cookie, conns, seconds, name="page floor")
    level["question page"] = wrk(f"{base}/quiz/{attempt}", cookie, conns, seconds, name="question page")
    level["question page 10"] = wrk(f"{base}/quiz/{short_attempt}", cookie, conns, seconds, name="question page 10")
    level["review page"] = wrk(f"{base}/cards/{BANK}/review", cookie, conns, seconds, name="review page")
    threads = conns
    level["insert (client)"] = threaded("insert (client)", base, threads, seconds, lambda c: c,
                                        lambda c: c.request("POST", "/bench/insert", [])[0] == 200)
    for length, step in ((50, "question (client)"), (10, "question 10 (client)")):
        level[step] = threaded(
            step, base, threads, seconds,
            lambda c, n=length: (c, c.start_quiz(n, "end", c.csrf("/quiz/"), kinds)),
            lambda s: s[0].request("GET", f"/quiz/{s[1]}")[0] == 200)
    level["answer"] = threaded("answer", base, threads, seconds, lambda c: AnswerState(c, kinds), _answer)
    level["rating"] = threaded("rating", base, threads, seconds, RateState, _rate)
    level["quiz start"] = threaded(
        "quiz start", base, threads, seconds, lambda c: (c, c.csrf("/quiz/")),
        lambda s: s[0].request("POST", "/quiz/", [("csrf_token", s[1]), ("bank", BANK),
                                                  *(("kinds", k) for k in kinds), ("length", "10"),
                                                  ("feedback", "immediate")])[0] == 302)
    return level


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=10, help="seconds per measured step (10)")
    p.add_argument("--quick", action="store_true", help="2 s per step")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure every step this many times, in rounds (1); the ratios are the median of the "
                        "rounds' ratios")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    p.add_argument("--connections", default="32,4", help="comma-separated connection counts (32,4)")
    p.add_argument("--database-url", help="a PostgreSQL database to DROP and recreate (its name must contain 'bench')")
    args = p.parse_args(argv)
    started = time.monotonic()
    seconds, rounds = 2.0 if args.quick else args.seconds, max(1, args.rounds)
    ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-pages-"))
    db_url = reset_postgres(args.database_url, False) if args.database_url else f"sqlite:///{workdir / 'q.sqlite'}"
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": secrets.token_hex(32),
           "QUIZAPP_BENCH_ENDPOINTS": "1", "PYTHONUNBUFFERED": "1"}
    subprocess.run([*quizapp_command(), "init-db"], env=env, cwd=workdir, check=True, capture_output=True)
    load = os.getloadavg()
    print(f"quizapp page benchmark: {'PostgreSQL' if args.database_url else 'SQLite (WAL)'}, gunicorn "
          f"{args.workers} sync workers, {os.cpu_count()} CPUs shared with the load generators; {seconds:.0f} s a "
          f"step, {rounds} round(s); load average {load[0]:.1f}")
    procs: list[subprocess.Popen] = []
    try:
        procs, hosts, _ = start_servers(argparse.Namespace(instances=1, workers=args.workers), env, workdir)
        base = hosts[0]
        guest = Client(base)
        kinds = all_kinds(guest)
        token = guest.csrf("/quiz/")
        attempt = guest.start_quiz(50, "end", token, kinds)
        short_attempt = guest.start_quiz(10, "end", token, kinds)
        guest.request("GET", f"/cards/{BANK}/review")
        rows: dict[int, list[dict[str, Figures]]] = {}
        for _ in range(rounds):
            for conns in (int(n) for n in args.connections.split(",")):
                rows.setdefault(conns, []).append(
                    measure_level(base, guest.cookie, conns, seconds, attempt, short_attempt, kinds))
        report(rows)
        print(f"\nran in {time.monotonic() - started:.0f} s (with installing wrk, if it was missing); load average "
              f"{os.getloadavg()[0]:.1f} at the end")
    finally:
        stop_servers(procs)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def ratios(level: dict[str, Figures]) -> dict[str, float]:
    """The figures the goals are stated in, of one round of one level."""
    rps = {name: f.rps for name, f in level.items()}
    hello, floor, insert, start = rps["hello"], rps["page floor"], rps["insert (client)"], rps["quiz start"]
    found = {"page floor / hello": floor / hello}
    for page in ("question page", "question page 10", "review page"):
        found[f"{page} / hello"], found[f"{page} / page floor"] = rps[page] / hello, rps[page] / floor
    found["answer / insert"], found["rating / insert"] = rps["answer"] / insert, rps["rating"] / insert
    found["quiz start / question 10"] = rps["question 10 (client)"] / start
    found["quiz start / question 50"] = rps["question (client)"] / start
    return found


def _combined(rounds: list[dict[str, Figures]]) -> dict[str, Figures]:
    """Each step over the rounds: requests and errors summed, req/s, p50 and p99 the rounds' medians."""
    med = statistics.median
    return {name: Figures(name, sum(r[name].requests for r in rounds), sum(r[name].errors for r in rounds),
                          med(r[name].rps for r in rounds), med(r[name].p50_ms for r in rounds),
                          med(r[name].p99_ms for r in rounds)) for name in rounds[0]}


def report(rows: dict[int, list[dict[str, Figures]]]) -> None:
    """Per level, the steps (medians over the rounds) and each ratio as the median of the rounds' ratios (their
    range beside it when there are several rounds): each round's steps ran within a minute of each other, so a
    round's ratio is less moved by the machine's drift than a ratio of figures measured minutes apart."""
    for conns, rounds in rows.items():
        level = _combined(rounds)
        print(f"\n== {conns} connections ({len(rounds)} round(s)) ==")
        print(f"  {'step':<20}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>9}")
        for f in level.values():
            print(f"  {f.name:<20}{f.requests:>9}{f.errors:>7}{f.rps:>9.1f}{f.p50_ms:>9.1f}{f.p99_ms:>9.1f}"
                  f"{f.p99_ms / f.p50_ms if f.p50_ms else float('nan'):>9.2f}")
        per_round = [ratios(r) for r in rounds]

        def ratio(name: str, per_round: list[dict[str, float]] = per_round) -> str:
            values = [r[name] for r in per_round]
            spread = f" ({min(values):.3f}–{max(values):.3f})" if len(values) > 1 else ""
            return f"{statistics.median(values):.3f}{spread}"

        print(f"  page floor / hello (wrk):    {ratio('page floor / hello')}   (one row and the site layout: no page "
              "is cheaper)")
        for label, page in (("question page / hello (wrk):", "question page"),
                            ("question page of 10 / hello:", "question page 10"),
                            ("review page / hello (wrk):  ", "review page")):
            print(f"  {label} {ratio(f'{page} / hello')}   (goal >= 0.35); / page floor: "
                  f"{ratio(f'{page} / page floor')}")
        print(f"  answer / insert (client):    {ratio('answer / insert')}   (goal >= 0.6)")
        print(f"  rating / insert (client):    {ratio('rating / insert')}   (goal >= 0.6)")
        print(f"  quiz start cost / question page cost (client): {ratio('quiz start / question 10')} (the 10-question "
              f"quiz's page), {ratio('quiz start / question 50')} (the 50-question quiz's)   (goal <= 3)")
        worst = max(level.values(), key=lambda f: f.p99_ms / f.p50_ms if f.p50_ms else 0)
        print(f"  worst p99/p50: {worst.name} {worst.p99_ms / worst.p50_ms:.2f}   (goal <= 4 at 32 connections)")
        learner = [f for n, f in level.items() if n not in BASELINES]
        slowest = max(learner, key=lambda f: f.p99_ms)
        print(f"  learner steps' p99: median {statistics.median(f.p99_ms for f in learner):.1f} ms, worst "
              f"{slowest.name} {slowest.p99_ms:.1f} ms   (goal: each <= 25 ms at 4 connections)")

if __name__ == "__main__":
    sys.exit(main())
