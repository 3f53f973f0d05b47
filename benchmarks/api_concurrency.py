"""Simultaneous REST clients against one Rapport server on 127.0.0.1: every client works on its own customer and
checks that every answer is that customer's (citations, facts, name); latency percentiles go to BENCHMARKS.md.

Usage: python benchmarks/api_concurrency.py [--clients 20] [--rounds 10] [--bulk] [--no-write]

--bulk: meanwhile a feed posts maximal batches (RAPPORT_MAX_RECORDS_PER_REQUEST interactions each, for customers
of its own) over and over, so the agents' latencies are measured while the largest allowed ingest runs.

The store holds the demo data plus "twins" (copies of demo customers under new ids and names, same words), so
isolation is tested where it is hardest: identical text that belongs to someone else. Each client, in a bounded
loop: greeting, ask, suggestions, facts; once, it posts a new contact (real-time ingest) and asks about it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import httpx  # noqa: E402

DEMO = REPO / "assistant" / "demo"
TWIN_NAMES = ["Ava Stone", "Ben Carter", "Cleo Hart", "Dan Frost", "Ella Reyes", "Finn Doyle", "Gia Moreau",
              "Hugo Lind", "Iris Quinn", "Jack Soto"]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@dataclass
class ClientResult:
    customer_id: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def demo_with_twins(n_customers: int) -> tuple[list[dict], list[dict]]:
    """The demo customers, plus twins until there are n_customers: same history, new ids and names."""
    customers, interactions = _read(DEMO / "customers.jsonl"), _read(DEMO / "interactions.jsonl")
    out_c, out_i = list(customers), list(interactions)
    for k in range(max(0, n_customers - len(customers))):
        source = customers[k % len(customers)]
        twin_id = f"{source['customer_id']}-twin{k}"
        out_c.append({**source, "customer_id": twin_id, "name": TWIN_NAMES[k % len(TWIN_NAMES)],
                      "contact": {"email": f"twin{k}@example.com", "phone": None}})
        out_i += [{**i, "interaction_id": f"{i['interaction_id']}-twin{k}", "customer_id": twin_id}
                  for i in interactions if i["customer_id"] == source["customer_id"]]
    return out_c, out_i


def prepare(store_dir: Path, n_customers: int, embedder: Any = None) -> tuple[Any, Any, dict[str, str]]:
    """Settings, Assistant (store filled) and API tokens: an agent's and a service's."""
    from assistant.auth import add_user, create_token
    from assistant.facade import Assistant
    from assistant.settings import Settings

    settings = Settings(store_dir=store_dir)
    assistant = Assistant(settings, embedder=embedder) if embedder else Assistant(settings)
    customers, interactions = demo_with_twins(n_customers)
    assistant.ingest(interactions, customers=customers)
    add_user(settings, "bench-agent", "agent")
    add_user(settings, "bench-feed", "service")
    tokens = {"agent": create_token(settings, "bench-agent").token,
              "service": create_token(settings, "bench-feed").token}
    return settings, assistant, tokens


class LocalServer:
    """uvicorn in a thread on 127.0.0.1 and a free port; never another interface."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def client_loop(url: str, tokens: dict[str, str], customer: dict, index: int, rounds: int,
                start: threading.Barrier) -> ClientResult:
    cid, first, last = customer["customer_id"], customer["name"].split()[0], customer["name"].split()[-1]
    result = ClientResult(cid)
    agent = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['agent']}"}, timeout=120)
    feed = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['service']}"}, timeout=120)
    now = {"now": NOW.isoformat()}

    def call(name: str, client: httpx.Client, method: str, path: str, **kw: Any) -> Any:
        t0 = time.perf_counter()
        response = client.request(method, path, **kw)
        result.latencies[name].append(time.perf_counter() - t0)
        if response.status_code >= 300:
            result.errors.append(f"{name}: HTTP {response.status_code} {response.text[:200]}")
            return None
        return response.json()

    def check(name: str, citations: list[dict]) -> None:
        foreign = [c["interaction_id"] for c in citations if c["interaction_id"] not in own]
        if foreign:
            result.errors.append(f"{name}: cites another customer's contacts {foreign}")

    try:
        own = {i["interaction_id"] for i in agent.get(f"/api/customers/{cid}/interactions").json()}
        start.wait()
        for r in range(rounds):
            if r == 0:  # the real-time path, under load: post a contact, then ask about it
                iid = f"rt-{cid}-{index}"
                own.add(iid)
                record = {"interaction_id": iid, "customer_id": cid, "channel": "chat",
                          "started_at": (NOW - timedelta(minutes=30)).isoformat(),
                          "turns": [{"speaker": "customer",
                                     "text": f"The courier lost my parcel number {index}7{index} at the depot."},
                                    {"speaker": "agent", "text": "I'm sorry, I've raised a trace with the courier."}]}
                call("ingest", feed, "POST", "/api/interactions", json=record)
                answer = call("ask", agent, "POST", f"/api/customers/{cid}/ask",
                              json={"question": "What happened with the lost parcel at the depot?", **now})
                if answer is not None:
                    check("ask", answer["citations"])
                    if iid not in {c["interaction_id"] for c in answer["citations"]}:
                        result.errors.append("ask: the contact posted a moment ago is not cited")
            greeting = call("greeting", agent, "GET", f"/api/customers/{cid}/greeting", params=now)
            if greeting is not None:
                check("greeting", greeting["citations"])
                # their own customer, by first name or by the title and surname they asked for ("Mrs Whitfield")
                if first not in greeting["text"] and last not in greeting["text"]:
                    result.errors.append(f"greeting: not addressed to {first}: {greeting['text'][:80]}")
            answer = call("ask", agent, "POST", f"/api/customers/{cid}/ask",
                          json={"question": "What was the last contact about?", **now})
            if answer is not None:
                check("ask", answer["citations"])
            for s in call("suggestions", agent, "GET", f"/api/customers/{cid}/suggestions", params=now) or []:
                check("suggestions", s["citations"])
            for f in call("facts", agent, "GET", f"/api/customers/{cid}/facts", params=now) or []:
                if f["customer_id"] not in ("", cid):
                    result.errors.append(f"facts: a fact of {f['customer_id']}")
                check("facts", f["citations"])
    except Exception as exc:  # noqa: BLE001 - a crashed client is a finding to report, not a crashed benchmark
        result.errors.append(f"client crashed: {type(exc).__name__}: {exc}")
    finally:
        agent.close()
        feed.close()
    return result


