"""ROUGE of the handover's summary section on DialogSum dev, next to LEAD-3, written to BENCHMARKS.md.

Usage: python benchmarks/handover_rouge.py [--data tests/data/dialogsum_dev.jsonl] [--no-write]

Each dialogue becomes one interaction (#Person1# = customer, #Person2# = agent) and goes through the same
code the handover uses for its "summary" section (assistant.drafting.handover.synopsis_lines: e-mail
furniture and instruction-like sentences removed, then the deterministic synopsis, SUMMARY_WORDS words).
The references name the speakers "#Person1#"/"#Person2#", so those are the names passed in. LEAD-3 is the
first three utterances. Scores: rouge-score F1 x100, stemming on, averaged over dialogues.
DialogSum is CC BY-NC-SA 4.0, evaluation only (tests/data/NOTICE.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rouge_score import rouge_scorer  # noqa: E402

from assistant.drafting.handover import SUMMARY_WORDS, synopsis_lines  # noqa: E402
from assistant.models import Interaction  # noqa: E402

_SPEAKER = re.compile(r"^#Person(\d+)#:\s*(.*)$")
TARGETS = {"rouge1": 30.0, "rougeL": 24.0}


def to_interaction(record: dict) -> Interaction:
    turns: list[dict[str, str]] = []
    for line in record["dialogue"].split("\n"):
        m = _SPEAKER.match(line.strip())
        if m:
            turns.append({"speaker": "customer" if m.group(1) == "1" else "agent", "text": m.group(2) or "..."})
        elif turns and line.strip():
            turns[-1]["text"] += " " + line.strip()
    return Interaction(interaction_id=record["id"], customer_id="dialogsum", channel="chat",
                       started_at=datetime(2026, 1, 1, tzinfo=UTC), turns=turns)


def lead3(record: dict) -> str:
    return " ".join(line.strip() for line in record["dialogue"].split("\n")[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "dialogsum_dev.jsonl")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores: dict[str, dict[str, list[float]]] = {"handover summary": {}, "LEAD-3": {}}
    words: list[int] = []
    started = time.perf_counter()
    for record in records:
        inter = to_interaction(record)
        summary = " ".join(s.text for s in synopsis_lines(inter, "#Person1#", agent="#Person2#"))
        words.append(len(summary.split()))
        for name, text in (("handover summary", summary), ("LEAD-3", lead3(record))):
            for metric, value in scorer.score(record["summary"], text).items():
                scores[name].setdefault(metric, []).append(100 * value.fmeasure)
    seconds = time.perf_counter() - started
    table = {name: {m: statistics.fmean(v) for m, v in by.items()} for name, by in scores.items()}
    lines = [
        "## Handover summary quality", "",
        f"`python benchmarks/handover_rouge.py` — the handover's summary section (grounded, no model) on the "
        f"{len(records)} dialogues of DialogSum dev (CC BY-NC-SA 4.0, evaluation only), each dialogue one "
        "interaction with #Person1# as the customer; rouge-score F1 x100 with stemming, mean over dialogues. "
        "LEAD-3 (the first three utterances) ran in the same run.", "",
        "| summary | ROUGE-1 | ROUGE-2 | ROUGE-L |", "|---|---|---|---|",
    ]
    for name, row in table.items():
        lines.append(f"| {name} | {row['rouge1']:.1f} | {row['rouge2']:.1f} | {row['rougeL']:.1f} |")
    met = all(table["handover summary"][m] >= t for m, t in TARGETS.items())
    lines += ["", f"Targets: ROUGE-1 >= {TARGETS['rouge1']:.0f}, ROUGE-L >= {TARGETS['rougeL']:.0f}: "
              f"{'met' if met else 'NOT met'}. Summary length: median {statistics.median(words):.0f} words "
              f"(budget {SUMMARY_WORDS}); {1000 * seconds / len(records):.1f} ms per dialogue "
              f"({datetime.now(UTC):%Y-%m-%d}).", ""]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(REPO / "BENCHMARKS.md", "## Handover summary quality", section)


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace one '## ' section of BENCHMARKS.md (or append it), leaving every other section as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section.rstrip() + "\n"
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
