"""The review queue: pending → approved / edited / rejected, the audit trail, feedback metrics, golden cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from assistant.auth import User
from assistant.errors import Forbidden, InputError
from assistant.models import Citation, Customer, Draft, Interaction
from assistant.review import ReviewConflict, ReviewQueue, UnknownReview, export_golden, prompt_version
from assistant.settings import Settings

AGENT = User(name="ann", role="agent")
SUPERVISOR = User(name="sam", role="supervisor")
DEVELOPER = User(name="dev", role="developer")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _interaction(iid: str, day: int, text: str) -> Interaction:
    return Interaction(interaction_id=iid, customer_id="c1", channel="chat",
                       started_at=datetime(2026, 3, day, 9, 0, tzinfo=UTC),
                       turns=[{"speaker": "customer", "text": text}, {"speaker": "agent", "text": "Noted."}])


CUSTOMER = Customer(customer_id="c1", name="Amy Lee")
HISTORY = [_interaction("i1", 1, "My card is blocked."), _interaction("i2", 5, "A later contact, after now.")]


def _draft(text: str = "Amy's card is blocked; she verified her identity.", version: str = "v2") -> Draft:
    return Draft(kind="handover", customer_id="c1", text=text,
                 citations=[Citation(interaction_id="i1", turn_ids=["0"])],
                 metadata={"drafter": "llm", "prompt": "handover", "prompt_version": version})


@pytest.fixture()
def queue(tmp_path) -> ReviewQueue:
    q = ReviewQueue(tmp_path / "review.sqlite3")
    yield q
    q.close()


def _submit(queue: ReviewQueue, **kw) -> int:
    return queue.submit(kw.pop("draft", _draft()), user=AGENT, now=NOW, customer=CUSTOMER, interactions=HISTORY,
                        interaction_id="i1", target=kw.pop("target", "Cards team")).review_id


def test_submit_queues_a_pending_review_with_an_audit_entry(queue):
    review = queue.get(_submit(queue))
    assert (review.status, review.created_by, review.target, review.prompt_version) == (
        "pending", "ann", "Cards team", "v2")
    assert review.draft.citations[0].interaction_id == "i1"
    [entry] = queue.audit(review.review_id)
    assert (entry.actor, entry.action) == ("ann", "drafted")


def test_approve_as_drafted_and_with_edits(queue):
    first, second = _submit(queue), _submit(queue)
    assert queue.approve(first, SUPERVISOR, text=_draft().text + "  \r\n", comment="good").status == "approved"
    edited = queue.approve(second, SUPERVISOR, text="Amy's card is blocked. Call her back today.")
    assert edited.status == "edited" and edited.text.endswith("today.") and edited.decided_by == "sam"
    [decision, _] = queue.audit(second)
    assert decision.action == "edited" and decision.detail["after"].endswith("today.")
    assert queue.counts() == {"pending": 0, "approved": 1, "edited": 1, "rejected": 0}


def test_reject_needs_a_reason(queue):
    rid = _submit(queue)
    with pytest.raises(InputError, match="why"):
        queue.reject(rid, SUPERVISOR, comment="  ")
    rejected = queue.reject(rid, SUPERVISOR, comment="Wrong customer history")
    assert rejected.status == "rejected" and rejected.comment == "Wrong customer history"
    assert [r.review_id for r in queue.reviews("rejected")] == [rid]
    assert queue.reviews("pending") == []


def test_only_supervisors_decide_and_only_once(queue):
    rid = _submit(queue)
    for user in (AGENT, DEVELOPER):
        with pytest.raises(Forbidden):
            queue.approve(rid, user)
    assert queue.get(rid).status == "pending"
    queue.approve(rid, SUPERVISOR)
    with pytest.raises(ReviewConflict, match="already approved"):
        queue.reject(rid, User(name="sue", role="supervisor"), comment="late")
    with pytest.raises(UnknownReview):
        queue.get(9999)
    with pytest.raises(Forbidden):  # a developer cannot queue handovers either
        queue.submit(_draft(), user=DEVELOPER, now=NOW, customer=CUSTOMER, interactions=HISTORY)


def test_the_queue_and_audit_survive_a_restart(tmp_path):
    path = tmp_path / "review.sqlite3"
    q = ReviewQueue(path)
    rid = _submit(q)
    q.approve(rid, SUPERVISOR)
    q.close()
    again = ReviewQueue(path)
    assert again.get(rid).status == "approved"
    assert [e.action for e in again.audit(rid)] == ["approved", "drafted"]
    again.close()


def test_feedback_and_metrics_per_draft_type_and_prompt_version(queue):
    for text in ("a", "b", "c"):
        _submit(queue, draft=_draft(text))
    _submit(queue, draft=_draft("old", version="v1"))
    queue.approve(1, SUPERVISOR)
    queue.approve(2, SUPERVISOR, text="b, edited")
    queue.reject(3, SUPERVISOR, comment="no")
    greeting = Draft(kind="greeting", customer_id="c1", text="Hello Amy", metadata={"drafter": "grounded"})
    queue.feedback(greeting, user=AGENT, rating="up")
    queue.feedback(greeting, user=AGENT, rating="down", usage="edited", text="Hi Amy!")
    queue.feedback(greeting, user=AGENT, usage="used")
    with pytest.raises(InputError):
        queue.feedback(greeting, user=AGENT)
    with pytest.raises(InputError):
        queue.feedback(greeting, user=AGENT, rating="meh")
    rows = {(m["draft_type"], m["prompt_version"]): m for m in queue.metrics()}
    v2 = rows[("handover", "v2")]
    assert (v2["queued"], v2["approved"], v2["edited"], v2["rejected"]) == (3, 1, 1, 1)
    assert v2["acceptance"] == pytest.approx(2 / 3, abs=1e-3) and v2["edit_rate"] == 0.5
    assert rows[("handover", "v1")]["acceptance"] is None  # still pending
    g = rows[("greeting", "grounded")]
    assert g["thumbs_up_rate"] == 0.5 and g["agent_edit_rate"] == 0.5
    stored = queue.feedback_rows()
    assert stored[1]["text"] == "Hi Amy!" and stored[0]["user"] == "ann" and stored[0]["at"]


def test_prompt_version_comes_from_the_draft_metadata():
    assert prompt_version(_draft(version="v3")) == "v3"
    assert prompt_version(Draft(text="x", metadata={"drafter": "grounded"})) == "grounded"
    assert prompt_version(Draft(text="x")) == "unversioned"


def test_golden_export_is_an_evaluation_case_per_approved_summary(queue, tmp_path):
    approved, edited, rejected, _pending = (_submit(queue) for _ in range(4))
    queue.approve(approved, SUPERVISOR)
    queue.approve(edited, SUPERVISOR, text="Amy's card is blocked; call her back.")
    queue.reject(rejected, SUPERVISOR, comment="wrong")
    path = tmp_path / "golden.jsonl"
    assert queue.export_golden(path) == 2
    cases = [json.loads(line) for line in path.read_text().splitlines()]
    assert [c["case_id"] for c in cases] == [f"review-{approved}", f"review-{edited}"]
    case = cases[1]
    assert case["draft_type"] == "handover" and case["now"].startswith("2026-03-02T10:00")
    assert case["customer"]["name"] == "Amy Lee" and case["interaction_id"] == "i1"
    assert [i["interaction_id"] for i in case["interactions"]] == ["i1"]  # history as of `now` only
    assert case["expect"]["references"] == ["Amy's card is blocked; call her back."]
    sets = pytest.importorskip("assistant.evaluation.sets")
    assert len(sets.load_set(path).cases) == 2  # loads as an evaluation set


def test_module_level_export_golden_uses_the_store_dir(tmp_path):
    settings = Settings(store_dir=tmp_path / "store")
    q = ReviewQueue.from_settings(settings)
    q.approve(_submit(q), SUPERVISOR)
    q.close()
    assert export_golden(tmp_path / "out.jsonl", settings) == 1


OTHER_SUPERVISOR = User(name="sue", role="supervisor")


def test_a_claimed_review_shows_who_has_it_and_only_they_decide_it(queue):
    rid = _submit(queue)
    assert queue.claim(rid, SUPERVISOR).claimed_by == "sam"
    assert queue.get(rid).claimed_by == "sam"  # stored: every other session sees it
    with pytest.raises(ReviewConflict, match="claimed by sam"):
        queue.claim(rid, OTHER_SUPERVISOR)
    with pytest.raises(ReviewConflict, match="claimed by sam"):
        queue.approve(rid, OTHER_SUPERVISOR)
    with pytest.raises(ReviewConflict, match="claimed by sam"):
        queue.release(rid, OTHER_SUPERVISOR)
    with pytest.raises(Forbidden):
        queue.claim(rid, DEVELOPER)
    assert queue.release(rid, SUPERVISOR).claimed_by is None
    assert queue.claim(rid, OTHER_SUPERVISOR).claimed_by == "sue"
    assert queue.approve(rid, OTHER_SUPERVISOR).status == "approved"
    with pytest.raises(ReviewConflict, match="already approved"):
        queue.claim(rid, SUPERVISOR)
    assert [e.action for e in queue.audit(rid)] == ["approved", "claimed", "released", "claimed", "drafted"]


def test_a_queue_made_before_claims_gains_the_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE reviews (review_id INTEGER PRIMARY KEY AUTOINCREMENT, status TEXT NOT NULL, "
                   "draft_type TEXT NOT NULL, prompt_version TEXT NOT NULL, drafter TEXT NOT NULL, "
                   "customer_id TEXT NOT NULL, interaction_id TEXT, target TEXT, now TEXT NOT NULL, draft TEXT "
                   "NOT NULL, text TEXT NOT NULL, context TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT "
                   "NOT NULL, decided_by TEXT, decided_at TEXT, comment TEXT NOT NULL DEFAULT '')")
    q = ReviewQueue(path)
    try:
        assert q.claim(_submit(q), SUPERVISOR).claimed_by == "sam"
    finally:
        q.close()


def test_approve_many_approves_the_pending_and_says_why_not_for_the_rest(queue):
    a, b, c = _submit(queue), _submit(queue), _submit(queue)
    queue.reject(b, SUPERVISOR, comment="wrong")
    queue.claim(c, OTHER_SUPERVISOR)
    outcome = queue.approve_many([a, b, c, 999, a], SUPERVISOR)
    assert [r.review_id for r in outcome.approved] == [a]
    assert set(outcome.refused) == {b, c, 999}
    assert "already rejected" in outcome.refused[b] and "claimed by sue" in outcome.refused[c]
    assert queue.get(a).status == "approved" and queue.get(c).status == "pending"
    with pytest.raises(Forbidden):
        queue.approve_many([c], AGENT)


def test_metrics_filter_by_agent_draft_type_and_time_and_export_csv(queue):
    from assistant.review_metrics import MetricsFilter, metrics_csv

    bob = User(name="bob", role="agent")
    _submit(queue)
    queue.submit(_draft(), user=bob, now=NOW, customer=CUSTOMER, interactions=HISTORY)
    queue.feedback(Draft(kind="greeting", customer_id="c1", text="Hi Amy", metadata={"drafter": "grounded"}),
                   user=bob, rating="up")
    everything = queue.metrics()
    assert sum(r["queued"] for r in everything) == 2 and sum(r["up"] for r in everything) == 1
    [only_ann] = queue.metrics(MetricsFilter(agents=frozenset({"ann"})))
    assert (only_ann["queued"], only_ann["up"]) == (1, 0)
    assert queue.metrics(MetricsFilter(agents=frozenset())) == []  # a team with nobody in it
    greetings = queue.metrics(MetricsFilter(draft_type="greeting"))
    assert [(r["draft_type"], r["queued"], r["up"]) for r in greetings] == [("greeting", 0, 1)]
    later = datetime(2099, 1, 1, tzinfo=UTC)
    assert queue.metrics(MetricsFilter(since=later)) == []
    assert sum(r["queued"] for r in queue.metrics(MetricsFilter(until=later))) == 2
    lines = metrics_csv(everything).splitlines()
    assert lines[0].startswith("draft_type,prompt_version,queued,approved")
    assert len(lines) == 1 + len(everything) and lines[1].split(",")[0] == "greeting"
