"""Run-to-run noise of the prompt lab: the same variant run several times over one evaluation set (an A/A test).
Reports how far latency and scores move between identical runs, and how often the lab's noise rule
(assistant.ui.lab.beyond_noise) would wrongly call one of two identical runs "better".

Usage: python benchmarks/lab_noise.py [--set scenarios] [--type greeting] [--runs 5] [--limit 10]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    from assistant.embedding import load_embedder
    from assistant.evaluation import runner, sets
    from assistant.settings import Settings
    from assistant.ui.lab import LOWER_IS_BETTER, SHOWN_METRICS, beyond_noise

    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="scenarios")
    ap.add_argument("--type", default="greeting")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", type=int, default=10)
    args = ap.parse_args()
    settings = Settings()
    embedder = load_embedder(settings)
    evset = sets.load_set(args.set)
    evset = evset.model_copy(update={"cases": [c for c in evset.cases if c.draft_type == args.type][: args.limit]})
    runs = [runner.run_eval(evset, "grounded", {}, settings=settings, embedder=embedder) for _ in range(args.runs)]
    directed = set(runner.HIGHER_IS_BETTER) | set(LOWER_IS_BETTER)
    print(f"{args.runs} identical grounded runs, {len(evset.cases)} {args.type} cases of '{args.set}'")
    for name in ("latency_p50_s", "latency_p95_s"):
        values = [r.aggregate[name] for r in runs]
        pairs = list(itertools.combinations(values, 2))
        rel = [abs(b - a) / a for a, b in pairs if a]
        print(f"{name}: {min(values) * 1000:.1f}-{max(values) * 1000:.1f} ms; pairwise relative difference "
              f"median {sorted(rel)[len(rel) // 2]:.1%}, max {max(rel):.1%}")
    pairs = list(itertools.combinations(runs, 2))
    naive = sum(1 for a, b in pairs for m in SHOWN_METRICS if m in directed
                and a.aggregate.get(m) is not None and b.aggregate.get(m) != a.aggregate.get(m))
    flagged = sum(1 for a, b in pairs for m in SHOWN_METRICS if m in directed and beyond_noise(m, a, b))
    print(f"metric comparisons between identical runs: {len(pairs) * len(directed & set(SHOWN_METRICS))}; "
          f"a bare delta would call {naive} of them better, the noise rule {flagged}")


if __name__ == "__main__":
    main()
