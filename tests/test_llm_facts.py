"""Facts read by a language model at ingest (RAPPORT_LLM_FACTS), tested with LangChain's fake chat models: they
return fixed text and stand in for no real model. What is tested is what Rapport does with an answer: every fact
must cite real lines of the right speaker and share words with them; a failed call adds nothing; the rules' facts
stand and are not repeated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.facade import Assistant
from assistant.models import Interaction

TUESDAY = datetime(2026, 11, 10, 11, tzinfo=UTC)
CALL = Interaction.model_validate({
    "interaction_id": "c-1", "customer_id": "cust-1", "channel": "voice", "started_at": TUESDAY,
    "turns": [
        {"speaker": "agent", "text": "Would you like our roadside cover added to the policy?"},
        {"speaker": "customer", "text": "Ah no, my brother runs a garage, he sorts all that for us."},
        {"speaker": "customer", "text": "We're off to see the grandkids in Leeds at Christmas, first time in years."},
        {"speaker": "customer", "text": "My card was blocked when I tried to pay."},
    ],
})


class RecordingModel(FakeListChatModel):
    """A fake that also keeps the prompts it was sent."""

    seen: list[str] = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
        self.seen.append("\n".join(str(m.content) for m in messages))
        return super()._call(messages, stop=stop, run_manager=run_manager, **kwargs)


def _answer(*facts: dict) -> str:
    return "Here you are:\n```json\n" + json.dumps({"facts": list(facts)}) + "\n```"


def _assistant(settings, embedder, model) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant(settings.model_copy(update={"llm_facts": True}), embedder=embedder, llm=model)


def test_model_facts_that_cite_real_lines_are_kept_next_to_the_rules(settings, embedder):
    model = RecordingModel(responses=[_answer(
        {"kind": "life_event", "subject": "Christmas trip to Leeds", "status": "upcoming",
         "text": "Visiting the grandkids in Leeds at Christmas", "turn_ids": ["2"]},
        {"kind": "offer", "subject": "roadside cover", "status": "declined",
         "text": "Declined roadside cover: their brother runs a garage", "turn_ids": ["0", "1"]},
    )])
    assistant = _assistant(settings, embedder, model)
    assistant.ingest([CALL])
    facts = assistant.facts("cust-1", now=TUESDAY)
    by_source = {(f.kind, f.subject): f for f in facts if (f.attributes or {}).get("source") == "llm"}
    offer = by_source[("offer", "roadside cover")]
    assert offer.status == "declined" and offer.valid_to == TUESDAY + timedelta(days=90)  # the cool-down holds
    assert [c.turn_ids for c in offer.citations] == [["0", "1"]]
    trips = [f for f in facts if f.kind == "life_event" and any("2" in c.turn_ids for c in f.citations)]
    assert len(trips) == 1  # the rules read that line too: one fact, not two
    assert any(f.kind == "issue" and "card" in f.subject for f in facts)  # the rules' fact is still there
    assert "[3] customer: My card was blocked when I tried to pay." in model.seen[0]  # lines carry their ids
    assistant.close()


def test_model_facts_citing_no_line_the_wrong_speaker_or_other_words_are_dropped(settings, embedder):
    model = FakeListChatModel(responses=[_answer(
        {"kind": "life_event", "subject": "new baby", "text": "Expecting a baby", "turn_ids": ["99"]},
        {"kind": "preference", "subject": "contact channel", "text": "Prefers roadside cover", "turn_ids": ["0"]},
        {"kind": "life_event", "subject": "wedding", "text": "Getting married in June", "turn_ids": ["3"]},
    )])
    assistant = _assistant(settings, embedder, model)
    assistant.ingest([CALL])
    assert not [f for f in assistant.facts("cust-1", now=TUESDAY) if (f.attributes or {}).get("source") == "llm"]
    assistant.close()


def test_a_rule_fact_is_not_repeated_and_a_broken_answer_adds_nothing(settings, embedder):
    duplicate = _answer({"kind": "issue", "subject": "blocked card", "status": "open",
                         "text": "Card was blocked at the till", "turn_ids": ["3"]})
    for answer in (duplicate, "Sorry, I cannot help with that.", '{"facts": [{"kind": "mood"}]}'):
        assistant = _assistant(settings.model_copy(update={"store_dir": settings.store_dir / str(len(answer))}),
                               embedder, FakeListChatModel(responses=[answer]))
        assert assistant.ingest([CALL]).ingested == 1
        facts = assistant.facts("cust-1", now=TUESDAY)
        assert [f.kind for f in facts].count("issue") == 1, answer
        assert not [f for f in facts if (f.attributes or {}).get("source") == "llm"], answer
        assistant.close()


def test_without_the_setting_the_model_is_not_asked(settings, embedder):
    model = RecordingModel(responses=[_answer()])
    model.seen = []
    assistant = Assistant(settings, embedder=embedder, llm=model)
    assistant.ingest([CALL])
    assert model.seen == []
    assistant.close()


def test_a_past_event_the_model_reads_is_not_asked_about_as_if_still_to_come(settings, embedder):
    call = Interaction.model_validate({
        "interaction_id": "c-2", "customer_id": "cust-2", "channel": "chat", "started_at": TUESDAY,
        "turns": [{"speaker": "customer", "text": "Our Bella got her black belt at the weekend, we're so proud."},
                  {"speaker": "customer", "text": "Anyway, what's my balance?"}]})
    model = FakeListChatModel(responses=[_answer(
        {"kind": "life_event", "subject": "Bella's black belt", "status": "past",
         "text": "Bella got her black belt at the weekend", "turn_ids": ["0"]})])
    assistant = _assistant(settings, embedder, model)
    assistant.ingest([call])
    assert any(f.subject == "Bella's black belt" for f in assistant.facts("cust-2", now=TUESDAY))
    later = TUESDAY + timedelta(days=2)
    assert "How did" not in assistant.greeting("cust-2", now=later).text
    assert not any("black belt" in s.text for s in assistant.suggestions("cust-2", now=later))
    assistant.close()
