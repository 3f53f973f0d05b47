"""The shipped evaluation sets load; builders derive expectations from the data; bad files say where they are bad."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.evaluation.builders import dialogsum_cases, insurance_expectations
from assistant.evaluation.sets import available_sets, list_sets, load_set

SHARED = Path("/work/shared/data")


def test_the_shipped_sets_are_listed():
    names = available_sets()
    assert {"scenarios", "dialogsum-handover", "insurance-followup", "golden"} <= set(names)
    rows = {r["name"]: r for r in list_sets()}
    assert rows["dialogsum-handover"]["cases"] == 100 and "CC BY-NC-SA" in rows["dialogsum-handover"]["license"]
    assert rows["insurance-followup"]["draft_types"] == ["suggestions"]


def test_scenarios_cover_every_story_and_every_rule():
    evset = load_set("scenarios")
    assert len(evset.customers()) == 12 and len(evset.interactions()) == 62
    assert {c.draft_type for c in evset.cases} == {"greeting", "handover", "suggestions", "answer"}
    rules = {p.rule for c in evset.cases for p in c.expect.no_pitch}
    assert {"repitch_cooldown", "just_bought_push"} <= rules
    assert any(c.expect.no_sales for c in evset.cases) and any(c.expect.pii for c in evset.cases)
    assert any(c.expect.injected for c in evset.cases)
    maria = next(c for c in evset.cases if c.case_id == "maria-greeting-exams-past")
    assert "Lisbon" in maria.expect.other_customers and "Amy" not in maria.expect.other_customers


def test_dialogsum_set_is_small_and_referenced():
    evset = load_set("dialogsum-handover")
    assert len(evset.cases) == 100 and all(c.draft_type == "handover" and c.expect.references for c in evset.cases)
    assert len({c.customer_id for c in evset.cases}) == 100
    assert not any("#Person" in c.expect.references[0] for c in evset.cases)
    assert len(load_set("dialogsum-handover", limit=7).cases) == 7


def test_insurance_set_takes_expectations_from_outcomes():
    evset = load_set("insurance-followup")
    labels = [c.tags[1] for c in evset.cases]
    assert len(evset.cases) == 101 and labels.count("paused") == 45 and labels.count("declined") == 32
    declined = next(c for c in evset.cases if "declined" in c.tags)
    assert declined.expect.no_pitch[0].rule == "repitch_cooldown"
    assert (declined.now - declined.interactions[0].started_at).days == 7


def test_golden_example_loads_in_the_review_queue_export_shape():
    evset = load_set("golden")
    assert len(evset.cases) == 2 and all(c.expect.references and "golden" in c.tags for c in evset.cases)


def test_golden_cases_of_one_customer_on_different_days_merge_histories(tmp_path):
    golden = Path(__file__).resolve().parents[1] / "evaluation" / "sets" / "golden.jsonl"
    base = json.loads(golden.read_text().splitlines()[2])
    later = json.loads(json.dumps(base))
    later["case_id"], later["now"] = "review-9", "2026-11-25T10:00:00Z"
    later["customer"]["products"].append("savings account")
    base["interactions"] = base["interactions"][:1]
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(base) + "\n" + json.dumps(later) + "\n")
    evset = load_set(path)
    assert len(evset.interactions()) == 2 and "savings account" in evset.customers()[0].products


def test_insurance_expectations_by_outcome():
    at = datetime(2025, 6, 20, tzinfo=UTC)
    assert [f.name for f in insurance_expectations("process paused - customer needs to consider the offer", at)[0]
            .required] == ["a follow-up", "the auto insurance quote"]
    assert insurance_expectations("customer not interested", at)[0].no_pitch[0].rule == "repitch_cooldown"
    assert insurance_expectations("no quote - ineligible customer", at)[0].no_pitch[0].rule == "ineligible_pitch"
    assert insurance_expectations("buy", at)[0].no_pitch[0].rule == "just_bought_push"
    assert insurance_expectations("customer objections not handled", at)[1] == "objections"


def test_dialogsum_builder_maps_roles_and_picks_keywords(tmp_path):
    src = tmp_path / "d.jsonl"
    rows = [
        {"id": "dev_1", "dialogue": "#Person1#: Hello.\n#Person2#: I ' Ve lost my passport in Madrid.",
         "summary": "#Person2# lost #Person2#'s passport in Madrid. #Person1# helps.", "topic": "passport"},
        {"id": "dev_2", "dialogue": "#Person1#: Hi.\n#Person3#: Hey.", "summary": "x", "topic": "y"},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows))
    (case,) = dialogsum_cases(src, n=5)
    assert case.expect.references == ["The agent lost the agent's passport in Madrid. The customer helps."]
    assert [t.speaker for t in case.interactions[0].turns] == ["customer", "agent"]
    assert case.interactions[0].turns[1].text == "I've lost my passport in Madrid."
    assert [f.name for f in case.expect.required] == ["lost", "passport", "madrid"]


@pytest.mark.skipif(not (SHARED / "dialogsum_dev.jsonl").exists(), reason="shared DialogSum copy not here")
def test_the_shipped_dialogsum_file_is_what_the_builder_makes():
    built = dialogsum_cases(SHARED / "dialogsum_dev.jsonl", 100)
    shipped = load_set("dialogsum-handover").cases
    assert [c.model_dump() for c in built] == [c.model_dump() for c in shipped]


def test_bad_files_name_the_line_and_field(tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"set": {}}\nnot json\n')
    with pytest.raises(InputError, match="broken.jsonl line 2: not JSON"):
        load_set("broken", tmp_path)
    (tmp_path / "invalid.jsonl").write_text(json.dumps({"case_id": "x", "draft_type": "poem", "now": "2026-01-01",
                                                        "customer": {"customer_id": "c", "name": "C"}}) + "\n")
    with pytest.raises(InputError, match="invalid.jsonl line 1: field 'draft_type'"):
        load_set("invalid", tmp_path)
    with pytest.raises(InputError, match="no evaluation set 'nope'.*known: broken, invalid"):
        load_set("nope", tmp_path)
