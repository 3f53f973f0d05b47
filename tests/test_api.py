"""The REST API with a real Assistant on a temporary store (the real embedding model, a few demo customers):
every endpoint, 401/403/404/409/422/503, and the real-time path (POST an interaction, then drafts cite it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from rest_client import role_tokens

from assistant.errors import StoreUnavailable
from assistant.server import create_app

CUSTOMERS = ("cust-maria-lopez", "cust-miles-okafor")
ROLES = ("agent", "supervisor", "developer", "service")


def demo_records(demo_files, keep=CUSTOMERS):
    interactions, customers = demo_files
    read = lambda path: [json.loads(x) for x in path.read_text().splitlines() if x.strip()]  # noqa: E731
    return ([r for r in read(interactions) if r["customer_id"] in keep],
            [c for c in read(customers) if c["customer_id"] in keep])


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder, demo_files):
    """One app for the module: demo customers ingested once, a token per role."""
    from assistant.facade import Assistant
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path_factory.mktemp("api") / "store")
    assistant = Assistant(settings, embedder=embedder)
    interactions, customers = demo_records(demo_files)
    assistant.ingest(interactions, customers=customers)
    tokens = role_tokens(settings)
    app = create_app(settings, assistant, ui=False, demo_data=False)
    with TestClient(app) as client:
        yield client, tokens, assistant
    assistant.close()


@pytest.fixture()
def api(server):
    client, tokens, _ = server

    def call(method: str, path: str, role: str | None = "agent", **kw):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        return client.request(method, path, headers=headers, **kw)

    return call


def _owned(citations, assistant, customer_id) -> bool:
    mine = {i.interaction_id for i in assistant.interactions(customer_id)}
    return bool(citations) and all(c["interaction_id"] in mine for c in citations)


PROTECTED = [
    ("GET", "/api/me"), ("GET", "/api/customers"), ("GET", "/api/customers/cust-maria-lopez"),
    ("GET", "/api/customers/cust-maria-lopez/interactions"), ("GET", "/api/customers/cust-maria-lopez/facts"),
    ("GET", "/api/customers/cust-maria-lopez/greeting"), ("GET", "/api/customers/cust-maria-lopez/handover"),
    ("GET", "/api/customers/cust-maria-lopez/suggestions"), ("POST", "/api/customers/cust-maria-lopez/ask"),
    ("POST", "/api/interactions"), ("POST", "/api/customers"), ("POST", "/api/reviews"), ("GET", "/api/reviews"),
    ("GET", "/api/reviews/metrics"), ("GET", "/api/reviews/golden"), ("GET", "/api/reviews/1"),
    ("POST", "/api/reviews/1/approve"), ("POST", "/api/reviews/1/reject"), ("POST", "/api/feedback"),
    ("POST", "/api/reviews/approve"), ("POST", "/api/reviews/1/claim"), ("DELETE", "/api/reviews/1/claim"),
    ("GET", "/api/facts/status"), ("POST", "/api/facts/refresh"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_endpoint_needs_a_valid_token(server, method, path):
    client, _, _ = server
    missing = client.request(method, path)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.request(method, path, headers={"Authorization": "Bearer rpt_not-a-real-token"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "AuthError"


def test_health_and_openapi_are_open(server):
    client, _, _ = server
    assert client.get("/api/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert {"/api/interactions", "/api/customers/{customer_id}/ask", "/api/reviews/{review_id}/approve"} <= set(
        spec["paths"])
    assert client.get("/docs").status_code == 200


def test_me_reports_role_and_permissions(api):
    me = api("GET", "/api/me", "supervisor").json()
    assert me["name"] == "supervisor-1" and me["role"] == "supervisor" and "review.decide" in me["permissions"]


def test_find_customers_by_name_email_and_phone(api):
    for query in ("maria", "maria.lopez@example.com", "+441614960142", "cust-maria"):
        found = api("GET", "/api/customers", params={"search": query}).json()
        assert [c["customer_id"] for c in found] == ["cust-maria-lopez"], query
    assert len(api("GET", "/api/customers").json()) == 2


def test_customer_search_forgives_formats_and_typos_and_says_why(api):
    expected = {"07700 900456": ("cust-miles-okafor", "phone +447700900456"),
                "Okafor, Miles": ("cust-miles-okafor", "name, words in another order"),
                "Mria Lopez": ("cust-maria-lopez", "name close to 'Mria Lopez'")}
    for query, (customer_id, why) in expected.items():
        found = api("GET", "/api/customers", params={"search": query}).json()
        assert [(c["customer_id"], c["why"]) for c in found] == [(customer_id, why)], query
        assert found[0]["name"] and 0 < found[0]["score"] <= 100
    assert api("GET", "/api/customers", params={"search": "Zed Quinn"}).json() == []


def test_an_empty_customer_search_is_refused_naming_the_parameter(api):
    for query in ("", "   ", "\t"):
        refused = api("GET", "/api/customers", params={"search": query})
        assert refused.status_code == 422, query
        detail = refused.json()["detail"][0]
        assert detail["loc"] == ["query", "search"] and "search" in detail["msg"], detail
    assert len(api("GET", "/api/customers").json()) == 2  # no search at all still lists them


def test_customer_record_and_unknown_customers(api):
    assert api("GET", "/api/customers/cust-miles-okafor").json()["name"] == "Miles Okafor"
    for path in ("", "/greeting", "/handover", "/suggestions", "/facts", "/interactions"):
        response = api("GET", f"/api/customers/nobody{path}")
        assert response.status_code == 404 and "nobody" in response.json()["detail"]
    assert api("POST", "/api/customers/nobody/ask", json={"question": "hi?"}).status_code == 404


def test_greeting_handover_and_suggestions_cite_only_the_customers_own_contacts(server, api):
    _, _, assistant = server
    greeting = api("GET", "/api/customers/cust-maria-lopez/greeting").json()
    assert greeting["kind"] == "greeting" and "Maria" in greeting["text"]
    assert _owned(greeting["citations"], assistant, "cust-maria-lopez")
    handover = api("GET", "/api/customers/cust-miles-okafor/handover").json()
    assert handover["kind"] == "handover" and _owned(handover["citations"], assistant, "cust-miles-okafor")
    suggestions = api("GET", "/api/customers/cust-miles-okafor/suggestions").json()
    assert suggestions and all(s["kind"] in ("relationship", "service", "sales") and s["reason"] for s in suggestions)
    assert all(_owned(s["citations"], assistant, "cust-miles-okafor") for s in suggestions)


def test_facts_filter_by_kind_and_now(api):
    offers = api("GET", "/api/customers/cust-maria-lopez/facts", params={"kind": "offer"}).json()
    assert offers and {f["kind"] for f in offers} == {"offer"}
    before = api("GET", "/api/customers/cust-maria-lopez/facts", params={"now": "2000-01-01T00:00:00Z"}).json()
    assert not [f for f in before if f["kind"] == "offer"]  # the offer was not made yet
    bad = api("GET", "/api/customers/cust-maria-lopez/facts", params={"kind": "gossip"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "kind"
    bad_now = api("GET", "/api/customers/cust-maria-lopez/greeting", params={"now": "yesterday"})
    assert bad_now.status_code == 422 and bad_now.json()["detail"][0]["loc"] == ["query", "now"]


def test_ask_gives_a_cited_answer(server, api):
    _, _, assistant = server
    answer = api("POST", "/api/customers/cust-maria-lopez/ask", json={"question": "What was the last contact about?"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["kind"] == "answer" and body["text"] and _owned(body["citations"], assistant, "cust-maria-lopez")
    empty = api("POST", "/api/customers/cust-maria-lopez/ask", json={"question": ""})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "question"]


def _interaction(iid: str, when: datetime, text: str, customer_id: str = "cust-miles-okafor") -> dict:
    return {"interaction_id": iid, "customer_id": customer_id, "channel": "chat", "started_at": when.isoformat(),
            "turns": [{"speaker": "customer", "text": text},
                      {"speaker": "agent", "text": "Thanks, I've noted that on your account."}]}


def test_ingest_is_for_services_and_supervisors(api):
    record = _interaction("rt-forbidden", datetime(2026, 11, 1, tzinfo=UTC), "Hello there.")
    for role in ("agent", "developer"):
        response = api("POST", "/api/interactions", role, json=record)
        assert response.status_code == 403 and response.json()["error"] == "Forbidden"


def test_ingest_validation_errors_name_the_field_and_write_nothing(server, api):
    _, _, assistant = server
    good = _interaction("rt-valid-but-batched", datetime(2026, 11, 1, tzinfo=UTC), "Fine record.")
    bad_turn = _interaction("rt-bad", datetime(2026, 11, 1, tzinfo=UTC), "x")
    bad_turn["turns"][0]["text"] = ""
    single = api("POST", "/api/interactions", "service", json=bad_turn)
    assert single.status_code == 422
    assert single.json()["detail"][0]["loc"] == ["body", "turns", 0, "text"]
    batch = api("POST", "/api/interactions", "service", json=[good, {**good, "channel": "fax"}, {"customer_id": 1}])
    locs = [e["loc"] for e in batch.json()["detail"]]
    assert batch.status_code == 422 and ["body", 1, "channel"] in locs and ["body", 2, "interaction_id"] in locs
    assert "rt-valid-but-batched" not in {i.interaction_id for i in assistant.interactions("cust-miles-okafor")}
    assert api("POST", "/api/interactions", "service", json=[]).status_code == 422
    # a record may have no name (drafts then use none), but not an empty one
    assert api("POST", "/api/customers", "service", json={"customer_id": "c-x", "name": ""}).json()["detail"][0][
        "loc"] == ["body", "name"]


def test_a_batch_with_any_invalid_record_writes_nothing(server, api):
    _, _, assistant = server
    good = _interaction("rt-all-or-nothing", datetime(2026, 11, 2, tzinfo=UTC), "Good record.")
    copy = {**good, "turns": [{"speaker": "customer", "text": "A second copy with other words."}]}
    before = assistant.stats()
    duplicate = api("POST", "/api/interactions", "service", json=[good, copy])
    assert duplicate.status_code == 422
    assert [e["loc"] for e in duplicate.json()["detail"]] == [["body", 1, "interaction_id"]]
    assert "duplicate" in duplicate.json()["detail"][0]["msg"]
    assert assistant.stats() == before and assistant.store.interaction_hashes(["rt-all-or-nothing"]) == {}
    nia = {"customer_id": "cust-all-or-nothing", "name": "Nia Evans"}
    twice = api("POST", "/api/customers", "service", json=[nia, {**nia, "name": "Nia Evans-Ray"}])
    assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["body", 1, "customer_id"]
    assert api("GET", "/api/customers/cust-all-or-nothing").status_code == 404


def test_an_interaction_id_belongs_to_its_customer(server, api):
    _, _, assistant = server
    original = assistant.store.interaction("cust-maria-lopez", "int-maria-01")
    taken = _interaction("int-maria-01", datetime(2026, 11, 3, tzinfo=UTC), "Someone else's words.")
    fresh = _interaction("rt-not-written", datetime(2026, 11, 3, tzinfo=UTC), "Fine on its own.")
    for payload in (taken, [fresh, taken]):
        response = api("POST", "/api/interactions", "service", json=payload)
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "InteractionConflict"
        assert response.json()["detail"][0]["loc"][-1] == "interaction_id"
        assert "cust-maria-lopez" not in response.text  # the owner is not disclosed
    assert assistant.store.interaction("cust-maria-lopez", "int-maria-01") == original
    assert "int-maria-01" in {i.interaction_id for i in assistant.interactions("cust-maria-lopez")}
    assert not {"int-maria-01", "rt-not-written"} & {i.interaction_id for i in assistant.interactions(
        "cust-miles-okafor")}


def test_real_time_ingest_is_cited_by_the_next_draft(server, api):
    _, _, assistant = server
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    record = _interaction("rt-miles-boiler", now - timedelta(hours=2),
                          "My boiler broke down this morning and the engineer from our home cover never turned up.")
    created = api("POST", "/api/interactions", "service", json=record)
    assert created.status_code == 201 and created.json()["ingested"] == 1
    again = api("POST", "/api/interactions", "service", json=[record])  # idempotent: same content, nothing new
    assert again.json()["ingested"] == 0 and again.json()["unchanged"] == 1
    answer = api("POST", "/api/customers/cust-miles-okafor/ask",
                 json={"question": "What happened with the boiler engineer?", "now": now.isoformat()}).json()
    assert "rt-miles-boiler" in {c["interaction_id"] for c in answer["citations"]}
    greeting = api("GET", "/api/customers/cust-miles-okafor/greeting", params={"now": now.isoformat()}).json()
    assert "rt-miles-boiler" in {c["interaction_id"] for c in greeting["citations"]}
    evidence = assistant.retrieve("cust-miles-okafor", "boiler engineer did not turn up", k=3)
    assert evidence[0].interaction_id == "rt-miles-boiler"


def test_post_customers_creates_and_updates(api):
    record = {"customer_id": "cust-new-1", "name": "Nia Evans", "contact": {"email": "nia@example.com"}}
    assert api("POST", "/api/customers", "supervisor", json=record).status_code == 201
    assert api("GET", "/api/customers", params={"search": "nia@example"}).json()[0]["name"] == "Nia Evans"
    assert api("POST", "/api/customers", "service", json=[{**record, "name": "Nia Evans-Ray"}]).status_code == 201
    assert api("GET", "/api/customers/cust-new-1").json()["name"] == "Nia Evans-Ray"


def test_handover_review_flow_and_role_checks(api):
    queued = api("POST", "/api/reviews", "agent", json={"customer_id": "cust-miles-okafor", "target": "Cards team"})
    assert queued.status_code == 201
    review = queued.json()
    assert review["status"] == "pending" and review["created_by"] == "agent-1" and review["draft"]["citations"]
    rid = review["review_id"]
    assert api("POST", "/api/reviews", "developer", json={"customer_id": "cust-miles-okafor"}).status_code == 403
    assert api("POST", "/api/reviews", "agent", json={"customer_id": "nobody"}).status_code == 404
    assert api("GET", "/api/reviews", "agent").status_code == 403
    assert api("GET", f"/api/reviews/{rid}", "agent").json()["audit"][0]["action"] == "drafted"  # their own
    assert api("POST", f"/api/reviews/{rid}/approve", "agent", json={}).status_code == 403
    assert api("POST", f"/api/reviews/{rid}/approve", "developer", json={}).status_code == 403
    assert api("POST", f"/api/reviews/{rid}/reject", "supervisor", json={"comment": ""}).status_code == 422
    edited = api("POST", f"/api/reviews/{rid}/approve", "supervisor",
                 json={"text": review["text"] + "\nNext step: call back by 5pm.", "comment": "added the call-back"})
    assert edited.status_code == 200 and edited.json()["status"] == "edited"
    assert api("POST", f"/api/reviews/{rid}/approve", "supervisor").status_code == 409
    assert api("POST", "/api/reviews/99999/approve", "supervisor").status_code == 404
    assert rid in [r["review_id"] for r in api("GET", "/api/reviews", "supervisor", params={"status": "edited"}).json()]
    assert api("GET", "/api/reviews", "supervisor", params={"status": "lost"}).status_code == 422
    detail = api("GET", f"/api/reviews/{rid}", "developer").json()
    assert [a["action"] for a in detail["audit"]] == ["edited", "drafted"]
    golden = api("GET", "/api/reviews/golden", "developer")
    cases = [json.loads(x) for x in golden.text.splitlines()]
    assert golden.status_code == 200 and cases[-1]["expect"]["references"][0].endswith("call back by 5pm.")
    assert api("GET", "/api/reviews/golden", "agent").status_code == 403
    rows = api("GET", "/api/reviews/metrics", "supervisor").json()
    assert any(r["draft_type"] == "handover" and r["edited"] >= 1 for r in rows)


def test_feedback_is_recorded_with_the_drafts_prompt_version(server, api):
    greeting = api("GET", "/api/customers/cust-maria-lopez/greeting").json()
    created = api("POST", "/api/feedback", "agent", json={"draft": greeting, "rating": "up", "usage": "used"})
    assert created.status_code == 201 and created.json()["feedback_id"] > 0
    assert api("POST", "/api/feedback", "service", json={"draft": greeting, "rating": "up"}).status_code == 403
    bad = api("POST", "/api/feedback", "agent", json={"draft": greeting, "rating": "meh"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "rating"]
    rows = api("GET", "/api/reviews/metrics", "supervisor").json()
    assert any(r["draft_type"] == "greeting" and r["up"] >= 1 and r["used"] >= 1 for r in rows)


def test_store_outage_is_a_503(server, api, monkeypatch):
    _, _, assistant = server

    def down(*args, **kwargs):
        raise StoreUnavailable("cannot reach the Chroma server at http://127.0.0.1:9")

    monkeypatch.setattr(assistant, "suggestions", down)
    response = api("GET", "/api/customers/cust-maria-lopez/suggestions")
    assert response.status_code == 503 and "Chroma" in response.json()["detail"]


def test_facts_read_by_other_rules_are_reported_and_refreshed_by_a_service(server, api):
    from assistant.memory.facts.memory import READER_KEY

    _, _, assistant = server
    assert api("GET", "/api/facts/status", "service").json() == {"outdated": False, "refreshed": 0, "quarantined": []}
    assert api("POST", "/api/facts/refresh", "agent").status_code == 403
    before = {c: assistant.facts(c) for c in CUSTOMERS}
    assistant.store.set_meta(READER_KEY, "an-older-release")
    assert api("GET", "/api/facts/status", "supervisor").json()["outdated"] is True
    refreshed = api("POST", "/api/facts/refresh", "service").json()
    assert refreshed == {"outdated": False, "refreshed": assistant.stats()["interactions"], "quarantined": []}
    assert {c: assistant.facts(c) for c in CUSTOMERS} == before  # same rules, same facts


def test_claim_bulk_approve_and_filtered_metrics_over_rest(api):
    rids = [api("POST", "/api/reviews", "agent", json={"customer_id": c}).json()["review_id"] for c in CUSTOMERS]
    claimed = api("POST", f"/api/reviews/{rids[0]}/claim", "supervisor")
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "supervisor-1"
    assert api("GET", f"/api/reviews/{rids[0]}", "developer").json()["claimed_by"] == "supervisor-1"
    assert api("POST", f"/api/reviews/{rids[0]}/claim", "developer").status_code == 403
    assert api("DELETE", f"/api/reviews/{rids[0]}/claim", "supervisor").json()["claimed_by"] is None
    bulk = api("POST", "/api/reviews/approve", "supervisor", json={"review_ids": [*rids, 99999]}).json()
    assert [r["review_id"] for r in bulk["approved"]] == rids and set(bulk["refused"]) == {"99999"}
    assert api("POST", "/api/reviews/approve", "agent", json={"review_ids": rids}).status_code == 403
    mine = api("GET", "/api/reviews/metrics", "supervisor", params={"agent": "agent-1", "draft_type": "handover"})
    assert [r["draft_type"] for r in mine.json()] == ["handover"] and mine.json()[0]["approved"] >= 2
    nobody = api("GET", "/api/reviews/metrics", "supervisor", params={"agent": "nobody"}).json()
    assert nobody == []
    future = api("GET", "/api/reviews/metrics", "supervisor", params={"since": "2099-01-01T00:00:00Z"}).json()
    assert future == []
    assert api("GET", "/api/reviews/metrics", "supervisor", params={"team": "no such team"}).status_code == 422
    csv_text = api("GET", "/api/reviews/metrics", "supervisor", params={"format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert csv_text.text.splitlines()[0].startswith("draft_type,prompt_version,queued")
