"""Load benchmark: quizapp under gunicorn, driven by locust (headless, in its own process).

Starts gunicorn (``--workers`` per instance, ``--instances`` instances on their own ports sharing
one database) on a fresh database made by ``quizapp init-db``, with QUIZAPP_BENCH_ENDPOINTS=1.
For each number of concurrent users, five locust phases run one after the other against the same
servers (each through ``locust_driver.py``, in its own process): ``/bench/hello`` only and
``/bench/insert`` only for half the baseline time, the learner flow of ``locustfile.py``
(register, log in, then 10-question quizzes and flashcard reviews), then hello and insert again.
Baselines therefore bracket the learner phase; their before/after rates show how much the
machine's load drifted.  The learner phase is measured after every user has registered and
logged in (that warm-up is reported on its own).

It prints, per step, requests/s, p50/p95/p99 latency and errors, and each step's throughput and
p50 as ratios of the hello and insert baselines, then the count of "database is locked" errors
in the server logs (must be 0).  Users have no think time: the server is saturated, so the
figures are capacity and latency under contention, not a traffic forecast.

Examples::

    python benchmarks/load.py                    # SQLite, 1 instance, 32 and 128 users, 60 s each
    python benchmarks/load.py --quick            # smoke run: 4 users, a few seconds per phase
    python benchmarks/load.py --instances 2 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_bench

No timed assertions: exits 0 unless the server cannot be started.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DRIVER = HERE / "locust_driver.py"
STEP_ORDER = ["register form", "register", "logout", "login form", "login", "quiz form", "start quiz", "question",
              "answer", "results", "review card", "review show", "review rate"]
LOCKED = "database is locked"


@dataclass
class Row:
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", default="32,128", help="comma-separated concurrent user counts (default: 32,128)")
    p.add_argument("--duration", type=float, default=60, help="seconds of the learner phase per user count (60)")
    p.add_argument("--baseline-duration", type=float, default=20,
                   help="seconds of each baseline (hello, insert) per user count, half measured before the learner "
                        "phase and half after (20)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 4 users, 6 s learner phase, 4 s baselines (overrides the three above)")
    p.add_argument("--database-url", help="SQLAlchemy URL of a PostgreSQL database to use instead of a temporary "
                                          "SQLite file. It is DROPPED and recreated: its name must contain 'bench' "
                                          "unless --force-reset is given")
    p.add_argument("--force-reset", action="store_true", help="allow resetting a database whose name lacks 'bench'")
    p.add_argument("--instances", type=int, default=1, help="gunicorn instances on different ports, sharing the "
                                                            "database; users are dealt to them in turn (1)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance (2)")
    p.add_argument("--spawn-rate", type=float, help="users started per second (default: all within two seconds)")
    p.add_argument("--wrk", action="store_true",
                   help="instead of the locust mix: the question and review pages with wrk beside hello and insert, "
                        "and the answer, rating and quiz-start POSTs (benchmarks/pages.py), in under a minute")
    p.add_argument("--out", type=Path, help="keep each phase's figures (JSON) and the logs here (default: a "
                                            "temporary directory, removed at the end)")
    args = p.parse_args(argv)
    if args.quick:
        args.users, args.duration, args.baseline_duration = "4", 6, 4
    args.user_counts = [int(u) for u in args.users.split(",") if u.strip()]
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_postgres(url: str, force: bool) -> str:
    """Drop and recreate the database named in ``url``; returns the URL to use."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name and not force:
        raise SystemExit(f"refusing to reset database {name!r}: its name lacks 'bench' (use --force-reset)")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def quizapp_command() -> list[str]:
    script = Path(sys.executable).with_name("quizapp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flask", "--app", "quizapp"]


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn for {base} exited with {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{base}/bench/hello", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn at {base} did not answer within {timeout:.0f} s")


def start_servers(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> tuple[list, list[str], list[Path]]:
    procs, hosts, logs = [], [], []
    for i in range(args.instances):
        port = free_port()
        log = workdir / f"gunicorn-{i + 1}.log"
        fh = log.open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "--error-logfile", "-", "--log-level", "warning", "quizapp:create_app()"],
            cwd=workdir, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        hosts.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    for base, proc in zip(hosts, procs, strict=True):
        wait_ready(base, proc)
        # First use creates the baseline table; do it now, not inside a measured phase.
        urllib.request.urlopen(urllib.request.Request(f"{base}/bench/insert", method="POST", data=b""),
                               timeout=10).close()
    return procs, hosts, logs


