"""Print the test-wise solver's per-kind table for a fact bank (see tests/testwise.py).

The solver knows no facts; it answers by surface cues (length, stem echo, absolutes,
the most often keyed option or position...), learning on half of each seed's
question pool which cue pays per kind and answering the other half, over many seeds.
``leak`` is its score above chance; a sound kind stays within 5 points.

    python benchmarks/testwise.py [question_bank/llm-vs-genai.yaml ...] [--seeds 40] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from quizapp.core.bank_loader import load_bank_file  # noqa: E402
from quizapp.core.generators import question_pool  # noqa: E402
from tests.testwise import analyse, by_kind, strict_habit, table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("banks", nargs="*", type=Path,
                   default=sorted((REPO / "question_bank").glob("*.yaml")), help="fact bank files")
    p.add_argument("--seeds", type=int, default=40, help="seeds' pools to measure (40)")
    p.add_argument("--strict", action="store_true",
                   help="also print the stricter 'right most often when offered' habit cue per kind")
    p.add_argument("--quick", action="store_true", help="a smoke run: 5 seeds")
    args = p.parse_args(argv)
    if args.quick:
        args.seeds = 5
    for path in args.banks:
        bank = load_bank_file(path)
        pools = by_kind([question_pool(bank, seed) for seed in range(args.seeds)])
        print(f"\n{path.name} ({args.seeds} seeds)")
        print(table([analyse(kind, per_seed) for kind, per_seed in pools.items()]))
        if args.strict:
            print("stricter habit cue (right most often when offered), not asserted:")
            for kind, per_seed in pools.items():
                print(f"  {kind:<13} {100 * strict_habit(per_seed):6.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
