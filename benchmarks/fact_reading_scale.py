"""Fact reading time for one customer turn of 1 KB, 10 KB and 100 KB (issue 16: a 100 KB turn took 32 s, nearly all
in sentiment). Reading is capped per turn (RAPPORT_FACTS_MAX_SENTENCES_PER_TURN, ..._SENTENCE_CHARS), so time
grows at most linearly and then stops growing. Results go to BENCHMARKS.md.

Usage: python benchmarks/fact_reading_scale.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from one_contact import one_contact  # noqa: E402

from assistant.embedding import load_embedder  # noqa: E402
from assistant.memory.facts.base import ReadingLimits  # noqa: E402
from assistant.memory.facts.extract import Extractor  # noqa: E402
from assistant.settings import Settings  # noqa: E402

TEXT = ("My card was blocked while I was travelling in Lisbon and nobody called me back. "
        "Amy has her exams next week, so it's a busy time for us. I am really unhappy about the fees. ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    extractor = Extractor(load_embedder(settings), limits=ReadingLimits(settings.facts_max_sentences_per_turn,
                                                                       settings.facts_max_sentence_chars))
    extractor.extract([one_contact(("customer", TEXT))])  # warm: spaCy, VADER, classifiers
    print(f"cap: {settings.facts_max_sentences_per_turn} sentences/turn, {settings.facts_max_sentence_chars} chars")
    for kb in (1, 10, 100):
        text = (TEXT * (kb * 1024 // len(TEXT) + 1))[: kb * 1024]
        contact = one_contact(("agent", "How can I help?"), ("customer", text))
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            facts = extractor.extract([contact])
            times.append(time.perf_counter() - started)
        print(f"{kb:>4} KB turn: median {statistics.median(times):.2f} s over {args.repeat} "
              f"({len(next(iter(facts.values())))} facts)", flush=True)


if __name__ == "__main__":
    main()