def stop_servers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: gunicorn's master and its workers
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_phase(user_class: str, users: int, seconds: float, spawn_rate: float | None, hosts: list[str],
              log: Path, env: dict[str, str]) -> dict:
    """One locust phase in its own process (locust_driver.py); returns its figures."""
    cmd = [sys.executable, str(DRIVER), user_class, "--users", str(users), "--seconds", str(seconds),
           "--hosts", ",".join(hosts)]
    if spawn_rate:
        cmd += ["--spawn-rate", str(spawn_rate)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=HERE)
    log.write_text(done.stderr)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"locust phase {user_class} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    ready = f", {result['ready']} users ready after {result['warmup_seconds']:.1f} s" \
        if user_class == "LearnerUser" else ""
    print(f"  {user_class:<12}{users:>4} users: {result['window']:.0f} s measured{ready}; locust used "
          f"{result['locust_cpu']:.2f} CPU cores", flush=True)
    return result


def percentile(histogram: dict[int, int], percent: float) -> float:
    """locust's own rule, over a merged histogram of rounded response times (ms -> count)."""
    total = sum(histogram.values())
    done = 0
    for ms in sorted(histogram, reverse=True):
        done += histogram[ms]
        if total - done <= total * percent:
            return float(ms)
    return float("nan")


def merged(name: str, *phases: dict) -> Row:
    """One step's figures over several phases (the baseline before and after the learner phase)."""
    histogram: dict[int, int] = {}
    count = failures = 0
    seconds = 0.0
    for phase in phases:
        f = phase["steps"][name]
        count, failures, seconds = count + f["count"], failures + f["failures"], seconds + f["seconds"]
        for ms, n in f["histogram"].items():
            histogram[int(ms)] = histogram.get(int(ms), 0) + n
    return Row(name, count, failures, count / seconds, percentile(histogram, 0.5), percentile(histogram, 0.95),
               percentile(histogram, 0.99))


def rows_of(figures: dict[str, dict]) -> dict[str, Row]:
    return {name: Row(name, int(f["count"]), int(f["failures"]), f["rps"], _num(f["p50"]), _num(f["p95"]),
                      _num(f["p99"])) for name, f in figures.items()}


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3g}" if b and a == a and b == b else "-"


