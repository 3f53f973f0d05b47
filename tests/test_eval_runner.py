"""run_eval, compare, the reports and the gate, against a fake assistant (the real drafter is not the point here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.errors import InputError, ModelUnavailable
from assistant.evaluation.cli_support import compare_command, parse_options, parse_prompt_pins, run_summary
from assistant.evaluation.compare import compare
from assistant.evaluation.fakes import HashingEmbedder
from assistant.evaluation.gate import SetThresholds, Thresholds, check_run, gate, gate_markdown, replace_section
from assistant.evaluation.runner import EvalRun, run_eval, run_settings
from assistant.evaluation.sets import EvalCase, EvalSet, Expectations, ForbiddenPitch, RequiredFact
from assistant.models import Citation, Customer, Draft, DraftSentence, IngestReport, Interaction, Suggestion
from assistant.settings import Settings

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


def interaction(cid: str, iid: str, *texts: str) -> Interaction:
    return Interaction(interaction_id=iid, customer_id=cid, channel="chat",
                       started_at=datetime(2026, 11, 12, tzinfo=UTC),
                       turns=[{"speaker": "customer", "text": t} for t in texts])


def small_set() -> EvalSet:
    maria = Customer(customer_id="maria", name="Maria Lopez")
    miles = Customer(customer_id="miles", name="Miles Okafor")
    maria_chat = interaction("maria", "m1", "Amy has her exams next week.", "No, we're not looking at a mortgage.")
    miles_chat = interaction("miles", "k1", "My card was blocked after a payment in Lisbon.",
                             "Escalated as ESC-58213, the card team will call you back.")
    return EvalSet(name="tiny", cases=[
        EvalCase(case_id="maria-greeting", draft_type="greeting", now=NOW, customer=maria, interactions=[maria_chat],
                 expect=Expectations(required=[RequiredFact(name="Amy", any=["Amy"])], other_customers=["Lisbon"])),
        EvalCase(case_id="maria-suggestions", draft_type="suggestions", now=NOW, customer=maria,
                 interactions=[maria_chat],
                 expect=Expectations(no_pitch=[ForbiddenPitch(rule="repitch_cooldown", topic="mortgage")])),
        EvalCase(case_id="miles-handover", draft_type="handover", now=NOW, customer=miles, interactions=[miles_chat],
                 expect=Expectations(required=[RequiredFact(name="ref", any=["ESC-58213"])],
                                     references=["The card was blocked in Lisbon; escalated as ESC-58213."])),
    ])


class FakeAssistant:
    """Drafts from canned text; `variant="pushy"` re-pitches the mortgage and leaks Miles's Lisbon."""

    def __init__(self, variant: str = "good") -> None:
        self.variant = variant
        self.records: dict[str, list[Interaction]] = {}
        self.closed = False

    def ingest(self, interactions, customers=None):  # type: ignore[no-untyped-def]
        for raw in interactions:
            i = Interaction.model_validate(raw)
            self.records.setdefault(i.customer_id, []).append(i)
        return IngestReport(ingested=len(interactions), customers=len(customers or []))

    def interactions(self, customer_id: str) -> list[Interaction]:
        return self.records.get(customer_id, [])

    def greeting(self, customer_id: str, now=None) -> Draft:  # type: ignore[no-untyped-def]
        cite = [Citation(interaction_id="m1", turn_ids=["0"])]
        extra = " Is the Lisbon card sorted?" if self.variant == "pushy" else ""
        return Draft(text=f"Hi Maria. Good luck to Amy with her exams next week.{extra}", kind="greeting",
                     sentences=[DraftSentence(text="Hi Maria."),
                                DraftSentence(text="Good luck to Amy with her exams next week.", citations=cite)]
                     + ([DraftSentence(text="Is the Lisbon card sorted?")] if extra else []))

    def suggestions(self, customer_id: str, now=None) -> list[Suggestion]:  # type: ignore[no-untyped-def]
        cite = [Citation(interaction_id="m1", turn_ids=["0"])]
        out = [Suggestion(text="Ask how Amy's exams went", reason="Amy has her exams next week", kind="relationship",
                          citations=cite)]
        if self.variant == "pushy":
            out.append(Suggestion(text="Offer a mortgage", reason="Not looking at a mortgage", kind="sales",
                                  topic="mortgage", citations=[Citation(interaction_id="m1", turn_ids=["1"])]))
        return out

    def handover(self, customer_id: str, interaction_id=None, now=None) -> Draft:  # type: ignore[no-untyped-def]
        if self.variant == "broken":
            raise RuntimeError("drafter crashed")
        cite = [Citation(interaction_id="k1", turn_ids=["0", "1"])]
        return Draft(text="Card blocked after a payment in Lisbon. Escalated as ESC-58213.", kind="handover",
                     citations=cite, sentences=[DraftSentence(text="Card blocked after a payment in Lisbon.",
                                                              citations=cite[:1]),
                                                DraftSentence(text="Escalated as ESC-58213.", citations=cite)])

    def close(self) -> None:
        self.closed = True


