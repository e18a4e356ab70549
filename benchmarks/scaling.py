"""Does a learner's page get slower as OTHER learners' data grows?  (It should not: flat ratios.)

Builds two SQLite databases through the app's migrations, then bulk-inserts (SQLAlchemy Core
executemany) synthetic but realistic rows:

=========  ==================================  ===========================================
database   review_logs (+ matching card_states)  quiz_attempts (x10 questions, x10 answers)
=========  ==================================  ===========================================
small      1,000                                100
large      1,000,000                            100,000
=========  ==================================  ===========================================

Every learner, including the one measured ("me"), has the same typical share: 200 review-log rows
over 40 scheduled cards (of the deck's 106) and 20 finished 10-question quizzes; the rest of each
database belongs to other learners (4 of them in the small one, ~5,000 in the large), interleaved
in time as a live database would be.  Then, through Flask's test client logged in as "me", it times

* ``GET /cards/llm-vs-genai/review`` (the due-card queue),
* ``GET /progress`` (My progress),
* ``GET /cards/`` and ``GET /cards/stats`` (deck list and flashcard statistics; extras, same concern),

``--repeats`` times each after a warm-up, alternating between the two databases so that a noisy
neighbour slows both alike, and prints the medians and the large/small ratio (about 1 is flat).
It also counts SQL statements per page (a count that grows with the data is an N+1) and, for
any statement much slower in the large database, prints its EXPLAIN QUERY PLAN.  The databases
are not ANALYZEd, as the app never does; ``--analyze`` runs ANALYZE first, to see what
statistics would change.  No timed assertions: exits 0 whatever the ratios.

    python benchmarks/scaling.py [--quick] [--scale 1.0] [--repeats 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from quizapp import MIGRATIONS_DIR, create_app  # noqa: E402
from quizapp.banks import bundled_bank_files, store_bank_file  # noqa: E402
from quizapp.core.bank_loader import load_bank_file  # noqa: E402
from quizapp.core.cards import derive_cards  # noqa: E402
from quizapp.core.generators import generate_quiz  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    Answer,
    AttemptQuestion,
    Bank,
    CardState,
    QuizAttempt,
    ReviewLog,
    User,
    normalise_username,
)

BANK = "llm-vs-genai"
ME, PASSWORD = "me", "bench-Pa55-not-common"
LOGS_PER_USER, CARDS_PER_USER, ATTEMPTS_PER_USER, QUESTIONS = 200, 40, 20, 10
SIZES = {"small": (1_000, 100), "large": (1_000_000, 100_000)}
PAGES = [("review", f"/cards/{BANK}/review"), ("progress", "/progress"), ("decks", "/cards/"),
         ("stats", "/cards/stats")]
CHUNK = 20_000
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
HISTORY = timedelta(days=90)


# ---------------------------------------------------------------- building the databases

def _spread(total: int, own: int) -> set[int]:
    """Positions (0..total-1) of "me"'s rows, evenly spread through the table's insertion order."""
    return {min(total - 1, math.floor(j * total / own)) for j in range(own)}


def _progress(card_id: str, state: int, reps: int, due: datetime, last: datetime | None) -> dict[str, Any]:
    return {"card_id": card_id, "state": state, "step": None if state == 2 else 0,
            "stability": round(2.5 * (reps + 1) ** 1.3, 4), "difficulty": round(5 + (reps % 3) * 0.7, 4),
            "due": due.replace(tzinfo=UTC).isoformat(),
            "last_review": last.replace(tzinfo=UTC).isoformat() if last else None, "reps": reps, "lapses": reps // 4}


def _user_cards(user_index: int, card_ids: list[str]) -> list[str]:
    start = (user_index * 13) % len(card_ids)
    return [card_ids[(start + k) % len(card_ids)] for k in range(CARDS_PER_USER)]


def _review_row(user_id: int, user_index: int, n: int, per_user: int, card_ids: list[str], bank_id: int,
                rng: random.Random, recent: bool) -> dict[str, Any]:
    """The n-th of a learner's reviews (oldest first): 40 cards, each reviewed in turn."""
    cards = _user_cards(user_index, card_ids)
    card, rep = cards[n % CARDS_PER_USER], n // CARDS_PER_USER
    when = NOW - HISTORY + HISTORY * (n + 1) / (per_user + 1) + timedelta(seconds=rng.randint(0, 600))
    if recent:  # "me" reviewed a few cards earlier today, so the daily limits have something to count
        when = NOW - timedelta(minutes=5 * (per_user - n))
    rating = rng.choices([1, 2, 3, 4], weights=[1, 1, 6, 2])[0]
    before = None if rep == 0 else _progress(card, 2, rep, when, when - timedelta(days=rep * 3))
    after = _progress(card, 2 if rep else 1, rep + 1, when + timedelta(days=(rep + 1) * 3), when)
    return {"user_id": user_id, "guest_token": None, "bank_id": bank_id, "card_id": card, "rating": rating,
            "reviewed_at": when, "duration_ms": rng.randint(1500, 20000), "state_before": before,
            "state_after": after}


