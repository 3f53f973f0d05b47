"""How long `rapport` commands that need no model take, start to exit, on the demo store.

    python benchmarks/cli_startup.py [--repo PATH] [--store DIR] [--runs 5]

--repo runs another checkout's code with this virtual environment (e.g. a `git worktree` of an older commit,
for a before/after). Without --store the demo store is built first (`rapport demo`, not timed). Each command
runs in a fresh interpreter; the table gives the median wall time and the median CPU time (user + system) of
the runs (on a shared machine the CPU time is the steadier figure), and whether the embedding model's modules
were imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [["stats"], ["customers"], ["customers", "--search", "lopez"], ["timeline", "cust-maria-lopez"],
            ["users", "list"], ["eval", "sets"]]
MODEL_MODULES = ("torch", "sentence_transformers", "transformers", "onnxruntime", "spacy", "chromadb")
SCRIPT = """
import json, sys
from assistant.cli import main
watched = json.loads(sys.argv[2])
sys.argv = ['rapport', *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stderr.write('\\nMODULES ' + json.dumps([m for m in watched if m in sys.modules]) + '\\n')
"""


def run_once(repo: Path, argv: list[str], env: dict[str, str]) -> tuple[float, float, list[str]] | None:
    """(wall s, CPU s, model modules imported), or None when the command crashed (its error is printed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(argv), json.dumps(MODEL_MODULES)], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    marker = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    if not marker or "Traceback" in done.stderr:
        print(f"rapport {' '.join(argv)} failed: {done.stderr.strip().splitlines()[-1]}", file=sys.stderr)
        return None
    return wall, cpu, json.loads(marker[-1].removeprefix("MODULES "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = args.repo.resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    folder = Path(tempfile.mkdtemp(prefix="rapport-cli-startup-"))
    env["RAPPORT_USERS_FILE"] = str(folder / "users.json")
    if args.store is None:
        env["RAPPORT_STORE_DIR"] = str(folder / "store")
        if run_once(repo, ["demo"], env) is None:
            raise SystemExit("rapport demo failed")
    else:
        env["RAPPORT_STORE_DIR"] = str(args.store)
    print(f"{repo} ({subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=repo, capture_output=True, text=True).stdout.strip()}), "  # noqa: E501
          f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f} at the start")
    print("| command | wall, median (s) | CPU, median (s) | model modules imported |")
    print("|---|---|---|---|")
    for argv in COMMANDS:
        tried = [run_once(repo, argv, env) for _ in range(args.runs)]
        runs = [r for r in tried if r is not None]
        if not runs:
            print(f"| `rapport {' '.join(argv)}` | crashed | | |", flush=True)
            continue
        loaded = sorted({m for _, _, mods in runs for m in mods})
        print(f"| `rapport {' '.join(argv)}` | {statistics.median(w for w, _, _ in runs):.2f} | "
              f"{statistics.median(c for _, c, _ in runs):.2f} | {', '.join(loaded) or 'none'} |", flush=True)


if __name__ == "__main__":
    main()
