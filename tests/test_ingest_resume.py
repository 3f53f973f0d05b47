"""A run killed with SIGKILL mid-ingest, then started again, leaves exactly the store an uninterrupted run does."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.settings import Settings
from assistant.store import Store
from ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parents[1]

# Small commit batches, so the run has many commit points to be killed between.
INGEST_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    import ingest.pipeline as pipeline
    from assistant.embedding import load_embedder
    from assistant.settings import Settings
    from assistant.store import Store

    pipeline.COMMIT_CHUNKS = 16
    settings = Settings(store_dir=Path(sys.argv[1]))
    store = Store(settings)
    report = pipeline.run_ingest(store, load_embedder(settings), settings, sys.argv[2],
                                 on_committed=lambda batch: print("committed", len(batch), flush=True))
    print("done", report.ingested, report.unchanged, flush=True)
""")


def calls(n: int) -> list[dict]:
    speakers = ("customer", "agent")
    return [
        {
            "interaction_id": f"call-{i:03d}", "customer_id": f"cust-{i % 37:02d}", "channel": "voice",
            "started_at": f"2025-0{1 + i % 9}-{1 + i % 28:02d}T09:{i % 60:02d}:00Z",
            "turns": [{"speaker": speakers[t % 2], "text": f"call {i} turn {t}: about the renewal of policy {i % 11}"}
                      for t in range(5 + i % 5)],
        }
        for i in range(n)
    ]


def snapshot(store_dir: Path) -> tuple:
    """Everything that identifies the stored records: catalog rows and Chroma ids, documents and metadata."""
    db = sqlite3.connect(store_dir / "rapport.sqlite3")
    rows = sorted(db.execute("SELECT interaction_id, customer_id, content_hash, chunk_ids, record FROM interactions"))
    db.close()
    client = chromadb.PersistentClient(path=str(store_dir / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    got = client.get_collection(Settings().collection).get(include=["documents", "metadatas"])
    chunks = sorted(zip(got["ids"], got["documents"], [json.dumps(m, sort_keys=True) for m in got["metadatas"]],
                        strict=True))
    return rows, chunks


def start_ingest(store_dir: Path, source: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.Popen([sys.executable, "-c", INGEST_SCRIPT, str(store_dir), str(source), str(REPO)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun_equals_uninterrupted_run(tmp_path, embedder):
    source = tmp_path / "calls.jsonl"
    source.write_text("".join(json.dumps(c) + "\n" for c in calls(200)), encoding="utf-8")

    killed_dir = tmp_path / "killed"
    proc = start_ingest(killed_dir, source)
    deadline = time.monotonic() + 300
    for line in proc.stdout:  # wait for the first commit, then kill without warning
        if line.startswith("committed") or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(killed_dir / "rapport.sqlite3") as db:
        committed = db.execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
    assert 0 < committed < 200, "the kill should land mid-run"

    rerun = start_ingest(killed_dir, source)
    out, _ = rerun.communicate(timeout=600)
    assert rerun.returncode == 0
    done = out.strip().splitlines()[-1].split()
    assert done[0] == "done" and int(done[1]) + int(done[2]) == 200 and int(done[2]) >= committed

    clean_settings = Settings(store_dir=tmp_path / "clean")
    clean_store = Store(clean_settings)
    report = run_ingest(clean_store, embedder, clean_settings, source)
    clean_store.close()
    assert report.ingested == 200

    killed, clean = snapshot(killed_dir), snapshot(tmp_path / "clean")
    assert len(killed[0]) == len(clean[0]) == 200
    assert len(killed[1]) == len(clean[1]) == report.chunks
    assert killed == clean