def _review_rows(total: int, me: tuple[int, int], others: list[tuple[int, int]], card_ids: list[str],
                 bank_id: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    mine = _spread(total, LOGS_PER_USER)
    other_total = total - len(mine)
    per_other = math.ceil(other_total / len(others))
    j = k = 0
    for i in range(total):
        if i in mine:
            yield _review_row(me[0], me[1], j, LOGS_PER_USER, card_ids, bank_id, rng,
                              recent=j >= LOGS_PER_USER - 8)
            j += 1
        else:
            uid, index = others[k % len(others)]
            yield _review_row(uid, index, k // len(others), per_other, card_ids, bank_id, rng, recent=False)
            k += 1


def _card_rows(users: list[tuple[int, int]], card_ids: list[str], bank_id: int,
               rng: random.Random) -> Iterator[dict[str, Any]]:
    for k in range(CARDS_PER_USER):  # interleaved: card k of every learner, then card k+1 ...
        for uid, index in users:
            card = _user_cards(index, card_ids)[k]
            reps = 1 + LOGS_PER_USER // CARDS_PER_USER
            last = NOW - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 1440))
            due = NOW + timedelta(days=rng.randint(-5, 30), minutes=rng.randint(0, 1440))
            yield {"user_id": uid, "guest_token": None, "bank_id": bank_id, "card_id": card, "state": 2,
                   "step": None, "stability": round(3.0 * reps, 3), "difficulty": round(4 + rng.random() * 4, 3),
                   "due": due, "last_review": last, "reps": reps, "lapses": rng.randint(0, 2)}


def _attempt_owners(total: int, me: int, others: list[int]) -> Iterator[int]:
    mine = _spread(total, ATTEMPTS_PER_USER)
    k = 0
    for i in range(total):
        if i in mine:
            yield me
        else:
            yield others[k % len(others)]
            k += 1


def _attempt_rows(total: int, me: int, others: list[int], bank_id: int, quizzes: list[list[dict[str, Any]]],
                  rng: random.Random) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    kinds = sorted({q["kind"] for quiz in quizzes for q in quiz})
    for attempt_id, user_id in enumerate(_attempt_owners(total, me, others), start=1):
        started = NOW - HISTORY + HISTORY * attempt_id / (total + 1)
        quiz = quizzes[attempt_id % len(quizzes)]
        questions, answers, score = [], [], 0.0
        for position, q in enumerate(quiz, start=1):
            qid = (attempt_id - 1) * QUESTIONS + position
            right = rng.random() < 0.7
            if q["kind"] == "match":
                key = [q["options"].index(right_text) for _, right_text in q["pairs"]]
                response = key if right else [0] * len(key)
                points = 1.0 if response == key else 0.0
            elif isinstance(q["answer"], list):  # multiple answer: the key's option numbers
                response = q["answer"] if right else [i for i in range(len(q["options"])) if i not in q["answer"]]
                points = 1.0 if right else 0.0
            else:
                response = q["answer"] if right else (q["answer"] + 1) % len(q["options"])
                points = 1.0 if right else 0.0
            score += points
            questions.append({"id": qid, "attempt_id": attempt_id, "position": position, "kind": q["kind"], "data": q})
            answers.append({"id": qid, "attempt_question_id": qid, "response": response, "score": points,
                            "answered_at": started + timedelta(seconds=20 * position)})
        attempt = {"id": attempt_id, "user_id": user_id, "guest_token": None, "bank_id": bank_id,
                   "seed": attempt_id, "kinds": kinds, "category": None, "feedback": "immediate",
                   "question_count": len(quiz), "score": score, "started_at": started,
                   "finished_at": started + timedelta(seconds=20 * len(quiz) + 5), "assignment_id": None,
                   "deadline": None}
        yield attempt, questions, answers


