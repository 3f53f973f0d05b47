"""Ingest speed: raw torch encoding vs Rapport end to end vs a naive LangChain baseline, one run, same data.

    .venv/bin/python benchmarks/ingest.py [--data tests/data/insurance_calls.jsonl] [--repeat 2]

(a) SentenceTransformer.encode (torch) on exactly the chunk texts Rapport embeds;
(b) Rapport's run_ingest into a fresh store: parse, validate, redact, chunk, embed, write;
(c) LangChain: Chroma.from_documents with HuggingFaceEmbeddings, one document per turn, fresh folder.
Model loading is timed separately and excluded from all three. With --repeat N each is run N times,
interleaved, and the fastest run counts (the machine may be shared). The stored vectors of (b) are
checked against (a): cosine >= 0.9999 for every chunk. Prints a markdown block and writes it to
BENCHMARKS.md under "## Ingest", leaving the other sections as they are.

    .venv/bin/python benchmarks/ingest.py --redaction-only [--repeat 5]

times only the PII redaction step of (b) (the same function), fastest of the runs, and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np  # noqa: E402

from assistant.embedding import load_embedder, resolve_model_path  # noqa: E402
from assistant.models import Interaction  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import Store  # noqa: E402
from ingest.chunking import chunks_for  # noqa: E402
from ingest.loaders import read_records  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402
from ingest.redaction import Redactor, redact_interaction  # noqa: E402
from ingest.validation import validate_interaction  # noqa: E402

# Written from the runs of 2026-11-23 05:17-09:40 UTC (BENCHMARKS.md); re-read it when the numbers move.
READING = """Reading. Embedding is ~95% of Rapport's ingest. The reader thread (parse, validate, redact, chunk) and the
Chroma writer (~3 s of CPU for 2,850 windows) overlap with it, and batch N+1's embedding starts before batch N's
ends: 31.1 s against 32.9 s one batch at a time (three interleaved pairs, 5.6% faster). The ONNX export uses eager
attention and fuses bias+GELU and layer norms: 2.8% less ONNX time than the plain export (the two run alternately,
run by run, on a quarter of the windows, which cancels this machine's drift).

Why 0.67x is **not met** with vectors equal to torch's. Where the ONNX time goes (ORT profiler): MatMul 83-86%,
then GELU 5%, adds 4%, attention's small matmuls, transposes, softmax and layer norms. The dense matmuls run at
71-78 GFLOP/s per core on the model's shapes, as fast as this CPU (Zen 3, AVX2, no AVX-512) does fp32 GEMM:
OpenBLAS does 62-76 and torch's 50-69 on the same shapes, one thread each. The same windows embedded alone take
29.3-30.8 s (~0.65-0.68x of torch's best run); the whole ingest 31.5-35.0 s; the whole ingest with Chroma writes
turned off 29.3-30.5 s. So embedding alone is at the target already, and 0.67x would leave the store's writes
and the reader ~1 s of saturated-core time, where Chroma's upsert alone costs ~1.5 s (3.1 CPU-s; documents 1.3
of it, embeddings and index 1.2, metadata 0.7). Single rounds vary with this shared VM's noise (paired back to
back: 0.65-0.74x in the five rounds above, median 0.72), so the verdict compares fastest with fastest.

Tried and not adopted (all measured against the shipped export, interleaved, same windows):
- int8 (dynamic, per-channel): ~1.4x faster on the whole model but min cosine 0.95; only the FFN's two matmuls: 0.968;
  only one of them: 0.979-0.985. The vector target (>= 0.9999) rules all of them out.
- tanh GELU: ~2% faster, min cosine 0.999997; within the target but not enough to reach it, so the exact GELU stays.
- ORT's SkipLayerNorm and Attention fusions: 3% slower. OpenVINO 2026.4 on the same ONNX file: no faster
  (34 s vs 32-33 s).
- A hand-built 2-D graph (Q, K and V in one GEMM, biases inside the GEMMs, dense layers on real tokens only,
  no padding): vectors equal (min cosine 0.9999998), no faster (10.1 s vs 9.7 s on 30% of the windows): padding
  was already ~2% and a bias inside a GEMM costs what a separate add does.
- Two worker processes, out of the GIL's reach (Chroma's upsert holds it for the whole call): 32.7/34.1/32.7 s
  against 32.2/33.8/33.6 s in threads; both cores are already busy.
- Chroma: smaller upserts cost more (~40 ms per call: 2.2 s for 2,850 windows in batches of 512, 6.8 s in batches
  of 16); turning the full-text index off (Schema) saves nothing on an embedded store and breaks `$contains`.

