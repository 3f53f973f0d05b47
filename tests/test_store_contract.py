"""One contract, two backends: embedded Chroma and a real `chroma run` server behave the same through Store."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InteractionConflict, UnknownCustomer
from assistant.models import Interaction
from assistant.settings import Settings
from assistant.store import Store
from ingest.chunking import chunk_interaction
from ingest.pipeline import run_ingest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_pids(port: int) -> set[int]:
    """PIDs with a socket listening on the port (Linux /proc): `chroma run` re-parents, so its PID is not ours."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as fh:
            for row in fh.readlines()[1:]:
                cols = row.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                    inodes.add(f"socket:[{cols[9]}]")
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            fd_dir = f"/proc/{pid}/fd"
            if any(os.readlink(os.path.join(fd_dir, fd)) in inodes for fd in os.listdir(fd_dir)):
                pids.add(int(pid))
    return pids


def _chroma_executable() -> str:
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.exists() else "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = (data / "server.log").open("wb")
    launcher = subprocess.Popen(
        [_chroma_executable(), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or launcher.poll() not in (None, 0):
                launcher.kill()
                pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
    yield url
    for pid in _listening_pids(port) | ({launcher.pid} if launcher.poll() is None else set()):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _listening_pids(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in _listening_pids(port):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        launcher.wait(timeout=5)
    log.close()


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def backend(request, tmp_path) -> Settings:
    settings = Settings(store_dir=tmp_path / "store", collection=f"contract_{uuid.uuid4().hex[:12]}")
    if request.param == "server":
        settings = settings.model_copy(update={"chroma_url": request.getfixturevalue("chroma_server")})
    return settings


def call(iid: str, customer: str, turns: int, word: str = "mortgage", channel: str = "chat") -> Interaction:
    return Interaction.model_validate({
        "interaction_id": iid, "customer_id": customer, "channel": channel,
        "started_at": datetime(2025, 5, 1 + int(iid[-1]), tzinfo=UTC),
        "turns": [{"speaker": ("customer", "agent")[i % 2], "text": f"{word} {i} in {iid}"} for i in range(turns)],
    })


def store_call(store: Store, interaction: Interaction, seed: int = 0) -> list[str]:
    chunks = chunk_interaction(interaction, 4, 1)
    vectors = np.random.default_rng(seed).normal(size=(len(chunks), 8)).astype(np.float32)
    store.write_chunks(chunks, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    ids = [c.chunk_id for c in chunks]
    store.commit_interaction(interaction, f"hash-{seed}", ids)
    return ids


class TestStoreContract:
    def test_write_then_read_back(self, backend):
        store = Store(backend)
        ids = store_call(store, call("a-1", "c1", 7), seed=1)
        stored = store.chunks("c1")
        assert [s.chunk.chunk_id for s in stored] == ids
        assert stored[0].chunk.text.startswith("mortgage 0 in a-1\nmortgage 1")
        assert stored[0].chunk.speakers[:2] == ["customer", "agent"]
        assert stored[1].chunk.turn_ids == ["3", "4", "5", "6"] and stored[1].embedding.shape == (8,)
        assert stored[0].chunk.started_at == datetime(2025, 5, 2, tzinfo=UTC)
        assert store.interaction_hashes(["a-1", "nope"]) == {"a-1": "hash-1"}
        assert [i.interaction_id for i in store.interactions("c1")] == ["a-1"]
        store.close()

    def test_an_interaction_id_stays_with_its_customer(self, backend):
        store = Store(backend)
        ids = store_call(store, call("a-1", "c1", 7), seed=1)
        with pytest.raises(InteractionConflict, match="another customer"):
            store_call(store, call("a-1", "c2", 3, word="claim"), seed=2)  # a race past ingest's own check
        assert [s.chunk.chunk_id for s in store.chunks("c1")] == ids and store.chunks("c2") == []
        assert store.interaction_owners(["a-1"]) == {"a-1": ("c1", "hash-1")}
        store.close()

    def test_quarantined_facts_are_kept_out_of_the_to_do_list_until_released(self, backend):
        store = Store(backend)
        first, second = call("a-1", "c1", 2), call("b-2", "c1", 2)
        for n, interaction in enumerate((first, second)):
            store_call(store, interaction, seed=n)
        store.quarantine_facts(first, "OverflowError: date value out of range")
        assert [i.interaction_id for i in store.facts_pending()] == ["b-2"]
        store.replace_facts("c1", "b-2", [])
        assert store.mark_all_facts_pending() == 1 and [i.interaction_id for i in store.facts_pending()] == ["b-2"]
        [held] = store.facts_quarantined()
        assert (held.interaction_id, held.customer_id, held.reason) == ("a-1", "c1", "OverflowError: date value "
                                                                                    "out of range")
        assert store.release_quarantined() == 1 and store.facts_quarantined() == []
        assert {i.interaction_id for i in store.facts_pending()} == {"a-1", "b-2"}
        store.close()

    def test_stats(self, backend):
        store = Store(backend)
        store_call(store, call("a-1", "c1", 7), seed=1)
        store_call(store, call("b-2", "c2", 3, channel="voice"), seed=2)
        assert store.stats() == {"customers": 2, "interactions": 2, "chunks": 3,
                                 "by_channel": {"chat": 1, "voice": 1}}
        store.close()

    def test_reads_are_scoped_to_one_customer(self, backend):
        store = Store(backend)
        store_call(store, call("a-1", "c1", 7), seed=1)
        store_call(store, call("b-2", "c2", 7, word="pension"), seed=2)
        assert {s.chunk.customer_id for s in store.chunks("c1")} == {"c1"}
        assert all("pension" not in s.chunk.text for s in store.chunks("c1"))
        assert store.interaction("c1", "b-2") is None
        assert store.chunks("nobody") == []
        with pytest.raises(UnknownCustomer):
            store.customer("nobody")
        store.close()

    def test_replace_drops_stale_chunks(self, backend):
        store = Store(backend)
        old = store_call(store, call("a-1", "c1", 10), seed=1)
        before = store.version("c1")
        new = store_call(store, call("a-1", "c1", 4, word="loan"), seed=2)
        assert len(old) == 3 and len(new) == 1
        assert [s.chunk.chunk_id for s in store.chunks("c1")] == new
        assert store.stats()["chunks"] == 1 and store.version("c1") > before
        store.close()

    def test_ingest_is_idempotent(self, backend, embedder):
        store = Store(backend)
        records = [call("a-1", "c1", 7), call("b-2", "c2", 5)]
        first = run_ingest(store, embedder, backend, records)
        again = run_ingest(store, embedder, backend, records)
        assert (first.ingested, again.ingested, again.unchanged) == (2, 0, 2)
        assert store.stats()["chunks"] == first.chunks == 3  # 7 turns: 6 + 1; 5 turns: 5
        store.close()