def _batches(rows: Iterator[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path: Path, logs: int, attempts: int, seed: int = 7) -> dict[str, int]:
    """A fresh database at ``path`` with the shipped banks, the users and their rows; returns row counts."""
    rng = random.Random(seed)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(path.parent / "instance")})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        for bank_file in bundled_bank_files():
            store_bank_file(bank_file)
        bank_id = db.session.execute(select(Bank.id).filter_by(slug=BANK)).scalar_one()
        db.session.remove()
        db.engine.dispose()
    bank = load_bank_file(REPO / "question_bank" / f"{BANK}.yaml")
    card_ids = [c.id for c in derive_cards(bank)]
    quizzes = [[q.to_dict() for q in generate_quiz(bank, count=QUESTIONS, seed=s)] for s in range(60)]

    n_others = max(math.ceil((logs - LOGS_PER_USER) / LOGS_PER_USER),
                   math.ceil((attempts - ATTEMPTS_PER_USER) / ATTEMPTS_PER_USER), 1)
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: sqlite3.Connection, _record: Any) -> None:  # bulk load only: no fsync
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA cache_size=-200000")

    hashed = generate_password_hash(PASSWORD)
    half = n_others // 2
    # "me" sits in the middle of the id range, like any learner.
    usernames = [f"learner{i:06d}" for i in range(half)] + [ME] + [f"learner{i:06d}" for i in range(half, n_others)]
    with engine.begin() as conn:
        for batch in _batches(({"id": i, "username": name, "username_key": normalise_username(name),
                                "display_name": name.title(), "password_hash": hashed,
                                "is_instructor": False, "on_leaderboard": True, "created_at": NOW - HISTORY}
                               for i, name in enumerate(usernames, start=1))):
            conn.execute(insert(User.__table__), batch)
    me_id = half + 1
    users = list(enumerate(usernames, start=1))
    me = (me_id, me_id - 1)
    others = [(uid, uid - 1) for uid, name in users if uid != me_id]
    counts = {"users": len(users)}
    with engine.begin() as conn:
        counts["review_logs"] = 0
        for batch in _batches(_review_rows(logs, me, others, card_ids, bank_id, rng)):
            conn.execute(insert(ReviewLog.__table__), batch)
            counts["review_logs"] += len(batch)
    with engine.begin() as conn:
        counts["card_states"] = 0
        owners = sorted({me[0], *(uid for uid, _ in others[:math.ceil((logs - LOGS_PER_USER) / LOGS_PER_USER)])})
        for batch in _batches(_card_rows([(uid, uid - 1) for uid in owners], card_ids, bank_id, rng)):
            conn.execute(insert(CardState.__table__), batch)
            counts["card_states"] += len(batch)
    with engine.begin() as conn:
        counts["quiz_attempts"] = counts["attempt_questions"] = counts["answers"] = 0
        attempt_owners = [uid for uid, _ in others[:math.ceil((attempts - ATTEMPTS_PER_USER) / ATTEMPTS_PER_USER)]]
        for batch in _batches(_attempt_rows(attempts, me_id, attempt_owners, bank_id, quizzes, rng), CHUNK // 10):
            conn.execute(insert(QuizAttempt.__table__), [a for a, _, _ in batch])
            conn.execute(insert(AttemptQuestion.__table__), [q for _, qs, _ in batch for q in qs])
            conn.execute(insert(Answer.__table__), [x for _, _, xs in batch for x in xs])
            counts["quiz_attempts"] += len(batch)
            counts["attempt_questions"] += sum(len(qs) for _, qs, _ in batch)
            counts["answers"] += sum(len(xs) for _, _, xs in batch)
    with engine.connect() as conn:
        for table in ("review_logs", "card_states", "quiz_attempts"):
            counts[f"me:{table}"] = conn.exec_driver_sql(f"select count(*) from {table} where user_id = ?",
                                                         (me_id,)).scalar_one()
    engine.dispose()
    return counts


# ---------------------------------------------------------------- timing the pages

class Learner:
    """ "me", logged in through the test client of an app on one database; records the SQL it runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                               "INSTANCE_PATH": str(path.parent / "instance")})
        self.statements: list[tuple[str, Any]] = []
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        self.client = self.app.test_client()
        response = self.client.post("/auth/login", data={"username": ME, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"could not log in as {ME!r} ({response.status_code})")

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self.statements.append((statement, parameters))

    def get(self, url: str) -> tuple[float, int, int]:
        """(seconds, HTTP status, SQL statements) of one request."""
        self.statements.clear()
        t0 = time.perf_counter()
        response = self.client.get(url)
        return time.perf_counter() - t0, response.status_code, len(self.statements)

    def close(self) -> None:
        self.engine.dispose()


def measure(paths: dict[str, Path], repeats: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Median time of each page for "me" in each database, requests alternating between the databases
    (so a noisy neighbour slows both alike), SQL statements per request, and each statement replayed."""
    learners = {label: Learner(path) for label, path in paths.items()}
    results: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in paths}
    for name, url in PAGES:
        for learner in learners.values():
            for _ in range(3):  # warm-up: caches of parsed banks and derived cards, SQLite's page cache
                learner.get(url)
        samples: dict[str, list[tuple[float, int, int]]] = {label: [] for label in paths}
        for _ in range(repeats):
            for label, learner in learners.items():
                samples[label].append(learner.get(url))
        for label, learner in learners.items():
            times = [t for t, _, _ in samples[label]]
            results[label][name] = {"url": url, "status": samples[label][-1][1], "median": statistics.median(times),
                                    "min": min(times), "queries": statistics.median(q for _, _, q in samples[label]),
                                    "sql": replay(learner.path, learner.statements)}
    for learner in learners.values():
        learner.close()
    return results


