"""Draft latency at scale: p50/p95 of greeting, handover and suggestions over many customers of a 100k store.

    .venv/bin/python benchmarks/query.py [--interactions 100000] [--store DIR] [--reuse] [--samples 150]

Building the store (the slow part, minutes; --reuse keeps a built one):
1. The demo data (assistant/demo) is ingested the normal way: redaction, chunking, real embeddings, facts.
2. Synthetic customers are cloned from those 12 stories: each gets one story's contacts plus routine contacts
   from other stories, new ids, the same texts. Chunk vectors are the real model's vectors of those texts,
   computed once per unique text and reused; facts are the demo facts with ids remapped. So every synthetic
   interaction is stored exactly as ingest would store it, without re-embedding the same text 100k times.
Timing: each draft type is measured on its own random sample of customers, first call per customer (cold
per-customer caches), with the demo "now"; the embedding model is loaded before timing. Results go to
BENCHMARKS.md under "## Query latency" (that section only).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np  # noqa: E402

from assistant.facade import Assistant  # noqa: E402
from assistant.models import Citation, Customer, Fact, Interaction  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from benchmarks.handover_rouge import write_section  # noqa: E402
from ingest.chunking import chunks_for  # noqa: E402

DEMO = REPO / "assistant" / "demo"
NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
ROUTINE_PER_CUSTOMER = 15  # contacts borrowed from other stories, so a customer has ~20 contacts


def build(assistant: Assistant, target: int, seed: int = 7) -> dict[str, float]:
    started = time.perf_counter()
    assistant.ingest(DEMO / "interactions.jsonl", customers=DEMO / "customers.jsonl")
    store, settings = assistant.store, assistant.settings
    personas = [c.customer_id for c in store.search_customers(limit=100)]
    stories = {cid: store.interactions(cid) for cid in personas}
    facts = {cid: store.facts(cid) for cid in personas}
    records = {cid: store.customer(cid) for cid in personas}
    vectors: dict[str, np.ndarray] = {}  # chunk text -> the real model's vector
    for cid in personas:
        for sc in store.chunks(cid):
            vectors[sc.chunk.text] = sc.embedding
    pool = [i for cid in personas for i in stories[cid]]
    rng = random.Random(seed)
    made, n = 62, 0
    chunks_buf, vecs_buf, commits, fact_rows = [], [], [], []
    customers: list[Customer] = []
    while made < target:
        n += 1
        persona = personas[n % len(personas)]
        new_id = f"syn-{n:06d}"
        rec = records[persona]
        customers.append(rec.model_copy(update={"customer_id": new_id, "name": f"{rec.name} {n}"}))
        own = list(stories[persona])
        routine = [i for i in rng.sample(pool, ROUTINE_PER_CUSTOMER) if i.customer_id != persona]
        mapping = {}
        for inter in own + routine:
            iid = f"{inter.interaction_id}~{n}"
            mapping[inter.interaction_id] = iid
            clone = inter.model_copy(update={"interaction_id": iid, "customer_id": new_id})
            chunks = chunks_for(clone, settings)
            chunks_buf += chunks
            vecs_buf += [vectors[c.text] for c in chunks]
            commits.append((clone, [c.chunk_id for c in chunks]))
            made += 1
        for f in facts[persona]:
            cites = [Citation(interaction_id=mapping[c.interaction_id], turn_ids=c.turn_ids)
                     for c in f.citations if c.interaction_id in mapping]
            if cites or not f.citations:
                fact_rows.append(f.model_copy(update={"fact_id": f"{f.fact_id}~{n}", "customer_id": new_id,
                                                      "citations": cites}))
        if len(chunks_buf) >= 5000 or made >= target:
            _flush(assistant, customers, chunks_buf, vecs_buf, commits, fact_rows)
            customers, chunks_buf, vecs_buf, commits, fact_rows = [], [], [], [], []
            print(f"  {made} interactions, {time.perf_counter() - started:.0f} s", flush=True)
    return {"seconds": time.perf_counter() - started, "customers": n + len(personas), "unique_texts": len(vectors)}


def _flush(assistant: Assistant, customers: list[Customer], chunks: list, vecs: list,
           commits: list[tuple[Interaction, list[str]]], facts: list[Fact]) -> None:
    store = assistant.store
    store.upsert_customers(customers)
    store.write_chunks(chunks, np.vstack(vecs).astype(np.float32))
    for inter, chunk_ids in commits:
        store.commit_interaction(inter, "synthetic", chunk_ids)
    by_interaction: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        key = (f.customer_id, f.citations[0].interaction_id if f.citations else f"record~{f.customer_id}")
        by_interaction.setdefault(key, []).append(f)
    for (cid, iid), group in by_interaction.items():
        store.replace_facts(cid, iid, group)


def measure(assistant: Assistant, samples: int, seed: int = 11) -> dict[str, list[float]]:
    ids = [cid for cid in assistant.store.customer_ids()]
    rng = random.Random(seed)
    picked = rng.sample(ids, min(len(ids), samples * 3))
    runs = {"greeting": assistant.greeting, "handover": assistant.handover, "suggestions": assistant.suggestions}
    out: dict[str, list[float]] = {}
    assistant.greeting(picked[0], now=NOW)  # warm-up: imports, first embedding call
    for k, (name, fn) in enumerate(runs.items()):
        times = []
        for cid in picked[k::3]:
            t = time.perf_counter()
            fn(cid, now=NOW)
            times.append(1000 * (time.perf_counter() - t))
        out[name] = times
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="draft latency at 100k interactions")
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=Path("/tmp/rapport-query-bench"))
    parser.add_argument("--reuse", action="store_true", help="measure an already built store")
    parser.add_argument("--samples", type=int, default=150, help="customers per draft type")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    settings = Settings(store_dir=args.store)
    assistant = Assistant(settings)
    built = {"seconds": 0.0}
    if not args.reuse:
        built = build(assistant, args.interactions)
    stats = assistant.stats()
    results = measure(assistant, args.samples)
    lines = [
        "## Query latency", "",
        f"`python benchmarks/query.py` — grounded drafter, {stats['interactions']:,} interactions, "
        f"{stats['customers']:,} customers, {stats['chunks']:,} stored windows (embedded Chroma + SQLite); "
        f"{args.samples} customers per draft type, first call per customer, demo now; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d}.", "",
        "| draft | p50 ms | p95 ms | max ms |", "|---|---|---|---|",
    ]
    for name, times in results.items():
        lines.append(f"| {name} | {statistics.median(times):.1f} | {pct(times, 0.95):.1f} | {max(times):.1f} |")
    worst = max(pct(t, 0.95) for t in results.values())
    lines += ["", f"Target p95 <= 100 ms per draft: {'met' if worst <= 100 else 'NOT met'} (worst p95 {worst:.1f} ms).",
              "Store: the 62 demo interactions ingested for real, the rest cloned from them with new ids (same "
              "texts, the real model's vectors reused, facts remapped) — see the module docstring."
              + (f" Build took {built['seconds']:.0f} s." if built.get("seconds") else ""),
              "Per draft: SQLite reads (customer, interactions, facts); the grounding check is lexical first "
              "(quotes verbatim, content words present) and calls the embedding model only for the few "
              "sentences that fail it (one batch, cached by text); the handover also runs the synopsis. "
              f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", ""]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(REPO / "BENCHMARKS.md", "## Query latency", section)
    assistant.close()


if __name__ == "__main__":
    main()
