"""20 simultaneous API clients on 127.0.0.1 (a bounded loop each) get correct answers about their own customer only."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "api_concurrency.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("api_concurrency", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # a real server and 20 client threads: about a minute here
def test_twenty_simultaneous_clients_get_isolated_answers(tmp_path, embedder, bench):
    from assistant.server import create_app

    clients = 20
    settings, assistant, tokens = bench.prepare(tmp_path / "store", clients, embedder=embedder)
    customers = [c.model_dump(mode="json") for c in assistant.customers(limit=clients)]
    assert len({c["customer_id"] for c in customers}) == clients  # one customer per client, twins included
    app = create_app(settings, assistant, ui=False, demo_data=False)
    with bench.LocalServer(app) as server:
        assert server.url.startswith("http://127.0.0.1:")
        results, seconds = bench.run_clients(server.url, tokens, customers, clients, rounds=2)
    assistant.close()
    errors = [e for r in results for e in r.errors]
    assert errors == []
    assert len(results) == clients
    stats = bench.summary(results)
    assert stats["all"]["n"] == clients * (2 + 2 * 4)  # ingest + ask once, then four calls a round
    assert stats["all"]["p95"] < 30.0  # generous: two cores here; the measured numbers are in BENCHMARKS.md