def replay(path: Path, statements: list[tuple[str, Any]]) -> dict[str, tuple[float, int, list[str]]]:
    """Each SELECT of one request run again on its own, rows fetched: statement -> (ms, rows, query plan).

    (Timing inside the app would miss most of a scan: SQLite produces rows as they are fetched.)
    """
    out = {}
    with sqlite3.connect(path) as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT") or statement in out:
                continue
            times, rows = [], 0
            for _ in range(5):
                t0 = time.perf_counter()
                rows = len(conn.execute(statement, parameters or ()).fetchall())
                times.append(time.perf_counter() - t0)
            plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ())]
            out[statement] = (statistics.median(times) * 1000, rows, plan)
    return out


def report(small: dict, large: dict) -> None:
    print(f"\n  {'page':<10}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'queries':>9}  url")
    for name, _ in PAGES:
        s, g = small[name], large[name]
        ratio = g["median"] / s["median"]
        flag = "" if ratio < 1.5 else "   <-- NOT FLAT"
        queries = f"{s['queries']:.0f}/{g['queries']:.0f}"
        print(f"  {name:<10}{s['median'] * 1000:>10.2f}{g['median'] * 1000:>10.2f}{ratio:>8.2f}{queries:>9}  "
              f"{g['url']} (HTTP {g['status']}){flag}")
    print("  (medians; queries = SQL statements per request, small/large: equal counts mean no N+1)")
    found = False
    for name, _ in PAGES:
        for statement, (big, rows, plan) in large[name]["sql"].items():
            base = small[name]["sql"].get(statement, (math.nan, 0, []))[0]
            if big > 1.0 and not big / base < 3:  # over 1 ms and 3x slower (or not run at all on the small one)
                found = True
                short = " ".join(statement.split())
                print(f"\n  {name}: a statement takes {big:.2f} ms in the large database vs {base:.2f} ms in the small "
                      f"one, for {rows} rows:\n    {short[:700]}")
                for step in plan:
                    print(f"    plan: {step}")
    if not found:
        print("  no statement is over 1 ms and 3x slower in the large database")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="multiply the large database's sizes (default 1.0)")
    p.add_argument("--repeats", type=int, default=30, help="timed requests per page and database (30)")
    p.add_argument("--quick", action="store_true", help="a smoke run: --scale 0.02 --repeats 10")
    p.add_argument("--analyze", action="store_true", help="run ANALYZE on both databases before timing")
    p.add_argument("--keep", type=Path, help="build the databases in this directory and keep them; "
                                             "reuse them if already there")
    args = p.parse_args(argv)
    if args.quick:
        args.scale, args.repeats = 0.02, 10
    started = time.perf_counter()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-scaling-"))
    workdir.mkdir(parents=True, exist_ok=True)
    paths = {}
    try:
        for label, (logs, attempts) in SIZES.items():
            if label == "large":
                logs, attempts = max(1_000, round(logs * args.scale)), max(100, round(attempts * args.scale))
            path = workdir / f"{label}-{logs}-{attempts}.sqlite"
            paths[label] = path
            marker = path.with_suffix(".json")
            if marker.exists() and path.exists():
                counts = json.loads(marker.read_text())
                print(f"{label}: reusing {path}")
            else:
                path.unlink(missing_ok=True)
                t0 = time.perf_counter()
                counts = build(path, logs, attempts)
                counts["build_seconds"] = round(time.perf_counter() - t0, 1)
                marker.write_text(json.dumps(counts))
            with sqlite3.connect(path) as conn:
                if args.analyze:
                    conn.execute("ANALYZE")
                else:  # a kept database analyzed by an earlier --analyze run: back to no statistics
                    for (table,) in conn.execute("select name from sqlite_master where name like 'sqlite_stat%'"):
                        conn.execute(f"DROP TABLE {table}")
            size = path.stat().st_size / 2**20
            print(f"{label}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f"; {size:,.0f} MiB")
        results = measure(paths, args.repeats)
        print(f"\nlogged in as {ME!r} (own data: {LOGS_PER_USER} review-log rows, {CARDS_PER_USER} card states, "
              f"{ATTEMPTS_PER_USER} quizzes), {args.repeats} requests per page after 3 warm-up ones"
              + (", after ANALYZE" if args.analyze else ", no ANALYZE (as the app runs)"))
        report(results["small"], results["large"])
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