def factory(variant: str = "good"):  # type: ignore[no-untyped-def]
    made: list[FakeAssistant] = []

    def make(store_dir, settings, embedder):  # type: ignore[no-untyped-def]
        assert settings.store_dir == store_dir and settings.llm == "none"
        made.append(FakeAssistant(variant))
        return made[-1]

    make.made = made  # type: ignore[attr-defined]
    return make


@pytest.fixture(scope="module")
def runs() -> tuple[EvalRun, EvalRun]:
    emb = HashingEmbedder()
    good = run_eval(small_set(), embedder=emb, assistant_factory=factory("good"))
    pushy = run_eval(small_set(), embedder=emb, assistant_factory=factory("pushy"),
                     overrides={"offer_cooldown_days": 0})
    return good, pushy


def test_a_good_run_scores_every_case(runs):
    good, _ = runs
    assert [c.case_id for c in good.cases] == ["maria-greeting", "maria-suggestions", "miles-handover"]
    agg = good.aggregate
    assert agg["violations_total"] == 0 and agg["errors"] == 0 and agg["coverage"] == 1.0
    assert agg["groundedness"] == 1.0 and agg["citation_validity"] == 1.0
    assert agg["rougeL"] > 0.5 and agg["latency_p95_s"] is not None
    assert good.label == "grounded" and good.prompts["greeting"] == "v1" and good.embedder == "hashing-bow"


def test_a_pushy_run_shows_its_violations(runs):
    _, pushy = runs
    assert pushy.violations["repitch_cooldown"] == 1 and pushy.violations["cross_customer_leak"] == 1
    assert pushy.overrides == {"offer_cooldown_days": 0} and pushy.settings["offer_cooldown_days"] == 0
    assert "offer_cooldown_days=0" in pushy.label
    assert check_run(pushy, SetThresholds()) == ["tiny: 1 violation(s) of repitch_cooldown",
                                                 "tiny: 1 violation(s) of cross_customer_leak"]


def test_a_crashing_case_is_recorded_not_fatal():
    made = factory("broken")
    run = run_eval(small_set(), embedder=HashingEmbedder(), assistant_factory=made)
    broken = run.cases[2]
    assert broken.error == "crash: RuntimeError: drafter crashed" and broken.output is None
    assert run.aggregate["errors"] == 1 and made.made[0].closed  # type: ignore[attr-defined]


def test_limit_keeps_the_first_cases():
    run = run_eval(small_set(), limit=1, embedder=HashingEmbedder(), assistant_factory=factory())
    assert [c.case_id for c in run.cases] == ["maria-greeting"]


def test_run_round_trips_through_json(runs, tmp_path):
    good, _ = runs
    path = good.save(tmp_path / "run.json")
    again = EvalRun.load(path)
    assert again.aggregate == good.aggregate and again.cases[0].output == good.cases[0].output
    with pytest.raises(InputError):
        EvalRun.load(tmp_path / "missing.json")


def test_run_settings_pin_prompts_apply_overrides_and_pick_the_drafter(tmp_path):
    (tmp_path / "greeting").mkdir()
    (tmp_path / "greeting" / "v2.yaml").write_text("name: greeting\n")
    base = Settings(llm="ollama:x", prompts_dir=tmp_path)
    cfg = run_settings(base, "grounded", {"greeting": "v2"}, {"offer_cooldown_days": "0"})
    assert cfg.llm == "none" and cfg.prompt_versions["greeting"] == "v2" and cfg.prompt_versions["handover"] == "v1"
    assert cfg.offer_cooldown_days == 0
    with pytest.raises(ModelUnavailable):
        run_settings(Settings(llm="none"), "llm", None, None)
    with pytest.raises(InputError):
        run_settings(None, "grounded", None, {"no_such_knob": 1})
    with pytest.raises(InputError, match="no prompt greeting@v99"):
        run_settings(base, "grounded", {"greeting": "v99"}, None)


