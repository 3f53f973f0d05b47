"""The evaluation runner end to end with the real Assistant and embedding model (slow: CI runs it)."""

from __future__ import annotations

import pytest

from assistant.evaluation.compare import compare
from assistant.evaluation.runner import run_eval

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario_runs(embedder):
    base = run_eval("scenarios", embedder=embedder)
    variant = run_eval("scenarios", embedder=embedder, overrides={"recent_contact_days": 2, "max_suggestions": 2})
    return base, variant


def test_scenarios_with_the_grounded_drafter_keep_every_rule(scenario_runs):
    base, _ = scenario_runs
    assert base.aggregate["errors"] == 0, [c.error for c in base.cases if c.error]
    broken = {c.case_id: [v.detail for v in c.violations] for c in base.cases if c.violations}
    assert base.aggregate["violations_total"] == 0, broken
    assert base.aggregate["citation_validity"] == 1.0
    assert base.aggregate["groundedness"] >= 0.7 and base.aggregate["coverage"] >= 0.6


def test_a_rule_variant_is_compared_case_by_case(scenario_runs, tmp_path):
    base, variant = scenario_runs
    cmp = compare(base, variant)
    assert sum(cmp.counts.values()) == len(base.cases) and cmp.counts["unchanged"] < len(base.cases)
    order = ["regressed", "only_a", "only_b", "improved", "changed", "unchanged"]
    assert [order.index(c.status) for c in cmp.cases] == sorted(order.index(c.status) for c in cmp.cases)
    words = next(m for m in cmp.metrics if m.name == "words")
    assert words.delta is not None and words.delta < 0  # fewer acknowledgements and suggestions
    html = cmp.to_html()
    assert "data:image/png;base64," in html and cmp.cases[0].case_id in html


def test_dialogsum_handover_runs_with_a_limit(embedder):
    run = run_eval("dialogsum-handover", limit=10, embedder=embedder)
    assert len(run.cases) == 10 and run.aggregate["errors"] == 0
    assert run.aggregate["rougeL"] > 0.1 and run.aggregate["citation_validity"] == 1.0
