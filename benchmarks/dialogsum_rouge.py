"""ROUGE of the deterministic synopsis against DialogSum references, next to a LEAD-3 baseline.

Usage: python benchmarks/dialogsum_rouge.py [path/to/dialogsum_dev.jsonl] [--show N]

Each dialogue's "#Person1#:" turns are passed as the customer and "#Person2#:" turns as the
agent, with customer="#Person1#", agent="#Person2#" so the names match the references.
Scores are rouge-score F-measures x100 (use_stemmer=True), averaged over dialogues.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rouge_score import rouge_scorer  # noqa: E402

from assistant.drafting.synopsis import synopsis  # noqa: E402

_SPEAKER = re.compile(r"^#Person(\d+)#:\s*(.*)$")


def default_path() -> Path:
    local = REPO / "tests" / "data" / "dialogsum_dev.jsonl"
    return local if local.exists() else (REPO / ".." / "shared" / "data" / "dialogsum_dev.jsonl").resolve()


def parse_turns(dialogue: str) -> list[tuple[str, str, str]]:
    turns: list[tuple[str, str, str]] = []
    for i, line in enumerate(dialogue.split("\n")):
        m = _SPEAKER.match(line.strip())
        if m:
            speaker = "customer" if m.group(1) == "1" else "agent"
            turns.append((f"t{i}", speaker, m.group(2)))
        elif turns and line.strip():  # continuation line
            tid, spk, text = turns[-1]
            turns[-1] = (tid, spk, text + " " + line.strip())
    return turns


def lead3(dialogue: str, keep_tags: bool = False) -> str:
    """First three utterances; by default their text only (the usual LEAD-3), optionally with the
    "#PersonN#:" tags kept (which alone match the references' speaker names)."""
    lines = dialogue.split("\n")[:3]
    if keep_tags:
        return "\n".join(lines)
    return "\n".join(re.sub(r"^#Person\d+#:\s*", "", line) for line in lines)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    show = 0
    if "--show" in argv:
        show = int(argv[argv.index("--show") + 1])
        args = [a for a in args if a != str(show)]
    path = Path(args[0]) if args else default_path()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    keys = ("rouge1", "rouge2", "rougeL")
    totals = {
        "LEAD-3": dict.fromkeys(keys, 0.0),
        "LEAD-3 (speaker tags kept)": dict.fromkeys(keys, 0.0),
        "synopsis": dict.fromkeys(keys, 0.0),
    }
    n_words = 0
    all_turns = [parse_turns(row["dialogue"]) for row in rows]
    for k, row in enumerate(rows):
        turns = all_turns[k]
        sents = synopsis(turns, customer="#Person1#", agent="#Person2#")
        hyp = " ".join(s.text for s in sents)
        n_words += len(hyp.split())
        systems = (
            ("LEAD-3", lead3(row["dialogue"])),
            ("LEAD-3 (speaker tags kept)", lead3(row["dialogue"], keep_tags=True)),
            ("synopsis", hyp),
        )
        for name, text in systems:
            sc = scorer.score(row["summary"], text)
            for key in keys:
                totals[name][key] += sc[key].fmeasure
        if k < show:
            print(f"--- {row['id']}\nREF: {row['summary']}\nSYN: {hyp}\n")
    n = max(1, len(rows))
    # runtime: best of three full passes (the machine may be shared), synopsis only
    elapsed = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for turns in all_turns:
            synopsis(turns, customer="#Person1#", agent="#Person2#")
        elapsed = min(elapsed, time.perf_counter() - t0)
    print(f"DialogSum: {path} ({len(rows)} dialogues)\n")
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-L |")
    print("|---|---:|---:|---:|")
    for name, sc in totals.items():
        r1, r2, rl = (100 * sc[k] / n for k in keys)
        print(f"| {name} | {r1:.2f} | {r2:.2f} | {rl:.2f} |")
    print(f"\nsynopsis: {1000 * elapsed / n:.2f} ms per dialogue, {n_words / n:.1f} words on average")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