def bulk_feed(url: str, tokens: dict[str, str], records: int, stop: threading.Event) -> ClientResult:
    """Maximal batches, one after another, until `stop`: each `records` new contacts of 100 bulk customers."""
    result = ClientResult("bulk")
    feed = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['service']}"}, timeout=600)
    feed.post("/api/customers", json=[{"customer_id": f"cust-bulk-{n}", "name": f"Bulk Customer{n}"}
                                      for n in range(100)])
    batch = 0
    while not stop.is_set():
        body = [{"interaction_id": f"bulk-{batch}-{n}", "customer_id": f"cust-bulk-{n % 100}", "channel": "chat",
                 "started_at": (NOW - timedelta(days=n % 300, minutes=batch)).isoformat(),
                 "turns": [{"speaker": "customer", "text": f"My card {batch}{n} was declined at the shop again and "
                                                           "I am fed up with it."},
                           {"speaker": "agent", "text": "I'm sorry, I've unblocked it and I will call you tomorrow."}]}
                for n in range(records)]
        t0 = time.perf_counter()
        response = feed.post("/api/interactions", json=body)
        result.latencies["bulk ingest (batch)"].append(time.perf_counter() - t0)
        if response.status_code >= 300:
            result.errors.append(f"bulk ingest: HTTP {response.status_code} {response.text[:200]}")
        batch += 1
    feed.close()
    return result


