"""Size limits (issue 16, item 2): request bodies (413, declared or streamed), records per request, turns per
interaction and characters per turn over REST; `rapport ingest`'s own higher limits to the rejects file; and REST
ingests on their own bounded workers, so a long ingest never starves other agents' drafts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from rest_client import role_tokens

from assistant.server import create_app

WHEN = datetime(2026, 11, 20, 10, tzinfo=UTC).isoformat()
SLOW = "slowmark"


def _interaction(iid: str, turns: list[str], customer_id: str = "cust-lim") -> dict:
    return {"interaction_id": iid, "customer_id": customer_id, "channel": "chat", "started_at": WHEN,
            "turns": [{"speaker": "customer", "text": t} for t in turns]}


class SlowEmbedder:
    """The real model, but a batch holding SLOW takes `delay` seconds (a long ingest, without the CPU cost)."""

    def __init__(self, inner, delay: float) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.delay, self.name, self.dim = inner, delay, inner.name, inner.dim

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        if any(SLOW in t for t in texts):
            time.sleep(self.delay)
        return self.inner.embed_batch(texts)


@pytest.fixture()
def app_with(tmp_path, embedder):
    """app_with(**settings) -> (client, tokens, assistant), on a fresh store with one customer."""
    from assistant.facade import Assistant
    from assistant.settings import Settings

    opened = []

    def make(delay: float = 0.0, **overrides):  # type: ignore[no-untyped-def]
        settings = Settings(store_dir=tmp_path / f"store{len(opened)}", **overrides)
        assistant = Assistant(settings, embedder=SlowEmbedder(embedder, delay))
        assistant.ingest([_interaction("lim-1", ["My card was blocked while I was in Lisbon last week."])],
                         customers=[{"customer_id": "cust-lim", "name": "Lena Imre"}])
        client = TestClient(create_app(settings, assistant, ui=False, demo_data=False))
        client.__enter__()
        opened.append((client, assistant))
        return client, role_tokens(settings), assistant

    yield make
    for client, assistant in opened:
        client.__exit__(None, None, None)
        assistant.close()


def _auth(tokens: dict[str, str], role: str = "service") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}", "Content-Type": "application/json"}


def test_a_declared_body_over_the_limit_is_a_413_naming_it(app_with):
    client, tokens, assistant = app_with(max_request_bytes=4096)
    body = json.dumps(_interaction("big-1", ["word " * 2000])).encode()
    r = client.post("/api/interactions", content=body, headers=_auth(tokens))
    assert r.status_code == 413
    assert "RAPPORT_MAX_REQUEST_BYTES" in r.json()["detail"][0]["msg"] and "4,096" in r.json()["detail"][0]["msg"]
    assert [i.interaction_id for i in assistant.interactions("cust-lim")] == ["lim-1"]


def test_a_streamed_body_is_counted_and_refused_before_it_is_read_whole(app_with):
    client, tokens, assistant = app_with(max_request_bytes=4096)
    sent = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked
        for _ in range(1000):
            sent.append(1)
            yield b" " * 1024

    r = client.post("/api/interactions", content=chunks(), headers=_auth(tokens))
    assert r.status_code == 413 and "RAPPORT_MAX_REQUEST_BYTES" in r.json()["detail"][0]["msg"]
    assert len(assistant.interactions("cust-lim")) == 1


def test_records_turns_and_characters_per_turn_have_limits_that_name_themselves(app_with):
    client, tokens, assistant = app_with(max_records_per_request=3, max_turns_per_interaction=4, max_turn_chars=100)
    many = [_interaction(f"m-{n}", ["Hello there, my card is blocked."]) for n in range(4)]
    r = client.post("/api/interactions", json=many, headers=_auth(tokens))
    assert r.status_code == 422 and "RAPPORT_MAX_RECORDS_PER_REQUEST" in r.json()["detail"][0]["msg"]

    batch = [_interaction("ok-1", ["Fine."]), _interaction("long-turns", ["Hi."] * 5),
             _interaction("long-text", ["Fine.", "x" * 101])]
    r = client.post("/api/interactions", json=batch, headers=_auth(tokens))
    assert r.status_code == 422
    found = {tuple(e["loc"]): e for e in r.json()["detail"]}
    turns = found[("body", 1, "turns")]
    assert "RAPPORT_MAX_TURNS_PER_INTERACTION" in turns["msg"] and turns["record_id"] == "long-turns"
    text = found[("body", 2, "turns", 1, "text")]
    assert "RAPPORT_MAX_TURN_CHARS" in text["msg"] and "101" in text["msg"] and text["record_id"] == "long-text"
    assert [i.interaction_id for i in assistant.interactions("cust-lim")] == ["lim-1"]  # all or nothing


def test_cli_ingest_has_higher_limits_and_rejects_what_passes_them(tmp_path, settings, embedder):
    from assistant.facade import Assistant

    settings = settings.model_copy(update={"max_turn_chars": 50, "ingest_max_turn_chars": 500,
                                           "ingest_max_turns_per_interaction": 3})
    source = tmp_path / "calls.jsonl"
    records = [_interaction("a-1", ["y" * 400]),  # over REST's limit, under ingest's
               _interaction("a-2", ["Fine.", "z" * 501]), _interaction("a-3", ["Hi."] * 4)]
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    assistant = Assistant(settings, embedder=embedder)
    try:
        report = assistant.ingest(source, customers=[{"customer_id": "cust-lim", "name": "Lena Imre"}])
    finally:
        assistant.close()
    assert report.ingested == 1 and report.rejected == 2
    errors = {(e.line, e.field): e.reason for e in report.errors}
    assert "RAPPORT_INGEST_MAX_TURN_CHARS" in errors[(2, "turns.1.text")]
    assert "RAPPORT_INGEST_MAX_TURNS_PER_INTERACTION" in errors[(3, "turns")]
    reasons = (tmp_path / "calls.jsonl.rejects.reasons.jsonl").read_text()
    assert "RAPPORT_INGEST_MAX_TURN_CHARS" in reasons and "RAPPORT_INGEST_MAX_TURNS_PER_INTERACTION" in reasons
    rejects = (tmp_path / "calls.jsonl.rejects.jsonl").read_text().splitlines()
    assert [json.loads(x)["interaction_id"] for x in rejects] == ["a-2", "a-3"]  # the records as they were


def test_drafts_are_answered_while_long_ingests_run(app_with):
    """More long ingests than the server has request threads: before, they took every thread and a greeting
    waited for one to finish; now they queue on their own workers (the overflow gets 503 + Retry-After)."""
    client, tokens, _ = app_with(delay=2.5, ingest_workers=1, ingest_queue=1)
    started = threading.Barrier(46)

    def post(n: int) -> int:
        started.wait()
        r = client.post("/api/interactions", headers=_auth(tokens),
                        json=_interaction(f"slow-{n}", [f"A long {SLOW} contact number {n} about my card."]))
        return r.status_code if r.status_code != 503 or r.headers.get("Retry-After") else -1

    with ThreadPoolExecutor(45) as pool:
        posted = [pool.submit(post, n) for n in range(45)]
        started.wait()
        time.sleep(0.5)  # the ingests are in
        t = time.perf_counter()
        greeting = client.get("/api/customers/cust-lim/greeting", headers=_auth(tokens, "agent"))
        waited = time.perf_counter() - t
        codes = [f.result() for f in posted]
    assert greeting.status_code == 200
    assert waited < 1.5, f"the greeting waited {waited:.1f} s behind the ingests"
    assert codes.count(201) >= 1 and set(codes) <= {201, 503}