The gap to LangChain comes from the ONNX speed and from embedding each turn once inside six-turn windows without
speaker labels (13% fewer tokens than one text per turn)."""

TORCH_BATCH = 32  # SentenceTransformer.encode's default: "raw" means out of the box
TORCH_BEST_BATCH = 16  # the fastest batch size for torch on these texts here, shown for fairness


def load_interactions(path: Path) -> list[Interaction]:
    return [r for r in map(validate_interaction, read_records(path)) if isinstance(r, Interaction)]


def rapport_texts(interactions: list[Interaction], settings: Settings) -> tuple[list[str], float, int]:
    """The distinct chunk texts run_ingest embeds, the time redaction took, and the chunk count."""
    redactor = Redactor(settings.phone_regions)
    started = time.perf_counter()
    redacted = [redact_interaction(i, redactor) for i in interactions]
    redaction_s = time.perf_counter() - started
    chunks = [c for i in redacted for c in chunks_for(i, settings)]
    return list(dict.fromkeys(c.text for c in chunks)), redaction_s, len(chunks)


def time_torch(model, texts: list[str], batch_size: int = TORCH_BATCH) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
    return time.perf_counter() - started, np.asarray(vectors, dtype=np.float32)


def time_rapport(embedder, settings: Settings, data: Path, store_dir: Path):
    run_settings = settings.model_copy(update={"store_dir": store_dir})
    started = time.perf_counter()
    store = Store(run_settings)
    report = run_ingest(store, embedder, run_settings, data)
    seconds = time.perf_counter() - started
    got = store._collection.get(include=["documents", "embeddings"])  # noqa: SLF001 - a benchmark may look inside
    store.close()
    return seconds, report, got


def time_langchain(embeddings, interactions: list[Interaction], folder: Path) -> tuple[float, int]:
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    started = time.perf_counter()
    documents = [
        Document(page_content=t.text, metadata={"interaction_id": i.interaction_id, "customer_id": i.customer_id,
                                                "turn_id": t.turn_id or "", "speaker": t.speaker})
        for i in interactions for t in i.turns
    ]
    store = Chroma.from_documents(documents, embeddings, persist_directory=str(folder), collection_name="naive",
                                  client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True))
    seconds = time.perf_counter() - started
    count = store._collection.count()  # noqa: SLF001
    return seconds, count


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    mem = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), {mem / 2**20:.0f} GiB RAM, Python {platform.python_version()}"


def versions() -> str:
    names = ["torch", "sentence-transformers", "onnxruntime", "chromadb", "langchain", "langchain-chroma",
             "langchain-huggingface"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "insurance_calls.jsonl")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--redaction-only", action="store_true", help="time the redaction step only; write nothing")
    args = parser.parse_args()
    if args.redaction_only:
        interactions = load_interactions(args.data)
        turns = sum(len(i.turns) for i in interactions)
        runs = [rapport_texts(interactions, Settings())[1] for _ in range(args.repeat)]
        print(f"| PII redaction alone (part of b) | {min(runs):.2f} s | {min(runs) / turns * 1e6:,.1f} µs/turn | |"
              f"  (runs: {', '.join(f'{r:.2f}' for r in runs)} s; load average {os.getloadavg()[0]:.1f})")
        return

    from langchain_huggingface import HuggingFaceEmbeddings
    from sentence_transformers import SentenceTransformer

    settings = Settings(store_dir=Path(tempfile.mkdtemp(prefix="rapport-bench-")))
    work = settings.store_dir
    load_before = os.getloadavg()[0]
    model_path = resolve_model_path(settings.embedding_model)
    interactions = load_interactions(args.data)
    turns = sum(len(i.turns) for i in interactions)
    texts, redaction_s, n_chunks = rapport_texts(interactions, settings)

    started = time.perf_counter()
    torch_model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    torch_load = time.perf_counter() - started
    started = time.perf_counter()
    embedder = load_embedder(settings)
    rapport_load = time.perf_counter() - started
    started = time.perf_counter()
    lc_embeddings = HuggingFaceEmbeddings(model_name=str(model_path), model_kwargs={"device": "cpu"})
    lc_load = time.perf_counter() - started
    warm = texts[:32]
    torch_model.encode(warm)
    embedder.embed_batch(warm)
    lc_embeddings.embed_documents(warm)

    torch_runs: list[tuple[float, float]] = []  # (wall s, CPU s of this process, all threads)
    rapport_runs: list[tuple[float, float]] = []
    lc_runs: list[tuple[float, float]] = []
    for n in range(args.repeat):
        cpu = time.process_time()
        seconds, torch_vectors = time_torch(torch_model, texts)
        torch_runs.append((seconds, time.process_time() - cpu))
        # A fresh folder each run: Chroma caches its client per path, so a folder is never reused.
        cpu = time.process_time()
        seconds, report, stored = time_rapport(embedder, settings, args.data, work / f"rapport-{n}")
        rapport_runs.append((seconds, time.process_time() - cpu))
        cpu = time.process_time()
        seconds, _ = time_langchain(lc_embeddings, interactions, work / f"langchain-{n}")
        lc_runs.append((seconds, time.process_time() - cpu))
        print(f"run {n + 1} (wall, cpu s): torch {torch_runs[-1]}, rapport {rapport_runs[-1]}, "
              f"langchain {lc_runs[-1]}, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)

    def tokens(batch: list[str]) -> int:
        return sum(min(len(ids), torch_model.max_seq_length) for ids in torch_model.tokenizer(batch)["input_ids"])

    rapport_tokens = tokens(texts)
    lc_tokens = tokens([t.text for i in interactions for t in i.turns])
    cpu = time.process_time()
    torch_best = time_torch(torch_model, texts, TORCH_BEST_BATCH)[0], time.process_time() - cpu
    by_text = dict(zip(texts, torch_vectors, strict=True))
    cosines = np.array([float(np.dot(by_text[doc], np.asarray(vec) / np.linalg.norm(vec)))
                        for doc, vec in zip(stored["documents"], stored["embeddings"], strict=True)])
    (t_torch, c_torch), (t_rapport, c_rapport), (t_lc, c_lc) = min(torch_runs), min(rapport_runs), min(lc_runs)
    ratio, speedup = t_rapport / t_torch, t_lc / t_rapport
    ok = {True: "met", False: "**missed**"}
    block = "\n".join([
        "## Ingest",
        "",
        f"`benchmarks/ingest.py --repeat {args.repeat}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        f"Machine: {machine()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
        "(a shared machine: fastest of the runs counts).",
        f"Versions: {versions()}.",
        f"Data: `{args.data.relative_to(REPO) if args.data.is_relative_to(REPO) else args.data}`, "
        f"{len(interactions)} interactions, {turns:,} turns → {n_chunks:,} chunks "
        f"({settings.chunk_turns} turns, overlap {settings.chunk_overlap}), {len(texts):,} distinct texts embedded "
        f"({rapport_tokens:,} tokens; LangChain's one text per turn: {lc_tokens:,} tokens).",
        "",
        "| | time | throughput | CPU time |",
        "|---|---:|---:|---:|",
        f"| (a) torch `SentenceTransformer.encode`, Rapport's chunk texts (default batch {TORCH_BATCH}) "
        f"| {t_torch:.1f} s | {len(texts) / t_torch:,.0f} texts/s | {c_torch:.0f} s |",
        f"| (a′) the same, batch {TORCH_BEST_BATCH} (torch's fastest here; one run) "
        f"| {torch_best[0]:.1f} s | {len(texts) / torch_best[0]:,.0f} texts/s | {torch_best[1]:.0f} s |",
        f"| (b) Rapport `run_ingest` end to end, fresh store ({type(embedder).__name__}) "
        f"| {t_rapport:.1f} s | {turns / t_rapport:,.0f} turns/s | {c_rapport:.0f} s |",
        f"| (c) naive LangChain: `Chroma.from_documents` + `HuggingFaceEmbeddings`, one document per turn "
        f"| {t_lc:.1f} s | {turns / t_lc:,.0f} turns/s | {c_lc:.0f} s |",
        f"| PII redaction alone (part of b) | {redaction_s:.2f} s | {redaction_s / turns * 1e6:,.1f} µs/turn | |",
        f"| model load, excluded above: torch / Rapport / LangChain | {torch_load:.1f} / {rapport_load:.1f} / "
        f"{lc_load:.1f} s | | |",
        "",
        f"- Rapport end to end vs raw torch encode of the same texts: {ratio:.2f}x the time "
        f"(target <= 0.67: {ok[ratio <= 2 / 3]}); vs torch at its fastest batch size: "
        f"{t_rapport / torch_best[0]:.2f}x.",
        f"- Paired (torch and Rapport back to back in the same round, which cancels the machine's drift): "
        f"{', '.join(f'{r[0] / t[0]:.2f}' for t, r in zip(torch_runs, rapport_runs, strict=True))}x "
        f"(median {float(np.median([r[0] / t[0] for t, r in zip(torch_runs, rapport_runs, strict=True)])):.2f}).",
        f"- Rapport vs naive LangChain: {speedup:.1f}x faster (target >= 2x: {ok[speedup >= 2]}).",
        f"- Vectors: cosine(Rapport's stored vector, torch's) over all {len(cosines):,} chunks: "
        f"min {cosines.min():.6f} "
        f"(target >= 0.9999: {ok[bool(cosines.min() >= 0.9999)]}).",
        f"- All runs, wall s: torch {', '.join(f'{x:.1f}' for x, _ in torch_runs)}; Rapport "
        f"{', '.join(f'{x:.1f}' for x, _ in rapport_runs)}; LangChain {', '.join(f'{x:.1f}' for x, _ in lc_runs)}.",
        f"- Rapport's closing line: {report.summary}",
        "",
        READING,
        "",
    ])
    print(block)
    write_section(args.out, block)
    shutil.rmtree(work, ignore_errors=True)


def write_section(path: Path, block: str) -> None:
    """Replace the "## Ingest" section (up to the next "## " heading) or append it; other sections stay."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Ingest\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block + "\n", text, count=1) if pattern.search(text) else (
        text.rstrip("\n") + "\n\n" + block)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