def run_clients(url: str, tokens: dict[str, str], customers: list[dict], clients: int,
                rounds: int, bulk_records: int = 0) -> tuple[list[ClientResult], float]:
    start = threading.Barrier(clients)
    results: list[ClientResult | None] = [None] * clients

    def work(i: int) -> None:
        results[i] = client_loop(url, tokens, customers[i % len(customers)], i, rounds, start)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    stop, fed = threading.Event(), []
    feeder = threading.Thread(target=lambda: fed.append(bulk_feed(url, tokens, bulk_records, stop)))
    if bulk_records:
        feeder.start()
        time.sleep(2.0)  # the first maximal batch is under way before the agents start
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    stop.set()
    if bulk_records:
        feeder.join()
    return [r for r in results if r is not None] + fed, seconds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def summary(results: list[ClientResult]) -> dict[str, dict[str, float]]:
    by_endpoint: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for name, values in r.latencies.items():
            by_endpoint[name] += values
    by_endpoint["all"] = [v for values in list(by_endpoint.values()) for v in values]
    return {name: {"n": len(v), "p50": statistics.median(v), "p95": percentile(v, 0.95), "max": max(v)}
            for name, v in by_endpoint.items() if v}


def markdown(stats: dict[str, dict[str, float]], clients: int, rounds: int, seconds: float, errors: int,
             bulk: int = 0) -> str:
    total = stats["all"]["n"]
    if bulk:
        stats = {k: v for k, v in stats.items() if k != "all"}  # a batch's minutes are not an agent's latency
    rows = [f"| {name} | {s['n']:.0f} | {s['p50'] * 1000:.0f} | {s['p95'] * 1000:.0f} | {s['max'] * 1000:.0f} |"
            for name, s in sorted(stats.items(), key=lambda kv: (kv[0] == "all", kv[0]))]
    heading = "## Drafts during a maximal ingest" if bulk else f"## API concurrency ({clients} clients)"
    during = (f" Meanwhile a feed posts maximal batches ({bulk:,} interactions per request) back to back; the "
              "agents' rows are measured while they run." if bulk else "")
    return "\n".join([
        heading, "",
        f"`python benchmarks/api_concurrency.py --clients {clients} --rounds {rounds}{' --bulk' if bulk else ''}` "
        f"— {clients} simultaneous "
        "REST clients (threads; an agent's bearer token, and a service token to ingest) against one uvicorn server on "
        "127.0.0.1, embedded Chroma store with the demo data plus twin customers (same words, other ids). Each "
        "client works on its own customer: one real-time ingest + a question about it, then per round greeting, "
        f"ask, suggestions, facts; every answer is checked to cite only that customer's contacts.{during}", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d}. {total:.0f} requests in {seconds:.1f} s ({total / seconds:.1f} req/s); "
        f"isolation or HTTP errors: **{errors}**.", "",
        "| endpoint | requests | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|", *rows, "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--bulk", action="store_true", help="meanwhile, ingest maximal batches back to back")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave BENCHMARKS.md alone")
    args = parser.parse_args()

    from assistant.server import create_app

    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        settings, assistant, tokens = prepare(Path(tmp) / "store", args.clients)
        customers = assistant.customers(limit=args.clients)
        customers = [c.model_dump(mode="json") for c in customers]
        app = create_app(settings, assistant, ui=False, demo_data=False)
        with LocalServer(app) as server:
            bulk = settings.max_records_per_request if args.bulk else 0
            results, seconds = run_clients(server.url, tokens, customers, args.clients, args.rounds, bulk)
        assistant.close()
    errors = [e for r in results for e in r.errors]
    for e in errors[:20]:
        print("error:", e, file=sys.stderr)
    section = markdown(summary(results), args.clients, args.rounds, seconds, len(errors), bulk)
    print(section)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from handover_rouge import write_section

        write_section(REPO / "BENCHMARKS.md", section.splitlines()[0], section)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
