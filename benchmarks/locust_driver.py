"""Run one locust phase through locust's Python API and print its figures as JSON (used by ``load.py``).

Runs in its own process (locust patches the standard library with gevent on import).  Users are
started, then the statistics are reset once every user is ready (for ``LearnerUser``: registered
and logged in; the register/login figures are kept from that warm-up), and the measured window of
``--seconds`` starts.  Throughput is requests in the window divided by its length.

    python benchmarks/locust_driver.py LearnerUser --users 32 --seconds 60 --hosts http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gevent  # noqa: E402
import locustfile  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.stats import StatsEntry  # noqa: E402

WARMUP_STEPS = {"register form", "register", "logout", "login form", "login"}


def figures(entry: StatsEntry, seconds: float) -> dict[str, float]:
    def pct(p: float) -> float:
        return float(entry.get_response_time_percentile(p)) if entry.num_requests else float("nan")

    return {"count": entry.num_requests, "failures": entry.num_failures, "rps": entry.num_requests / seconds,
            "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99), "seconds": seconds,
            "histogram": {str(ms): n for ms, n in entry.response_times.items()}}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("user_class", choices=["HelloUser", "InsertUser", "LearnerUser"])
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True, help="length of the measured window")
    p.add_argument("--spawn-rate", type=float, help="users started per second (default: half the users)")
    p.add_argument("--hosts", required=True, help="comma-separated base URLs; users are dealt to them in turn")
    p.add_argument("--warmup-timeout", type=float, default=180, help="longest wait for every user to be ready")
    args = p.parse_args(argv)
    locustfile.HOSTS[:] = [h.rstrip("/") for h in args.hosts.split(",") if h]
    user_class = getattr(locustfile, args.user_class)
    env = Environment(user_classes=[user_class], host=locustfile.HOSTS[0])
    runner = env.create_local_runner()
    t_start = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate or max(1.0, args.users / 2))
    deadline = t_start + args.warmup_timeout
    ready = (lambda: locustfile.READY >= args.users) if args.user_class == "LearnerUser" \
        else (lambda: runner.user_count >= args.users)
    while not ready() and time.monotonic() < deadline:
        gevent.sleep(0.05)
    if args.user_class != "LearnerUser":
        gevent.sleep(1.0)  # let connections open before measuring
    warmup_seconds = time.monotonic() - t_start
    warmup = {name: figures(entry, max(warmup_seconds, 1e-9)) for (name, _), entry in env.stats.entries.items()
              if name in WARMUP_STEPS}
    warmup_errors = [e.to_dict() for e in env.stats.errors.values()]
    env.stats.reset_all()
    cpu0, t0 = cpu_seconds(), time.monotonic()
    gevent.sleep(args.seconds)
    window = time.monotonic() - t0
    steps = {name: figures(entry, window) for (name, _), entry in env.stats.entries.items()
             if name not in WARMUP_STEPS and entry.num_requests}
    steps["Aggregated"] = figures(env.stats.total, window)
    errors = [e.to_dict() for e in env.stats.errors.values()]
    cpu = (cpu_seconds() - cpu0) / window
    runner.quit()
    print(json.dumps({"warmup_seconds": warmup_seconds, "ready": locustfile.READY, "window": window,
                      "locust_cpu": cpu, "warmup": warmup, "steps": steps,
                      "errors": warmup_errors + errors}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
