"""The evaluation runner end to end with the real Assistant and embedding model (slow: CI runs it)."""

from __future__ import annotations

import pytest

from assistant.evaluation.compare import compare
from assistant.evaluation.runner import run_eval

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario_runs(embedder):
    base = run_eval("scenarios", embedder=embedder)
    variant = run_eval("scenarios", embedder=embedder, overrides={"offer_cooldown_days": 0, "just_bought_days": 0})
    return base, variant


def test_scenarios_with_the_grounded_drafter_keep_every_rule(scenario_runs):
    base, _ = scenario_runs
    assert base.aggregate["errors"] == 0, [c.error for c in base.cases if c.error]
    broken = {c.case_id: [v.detail for v in c.violations] for c in base.cases if c.violations}
    assert base.aggregate["violations_total"] == 0, broken
    assert base.aggregate["citation_validity"] == 1.0
    assert base.aggregate["groundedness"] >= 0.7 and base.aggregate["coverage"] >= 0.6


def test_switching_off_the_cooldown_and_just_bought_rules_shows_up_as_regressions(scenario_runs):
    base, variant = scenario_runs
    cmp = compare(base, variant)
    assert variant.aggregate["violations_total"] > 0
    assert cmp.cases[0].status == "regressed"
    assert {r for c in cmp.regressed() for r in c.reasons if r.startswith("new violation")}


def test_dialogsum_handover_runs_with_a_limit(embedder):
    run = run_eval("dialogsum-handover", limit=10, embedder=embedder)
    assert len(run.cases) == 10 and run.aggregate["errors"] == 0
    assert run.aggregate["rougeL"] > 0.1 and run.aggregate["citation_validity"] == 1.0
