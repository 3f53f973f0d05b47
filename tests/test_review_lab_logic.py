"""The review queue's and the prompt lab's screen logic, without a browser: names and local times in the queue,
who sees the decision buttons, the header, what an LLM variant needs, word differences, and the noise rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from assistant.auth import User
from assistant.errors import InputError
from assistant.evaluation.runner import CaseResult, EvalRun
from assistant.models import Draft
from assistant.review import Review
from assistant.settings import Settings
from assistant.ui import lab
from assistant.ui.review import (
    decision_buttons,
    drafted_with,
    heading_html,
    local_time,
    parse_day,
    queue_rows,
    viewer_zone,
)

AT = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
SAM, SUE, DEV = User(name="sam", role="supervisor"), User(name="sue", role="supervisor"), User(name="dev",
                                                                                            role="developer")


def _review(**kw) -> Review:
    base = dict(review_id=7, status="pending", draft_type="handover", prompt_version="grounded", drafter="grounded",
                customer_id="cust-1", now=AT, draft=Draft(kind="handover", customer_id="cust-1", text="x"),
                text="x", created_by="ann", created_at=AT)
    return Review(**{**base, **kw})


def test_queue_shows_names_and_the_viewers_local_time_with_utc_on_hover():
    [row] = queue_rows([_review()], {"cust-1": "Amy <b>Lee</b>"}, viewer_zone(None, "America/New_York"))
    assert row[2] == "Amy <b>Lee</b>"  # a plain-text column: the table shows it as text
    assert "2026-07-01 05:30 EDT" in row[5] and 'title="2026-07-01 09:30 UTC"' in row[5]
    [row] = queue_rows([_review()], {}, viewer_zone("Asia/Tokyo", "America/New_York"))  # the setting wins
    assert row[2] == "cust-1" and "18:30 JST" in row[5]
    assert "09:30 UTC" in local_time(AT, viewer_zone(None, "Not/AZone"))  # an unknown browser zone: UTC


def test_display_timezone_setting_is_checked():
    assert Settings(display_timezone="Europe/London").display_timezone == "Europe/London"
    with pytest.raises(ValueError, match="display_timezone"):
        Settings(display_timezone="Mars/Olympus")


def test_header_names_the_drafter_once_and_escapes_customer_text():
    assert drafted_with(_review()) == "grounded"
    assert drafted_with(_review(drafter="llm", prompt_version="v3")) == "llm v3"
    head = heading_html(_review(target="<script>x</script>"), "Amy <img src=x>", viewer_zone("UTC", None))
    assert "grounded grounded" not in head and "<script>" not in head and "<img" not in head
    assert "&lt;img src=x&gt;" in head
    assert "claimed by sue" in heading_html(_review(claimed_by="sue"), "Amy", viewer_zone("UTC", None))


def test_decision_buttons_only_for_a_pending_review_the_viewer_may_decide():
    pending = _review()
    assert decision_buttons(pending, SAM) == {"approve": True, "reject": True, "claim": True, "release": False}
    for decided in ("approved", "edited", "rejected"):
        assert not any(decision_buttons(_review(status=decided, decided_by="sam", decided_at=AT), SAM).values())
    assert not any(decision_buttons(pending, DEV).values())
    assert not any(decision_buttons(None, SAM).values())
    mine = _review(claimed_by="sam")
    assert decision_buttons(mine, SAM) == {"approve": True, "reject": True, "claim": False, "release": True}
    assert not any(decision_buttons(mine, SUE).values())  # others see who has it, and leave it


def test_metric_dates_are_checked():
    assert parse_day(" 2026-12-03 ", "from").isoformat() == "2026-12-03"
    assert parse_day("", "from") is None
    with pytest.raises(InputError, match="field 'from': 'yesterday' is not a date"):
        parse_day("yesterday", "from")


@dataclass
class FakeServices:
    settings: Settings


def test_lab_defaults_run_without_an_llm_and_llm_variants_say_what_they_need(tmp_path):
    svc = FakeServices(Settings(store_dir=tmp_path))
    choices = lab.variants(svc, "handover")
    assert choices[0] == ("grounded", "grounded")
    assert all("needs RAPPORT_LLM" in label for label, value in choices[1:]) and len(choices) > 1
    assert lab.default_b(svc, choices) == "grounded"
    note, runnable = lab.variant_note(svc, "grounded", lab.default_b(svc, choices))
    assert runnable and "no LLM needed" in note
    note, runnable = lab.variant_note(svc, "grounded", choices[-1][1])
    assert not runnable and "RAPPORT_LLM" in note and "B (v3)" in note
    assert lab.parse_variant(choices[-1][1], "handover") == ("llm", {"handover": "v3"})
    with_llm = FakeServices(Settings(store_dir=tmp_path, llm="ollama:llama3.1"))
    llm_choices = lab.variants(with_llm, "handover")
    assert lab.default_b(with_llm, llm_choices) == "llm:v3" and "needs" not in llm_choices[-1][0]
    assert lab.variant_note(with_llm, "grounded", "llm:v3") == ("B (v3) calls ollama:llama3.1, once per case.", True)


def test_word_diff_marks_only_the_differing_words_and_escapes():
    a, b = lab.word_diff("Amy's card is blocked <now>.", "Amy's card is stolen <now>.")
    assert a == 'Amy&#x27;s card is <mark class="rp-diff" title="only in A">blocked</mark> &lt;now&gt;.'
    assert b == 'Amy&#x27;s card is <mark class="rp-diff" title="only in B">stolen</mark> &lt;now&gt;.'
    same, _ = lab.word_diff("no change here", "no change here")
    assert "<mark" not in same


def _run(label: str, per_case: list[dict[str, float]]) -> EvalRun:
    cases = [CaseResult(case_id=f"c{i}", draft_type="greeting", customer_id="x", metrics=m)
             for i, m in enumerate(per_case)]
    names = {k for m in per_case for k in m}
    agg = {k: sum(m[k] for m in per_case) / len(per_case) for k in names}
    if "latency_s" in names:
        agg["latency_p50_s"] = sorted(m["latency_s"] for m in per_case)[len(per_case) // 2]
    return EvalRun(run_id=label, set_name="s", created_at=AT, drafter="grounded", label=label, cases=cases,
                   aggregate=agg)


def test_a_few_milliseconds_of_latency_or_a_noisy_score_is_not_called_better():
    higher, lower = ("groundedness",), lab.LOWER_IS_BETTER
    a = _run("A", [{"latency_s": 0.050, "groundedness": g} for g in (0.9, 0.5, 0.7, 0.6)])
    b = _run("B", [{"latency_s": 0.047, "groundedness": g} for g in (0.5, 0.9, 0.6, 0.8)])
    rows = {r[0]: r[4] for r in lab.comparison_rows(a, b, higher, lower)}
    assert rows["latency_p50_s"] == "within noise"  # 3 ms of 50
    assert rows["groundedness"] == "within noise"  # +0.025 on average, with cases moving both ways
    twice = _run("B", [{"latency_s": 0.025, "groundedness": g} for g in (0.9, 0.5, 0.7, 0.6)])
    rows = {r[0]: r[4] for r in lab.comparison_rows(a, twice, higher, lower)}
    assert rows["latency_p50_s"] == "within noise"  # twice as fast: identical runs differ that much under load
    faster = _run("B", [{"latency_s": 0.015, "groundedness": g + 0.1} for g in (0.9, 0.5, 0.7, 0.6)])
    rows = {r[0]: r[4] for r in lab.comparison_rows(a, faster, higher, lower)}
    assert rows["latency_p50_s"] == "B better" and rows["groundedness"] == "B better"
