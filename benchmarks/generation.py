"""Question generation speed: questions generated per second from a bank, and the time to build a quiz.

* questions/s: every generator run over the whole bank (``question_pool`` with all kinds), one seed
  after another for ``--seconds``; a pool's size divided by the median time per pool (the median
  resists a noisy neighbour; the overall rate is printed too).
* quiz build: ``generate_quiz(bank, count=50, seed)`` (what starting a 50-question quiz runs, before
  storing it), timed ``--runs`` times with different seeds; median, min and max printed.
* first quiz: a 10-question quiz on a freshly parsed bank object, which builds the tables the generators
  keep per bank (quizapp/core/generators/per_bank.py), beside the next one on the same bank; medians of 7.

Pure core, no database or Flask.  No timed assertions.

    python benchmarks/generation.py [--bank question_bank/llm-vs-genai.yaml] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from quizapp.core.bank_loader import load_bank_file  # noqa: E402
from quizapp.core.generators import generate_quiz, question_pool  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bank", type=Path, default=REPO / "question_bank" / "llm-vs-genai.yaml",
                   help="fact bank to generate from (default: the default bank)")
    p.add_argument("--seconds", type=float, default=5.0, help="how long to generate pools for questions/s (5)")
    p.add_argument("--runs", type=int, default=31, help="50-question quizzes to build and time (31)")
    p.add_argument("--count", type=int, default=50, help="questions per quiz (50)")
    p.add_argument("--quick", action="store_true", help="1 s of pools and 7 quizzes")
    args = p.parse_args(argv)
    if args.quick:
        args.seconds, args.runs = 1.0, 7
    started = time.perf_counter()

    t0 = time.perf_counter()
    bank = load_bank_file(args.bank)
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"bank: {args.bank.name} ({bank}); parsed and validated in {load_ms:.1f} ms")

    per_kind: dict[str, int] = {}
    pool_times, pool_sizes = [], []
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        pools = question_pool(bank, seed=len(pool_times))
        pool_times.append(time.perf_counter() - t0)
        pool_sizes.append(sum(len(qs) for qs in pools.values()))
        per_kind = {kind: len(qs) for kind, qs in pools.items()}
    median = statistics.median(pool_times)
    size = statistics.median(pool_sizes)
    print(f"questions generated: {size / median:,.0f} per second (median over {len(pool_times)} full pools of "
          f"{size:.0f} questions: {median * 1000:.2f} ms per pool; overall {sum(pool_sizes) / sum(pool_times):,.0f}/s)")
    print("  per pool: " + ", ".join(f"{k} {n}" for k, n in per_kind.items()))

    generate_quiz(bank, count=args.count, seed=-1)  # warm-up
    times, sizes = [], set()
    for seed in range(args.runs):
        t0 = time.perf_counter()
        quiz = generate_quiz(bank, count=args.count, seed=seed)
        times.append((time.perf_counter() - t0) * 1000)
        sizes.add(len(quiz))
    size = "/".join(str(s) for s in sorted(sizes))
    print(f"{args.count}-question quiz: median {statistics.median(times):.2f} ms "
          f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs; quizzes had {size} questions)")

    first, next_ = [], []
    for seed in range(7):
        fresh = load_bank_file(args.bank)
        t0 = time.perf_counter()
        generate_quiz(fresh, count=10, seed=seed)
        first.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        generate_quiz(fresh, count=10, seed=seed + 1)
        next_.append((time.perf_counter() - t0) * 1000)
    print(f"10-question quiz on a freshly parsed bank: first {statistics.median(first):.2f} ms (builds the per-bank "
          f"tables), next {statistics.median(next_):.2f} ms")
    print(f"total time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
