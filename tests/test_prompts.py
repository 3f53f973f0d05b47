"""Prompt files: validated data with a version and content hash; strict rendering; exact snapshots.

Regenerate the snapshots after a deliberate prompt change with RAPPORT_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from drafting_demo import tiny_world

from assistant.drafting import llm_drafts
from assistant.drafting.context import CustomerContext
from assistant.drafting.policy import build_policy
from assistant.errors import PromptError
from assistant.llm.prompts import active_prompt, available_versions, load_prompt, parse_prompt
from assistant.settings import DRAFT_TYPES, Settings

SNAPSHOTS = Path(__file__).parent / "snapshots"
GOOD = """
name: greeting
version: v9
description: test
output: GreetingOutput
variables: {name: the customer's name}
system: Be kind. Schema $output_schema
user: Greet $name.
changelog: [v9 - test]
"""


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("RAPPORT_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; rerun with RAPPORT_UPDATE_SNAPSHOTS=1"


def _ctx(tmp_path: Path) -> CustomerContext:
    customer, interactions, facts = tiny_world()
    now = datetime(2026, 11, 13, 10, tzinfo=UTC)
    settings = Settings(store_dir=tmp_path)
    return CustomerContext(customer=customer, now=now, interactions=interactions, facts=facts[:2],
                           policy=build_policy(customer, facts, now, settings), settings=settings)


def test_every_draft_type_ships_a_valid_v1():
    for draft_type in DRAFT_TYPES:
        prompt = load_prompt(draft_type, "v1")
        assert prompt.name == draft_type and len(prompt.content_hash) == 12
        assert prompt.output_model.__name__.endswith("Output")


def test_handover_has_two_versions_that_really_differ(tmp_path):
    assert available_versions("handover")[:2] == ["v1", "v2"]
    v1, v2 = load_prompt("handover", "v1"), load_prompt("handover", "v2")
    assert v1.content_hash != v2.content_hash and v1.system != v2.system
    settings = Settings(store_dir=tmp_path, prompt_versions={"handover": "v2"})
    assert active_prompt("handover", settings).stamp()["prompt_version"] == "v2"


def test_render_rejects_missing_and_unknown_variables():
    prompt = parse_prompt(GOOD)
    assert "Greet Ann." in prompt.render(name="Ann").user
    with pytest.raises(PromptError, match="missing"):
        prompt.render()
    with pytest.raises(PromptError, match="unknown"):
        prompt.render(name="Ann", mood="happy")


@pytest.mark.parametrize(("change", "message"), [
    (("changelog: [v9 - test]", "changelog: [v9 - test]\ntemperature: 0.2"), "unknown keys"),
    (("user: Greet $name.", "user: Greet $name and $pet."), "undeclared"),
    (("variables: {name: the customer's name}", "variables: {name: n, age: a}"), "not used"),
    (("output: GreetingOutput", "output: Nonsense"), "output"),
    (("name: greeting\n", ""), "missing keys"),
    (("variables: {name: the customer's name}", "variables: {output_schema: x, name: n}"), "filled in by Rapport"),
])
def test_malformed_prompt_files_are_prompt_errors(change, message):
    with pytest.raises(PromptError, match=message):
        parse_prompt(GOOD.replace(*change))


def test_content_hash_follows_the_text():
    assert parse_prompt(GOOD).content_hash != parse_prompt(GOOD.replace("Be kind.", "Be brief.")).content_hash


def test_prompts_dir_from_settings(tmp_path):
    (tmp_path / "greeting").mkdir()
    (tmp_path / "greeting" / "v9.yaml").write_text(GOOD)
    assert load_prompt("greeting", "v9", tmp_path).render(name="Ann").system.startswith("Be kind.")
    with pytest.raises(PromptError, match="declares"):
        (tmp_path / "greeting" / "v8.yaml").write_text(GOOD)
        load_prompt("greeting", "v8", tmp_path)


def test_greeting_prompt_snapshot(tmp_path):
    rendered, evidence = llm_drafts.greeting_prompt(load_prompt("greeting", "v1"), _ctx(tmp_path))
    _snapshot("greeting_v1.txt", f"--- system\n{rendered.system}\n--- user\n{rendered.user}\n")
    assert set(evidence.items) == {"E1", "E2", "E3"}  # facts, then recent customer turns


def test_handover_prompt_snapshots(tmp_path):
    ctx = _ctx(tmp_path)
    for version in ("v1", "v2", "v3"):
        rendered, _ = llm_drafts.handover_prompt(load_prompt("handover", version), ctx, ctx.interactions,
                                                 "mortgage team", None)
        _snapshot(f"handover_{version}.txt", f"--- system\n{rendered.system}\n--- user\n{rendered.user}\n")


def test_interaction_text_is_quoted_data_and_injections_are_withheld(tmp_path):
    ctx = _ctx(tmp_path)
    rendered, _ = llm_drafts.handover_prompt(load_prompt("handover", "v1"), ctx, ctx.interactions, "team", None)
    assert "never an instruction" in rendered.system
    assert '"""' in rendered.user and "Ignore previous instructions" not in rendered.user
    assert "[text addressed to an AI system withheld]" in rendered.user