# ---- compare and the reports ----------------------------------------------------------------------------------
def test_compare_puts_regressed_cases_first_with_reasons(runs):
    good, pushy = runs
    cmp = compare(good, pushy)
    assert cmp.counts["regressed"] == 2 and cmp.counts["unchanged"] == 1
    first, second, last = cmp.cases
    assert first.case_id == "maria-greeting" and first.score > second.score > 0  # a leak and an uncited claim
    assert second.case_id == "maria-suggestions" and "new violation: repitch_cooldown" in second.reasons
    assert last.status == "unchanged" and last.case_id == "miles-handover"
    vt = next(m for m in cmp.metrics if m.name == "violations_total")
    assert vt.delta == 2 and vt.better is False
    assert compare(good, good).counts["unchanged"] == 3


def test_markdown_and_html_reports(runs, tmp_path):
    good, pushy = runs
    a, b = good.save(tmp_path / "a.json"), pushy.save(tmp_path / "b.json")
    cmp, md = compare_command(a, b, html=tmp_path / "r.html", md=tmp_path / "r.md", json_out=tmp_path / "r.json")
    assert md.startswith("# Evaluation: `tiny`") and "| violations_total | 0 | 2 | ▲ 2 **worse** |" in md
    assert md.index("maria-greeting — regressed") < md.index("maria-suggestions — regressed")
    assert "miles-handover" not in md  # unchanged cases are left out of the Markdown
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!doctype html>") and "data:image/png;base64," in html and "repitch_cooldown" in html
    assert "http://" not in html and "https://" not in html  # self-contained
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["regressed"] == 2


def test_run_summary_lists_metrics_and_violations(runs):
    text = run_summary(runs[1])
    assert text.startswith("tiny: 3 cases") and "repitch_cooldown 1" in text


# ---- the gate ---------------------------------------------------------------------------------------------------
def write_set(folder: Path) -> None:
    from assistant.evaluation.sets import write_set as write

    write(folder / "tiny.jsonl", small_set().cases, description="tiny")


def test_gate_passes_within_thresholds_and_fails_on_a_breach(tmp_path):
    write_set(tmp_path)
    ok = Thresholds(sets={"tiny": SetThresholds(min={"coverage": 1.0, "groundedness": 0.9}, max={"errors": 0})})
    result = gate(ok, HashingEmbedder(), sets_dir=tmp_path, assistant_factory=factory(), out_dir=tmp_path / "runs")
    assert result.passed and result.failures == [] and (tmp_path / "runs" / "gate-tiny.json").exists()
    strict = Thresholds(sets={"tiny": SetThresholds(min={"rougeL": 0.99, "rouge9": 0.1})})
    failed = gate(strict, HashingEmbedder(), sets_dir=tmp_path, assistant_factory=factory())
    assert not failed.passed and failed.failures[0].startswith("tiny: rougeL ")
    assert failed.failures[1] == "tiny: rouge9 was not measured (floor 0.1)"
    pushy = gate(ok, HashingEmbedder(), sets_dir=tmp_path, assistant_factory=factory("pushy"))
    assert "tiny: 1 violation(s) of repitch_cooldown" in pushy.failures
    section = gate_markdown(result, ok)
    assert section.startswith("## Evaluation gate") and "| coverage | 1.000 (≥ 1) |" in section


def test_replace_section_only_touches_its_section():
    doc = "# Benchmarks\n\n## Ingest\nfast\n\n## Evaluation gate\nold\n\n## Memory\nsmall\n"
    out = replace_section(doc, "## Evaluation gate\nnew\n")
    assert out == "# Benchmarks\n\n## Ingest\nfast\n\n## Evaluation gate\nnew\n\n## Memory\nsmall\n"
    assert replace_section("# B\n", "## Evaluation gate\nx\n") == "# B\n\n## Evaluation gate\nx\n"


def test_cli_parsers():
    assert parse_prompt_pins(["greeting@v2", "handover@v1"]) == {"greeting": "v2", "handover": "v1"}
    assert parse_options(["offer_cooldown_days=0", "llm=none"]) == {"offer_cooldown_days": 0, "llm": "none"}
    for bad in (["greeting"], ["nonsense@v2"]):
        with pytest.raises(InputError):
            parse_prompt_pins(bad)
    with pytest.raises(InputError):
        parse_options(["no_such=1"])
