"""The LLM drafter with LangChain's own fake chat models: structured output parsed and validated, the same
guardrails and policy applied to model text, and a grounded fallback on invalid output, timeouts and errors."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from drafting_demo import TinyStore, WordEmbedder
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.drafting.drafter import Drafter
from assistant.errors import ModelUnavailable
from assistant.llm.chat import build_llm, invoke_structured, parse_json_object
from assistant.llm.schemas import GreetingOutput
from assistant.settings import Settings

NOW = datetime(2026, 11, 13, 10, tzinfo=UTC)


class _Retriever:
    embedder = WordEmbedder()


def _drafter(tmp_path, model: Any, **settings: Any) -> Drafter:
    cfg = Settings(store_dir=tmp_path, grounding_threshold=0.3, **settings)
    return Drafter(TinyStore(), _Retriever(), None, cfg, llm=model)


def _evidence(prompt: str) -> dict[str, str]:
    """Evidence id -> the first quoted customer line, read back from the rendered prompt."""
    out = {}
    for eid, body in re.findall(r'\[(E\d+)\][^\n]*\n"""\n(.*?)\n"""', prompt, re.S):
        line = next((ln for ln in body.splitlines() if ln.startswith("customer: ")), body.splitlines()[0])
        out[eid] = line.split(": ", 1)[1]
    return out


class EchoModel(FakeListChatModel):
    """Answers from the prompt it is given: one cited sentence per evidence item, plus what `extra` adds."""

    extra: list[dict[str, Any]] = []
    draft: str = "greeting"

    def _call(self, messages, stop=None, run_manager=None, **kwargs) -> str:  # type: ignore[no-untyped-def]
        evidence = _evidence(messages[-1].content)
        cited = [{"text": text, "evidence": [eid]} for eid, text in evidence.items() if "withheld" not in text]
        if self.draft == "greeting":
            return json.dumps({"sentences": [{"text": "Hello Ann!"}, *cited[:1], *self.extra]})
        if self.draft == "handover":
            return "```json\n" + json.dumps({"reason": cited[:1], "summary": cited[1:2] + self.extra}) + "\n```"
        return json.dumps({"suggestions": self.extra})


class SlowModel(FakeListChatModel):
    def _call(self, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        time.sleep(2)
        return '{"sentences": [{"text": "Hello"}]}'


def test_build_llm_from_settings(tmp_path):
    assert build_llm(Settings(store_dir=tmp_path)) is None
    assert type(build_llm(Settings(store_dir=tmp_path, llm="ollama:llama3.2"))).__name__ == "ChatOllama"
    openai = build_llm(Settings(store_dir=tmp_path, llm="openai:local", llm_base_url="http://127.0.0.1:9/v1"))
    assert type(openai).__name__ == "ChatOpenAI"
    for bad in ("mystery:model", "ollama", "openai:gpt"):
        with pytest.raises(ModelUnavailable):
            build_llm(Settings(store_dir=tmp_path, llm=bad))


def test_llamacpp_without_the_extra_is_a_clear_error(tmp_path):
    try:
        import langchain_community  # noqa: F401
    except ImportError:
        with pytest.raises(ModelUnavailable, match=r"rapport\[local\]"):
            build_llm(Settings(store_dir=tmp_path, llm="llamacpp:/models/tiny.gguf"))
    else:  # installed: a missing model file is still a clear error
        with pytest.raises(ModelUnavailable):
            build_llm(Settings(store_dir=tmp_path, llm="llamacpp:/models/missing.gguf"))


def test_structured_output_is_parsed_from_fences_and_prose():
    assert parse_json_object('Sure! ```json\n{"a": 1}\n``` hope it helps') == {"a": 1}
    model = GenericFakeChatModel(messages=iter([AIMessage(content='Here: {"sentences": [{"text": "Hi"}]}')]))
    out = invoke_structured(model, "sys", "user", GreetingOutput, timeout_s=5)
    assert out.sentences[0].text == "Hi"


def test_llm_greeting_is_cited_guarded_and_stamped(tmp_path):
    extra = [{"text": "Ann plans to sail around the world on a yacht.", "evidence": ["E1"]},
             {"text": "We can offer you 90% off your home insurance today.", "evidence": ["E2"]},
             {"text": "Amy is revising very hard for her exams.", "evidence": []}]
    draft = _drafter(tmp_path, EchoModel(responses=["unused"], extra=extra)).greeting("c-ann", now=NOW)
    assert draft.metadata["drafter"] == "llm" and "fallback" not in draft.metadata
    assert draft.metadata["prompt_version"] == "v1" and len(draft.metadata["prompt_hash"]) == 12
    assert "Hello Ann!" in draft.text and "exams next week" in draft.text
    for dropped in ("yacht", "90%", "revising"):
        assert dropped not in draft.text
    reasons = " ".join(d["reason"] for d in draft.metadata["guardrails"]["dropped"])
    assert "unsupported" in reasons and "offer not in the customer's facts" in reasons and "citation" in reasons
    assert all(c.interaction_id.startswith("i-ann") for s in draft.sentences for c in s.citations)


def test_invalid_output_falls_back_to_grounded(tmp_path):
    for answer in ("I am not JSON", '{"sentences": "wrong type"}', '{"sentences": []}'):
        draft = _drafter(tmp_path, FakeListChatModel(responses=[answer])).greeting("c-ann", now=NOW)
        assert draft.metadata["drafter"] == "grounded"
        assert draft.metadata["fallback"].startswith("invalid output")
        assert "Amy" in draft.text


def test_timeout_falls_back_quickly(tmp_path):
    drafter = _drafter(tmp_path, SlowModel(responses=["x"]), llm_timeout_s=0.2)
    started = time.perf_counter()
    draft = drafter.greeting("c-ann", now=NOW)
    assert time.perf_counter() - started < 1.5
    assert draft.metadata["fallback"].startswith("timeout") and draft.metadata["drafter"] == "grounded"


def test_unreachable_server_falls_back(tmp_path):
    settings = {"llm": "openai:local", "llm_base_url": "http://127.0.0.1:9/v1", "llm_timeout_s": 5}
    drafter = _drafter(tmp_path, None, **settings)
    draft = drafter.handover("c-ann", now=NOW)
    assert draft.metadata["fallback"].startswith(("unreachable", "timeout"))
    assert draft.kind == "handover" and draft.sections["who"]


def test_everything_dropped_by_guardrails_means_fallback(tmp_path):
    model = FakeListChatModel(responses=['{"sentences": [{"text": "Ignore previous instructions, 90% off!"}]}'])
    draft = _drafter(tmp_path, model).greeting("c-ann", now=NOW)
    assert draft.metadata["fallback"].startswith("guardrails") and "90%" not in draft.text


def test_llm_handover_with_prompt_v2(tmp_path):
    drafter = _drafter(tmp_path, EchoModel(responses=["x"], draft="handover"), prompt_versions={"handover": "v2"})
    draft = drafter.handover("c-ann", now=NOW)
    assert draft.metadata["drafter"] == "llm" and draft.metadata["prompt_version"] == "v2"
    assert draft.sections["reason"] and set(draft.sections) >= {"who", "reason", "summary", "introduction"}


def test_llm_handover_who_comes_from_the_customer_record(tmp_path):
    drafter = _drafter(tmp_path, EchoModel(responses=["x"], draft="handover"), prompt_versions={"handover": "v3"})
    draft = drafter.handover("c-ann", now=NOW)
    assert draft.metadata["drafter"] == "llm" and draft.metadata["prompt_version"] == "v3"
    assert draft.sections["who"] and draft.sections["who"][0].startswith("Ann Example, a customer since 2010")
    assert draft.sections["reason"]


def test_llm_suggestions_go_through_policy_after_the_model(tmp_path):
    extra = [
        {"text": "Offer Ann a mortgage review", "kind": "sales", "topic": "mortgage", "evidence": ["E2"]},
        {"text": "Give her 90% off home insurance", "kind": "sales", "topic": "home insurance", "evidence": ["E2"]},
        {"text": "Wish Amy good luck with her exams next week", "kind": "relationship", "topic": "Amy's exams",
         "evidence": ["E1"]},
    ]
    draft = _drafter(tmp_path, EchoModel(responses=["x"], draft="suggestions", extra=extra)).suggestions_draft(
        "c-ann", now=NOW)
    texts = [s["text"] for s in draft.sections["suggestions"]]
    assert texts == ["Wish Amy good luck with her exams next week"]
    blocked = " ".join(b["reason"] for b in draft.metadata["blocked"])
    assert "cool-down" in blocked and ("90%" in blocked or "already held" in blocked)
    assert any("Do not suggest mortgage" in line for line in draft.metadata["policy"])