def print_level(hello: Row, insert: Row, rows: dict[str, Row], title: str, header: bool = True) -> None:
    def line(label: str, r: Row) -> None:
        print(f"  {label:<14}{r.count:>9}{r.rps:>9.1f}{r.p50:>8.0f}{r.p95:>8.0f}{r.p99:>8.0f}{r.failures:>7}"
              f"{_ratio(r.rps, hello.rps):>11}{_ratio(r.rps, insert.rps):>11}"
              f"{_ratio(r.p50, hello.p50):>11}{_ratio(r.p50, insert.p50):>11}")

    if header:
        print(f"\n  {'step':<14}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
              f"{'rps/hello':>11}{'rps/insert':>11}{'p50/hello':>11}{'p50/insert':>11}")
        line("hello (base)", hello)
        line("insert (base)", insert)
    print(f"  -- {title}")
    names = [n for n in STEP_ORDER if n in rows] + sorted(n for n in rows if n not in STEP_ORDER and n != "Aggregated")
    for name in names:
        line(name, rows[name])
    if "Aggregated" in rows:
        line("all steps", rows["Aggregated"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.wrk:
        import pages

        extra = ["--workers", str(args.workers), "--seconds", "2"]  # 2 levels x 12 steps x 2 s: 55 s with the setup
        return pages.main(extra + (["--database-url", args.database_url] if args.database_url else []))
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    out = args.out or workdir
    out.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        db_url = reset_postgres(args.database_url, args.force_reset)
        db_label = "PostgreSQL"
    else:
        db_url = f"sqlite:///{workdir / 'quizapp.sqlite'}"
        db_label = "SQLite (WAL)"
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": secrets.token_hex(32),
           "QUIZAPP_BENCH_ENDPOINTS": "1", "BENCH_RUN_TAG": secrets.token_hex(3), "PYTHONUNBUFFERED": "1"}
    init = subprocess.run([*quizapp_command(), "init-db"], env=env, cwd=workdir, capture_output=True, text=True,
                          check=False)
    if init.returncode != 0:
        print(init.stdout, init.stderr, file=sys.stderr)
        raise SystemExit("quizapp init-db failed")
    print(f"quizapp load benchmark: {db_label}, {args.instances} gunicorn instance(s) x {args.workers} workers, "
          f"users {args.user_counts}, learner phase {args.duration:.0f} s, baselines {args.baseline_duration:.0f} s "
          f"each; {os.cpu_count()} CPUs shared by server(s), locust and the database")
    procs: list[subprocess.Popen] = []
    summary = []
    try:
        procs, hosts, logs = start_servers(args, env, workdir)
        print(f"servers: {', '.join(hosts)}")
        for users in args.user_counts:
            level_start = time.monotonic()
            load_before = os.getloadavg()[0]
            half = args.baseline_duration / 2
            # The baselines bracket the learner phase (half before, half after), so drift in a shared,
            # noisy machine shows up (before/after) and averages out in the ratios.
            phases = [("hello-1", "HelloUser", half), ("insert-1", "InsertUser", half),
                      ("app", "LearnerUser", args.duration),
                      ("hello-2", "HelloUser", half), ("insert-2", "InsertUser", half)]
            results = {}
            for phase, cls, seconds in phases:
                results[phase] = run_phase(cls, users, seconds, args.spawn_rate, hosts,
                                           out / f"u{users}-{phase}-locust.log", env)
                (out / f"u{users}-{phase}.json").write_text(json.dumps(results[phase], indent=1))
            hello = merged("hello", results["hello-1"], results["hello-2"])
            insert = merged("insert", results["insert-1"], results["insert-2"])
            app = results["app"]
            print(f"\n== {users} concurrent users ({time.monotonic() - level_start:.0f} s; load average "
                  f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after) ==")
            print(f"  warm-up: {app['ready']} learners registered and logged in within {app['warmup_seconds']:.1f} s")
            for name, a, b in (("hello", results["hello-1"], results["hello-2"]),
                               ("insert", results["insert-1"], results["insert-2"])):
                ra, rb = a["steps"][name]["rps"], b["steps"][name]["rps"]
                print(f"  baseline {name}: {ra:.1f} req/s before the learner phase, {rb:.1f} after "
                      f"(after/before {_ratio(rb, ra)}; far from 1 means the machine's load changed)")
            print_level(hello, insert, rows_of(app["warmup"]), "register/login (during warm-up)")
            print_level(hello, insert, rows_of(app["steps"]),
                        f"steady state ({app['window']:.0f} s measured after the warm-up)", header=False)
            errors = [e for r in results.values() for e in r["errors"]]
            if errors:
                print("  failures:")
                for e in errors:
                    print(f"    {e['occurrences']:>6} x {e['method']} {e['name']}: {str(e['error'])[:160]}")
            agg = rows_of(app["steps"]).get("Aggregated")
            summary.append((users, hello, insert, agg, sum(e["occurrences"] for e in errors)))
    finally:
        stop_servers(procs)
    locked = 0
    tracebacks = 0
    for log in {*workdir.glob("*.log"), *out.glob("*.log")}:
        text = log.read_text(errors="replace")
        locked += text.lower().count(LOCKED)
        tracebacks += text.count("Traceback (most recent call last)")
    print("\n== summary ==")
    for users, hello, insert, agg, nfail in summary:
        if agg is None:
            continue
        print(f"  {users:>4} users: app {agg.rps:.1f} req/s (p50 {agg.p50:.0f} ms, p95 {agg.p95:.0f} ms), "
              f"hello {hello.rps:.1f} req/s, insert {insert.rps:.1f} req/s; app throughput = "
              f"{_ratio(agg.rps, hello.rps)} x hello, {_ratio(agg.rps, insert.rps)} x insert; failures {nfail}")
    print(f"  '{LOCKED}' errors in server logs: {locked} (must be 0)")
    print(f"  tracebacks in server logs: {tracebacks}")
    print(f"  total time: {time.monotonic() - started:.0f} s")
    if args.out:
        for log in workdir.glob("*.log"):
            shutil.copy(log, args.out / log.name)
        print(f"  figures (JSON) and logs kept in {args.out}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
