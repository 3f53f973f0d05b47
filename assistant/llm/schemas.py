"""What a language model must answer, per draft type: validated with pydantic before anything is used.

Prompt files name one of these models in their ``output`` key; the JSON schema is rendered into the prompt.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitedSentence(_Output):
    text: str = Field(min_length=1, description="One sentence in plain English.")
    evidence: list[str] = Field(default_factory=list, description="Ids of the evidence items it rests on, e.g. E2.")


class GreetingOutput(_Output):
    sentences: list[CitedSentence] = Field(min_length=1)


class HandoverOutput(_Output):
    who: list[CitedSentence] = Field(default_factory=list)
    reason: list[CitedSentence] = Field(default_factory=list)
    summary: list[CitedSentence] = Field(default_factory=list)
    done: list[CitedSentence] = Field(default_factory=list)
    status: list[CitedSentence] = Field(default_factory=list)
    provided: list[CitedSentence] = Field(default_factory=list)
    feeling: list[CitedSentence] = Field(default_factory=list)
    next_step: list[CitedSentence] = Field(default_factory=list)
    introduction: list[CitedSentence] = Field(default_factory=list)


class SuggestionOut(_Output):
    text: str = Field(min_length=1)
    reason: str = ""
    kind: Literal["relationship", "service", "sales"]
    topic: str = ""
    evidence: list[str] = Field(default_factory=list)


class SuggestionsOutput(_Output):
    suggestions: list[SuggestionOut] = Field(default_factory=list)


class AnswerOutput(_Output):
    sentences: list[CitedSentence] = Field(default_factory=list)
    answerable: bool = True


class ExtractedFact(_Output):
    kind: Literal["life_event", "preference", "issue", "offer", "promise"]
    subject: str = Field(min_length=1, max_length=60, description="What it is about, a few words: \"Amy's exams\".")
    text: str = Field(min_length=1, max_length=200, description="The fact in one short plain sentence.")
    status: str = Field("", description="upcoming|past (life_event), open|resolved (issue), "
                                        "accepted|declined|pending (offer), due (promise); else empty.")
    turn_ids: list[str] = Field(min_length=1, description="Ids of the transcript lines that say it, e.g. [\"3\"].")


class FactsOutput(_Output):
    facts: list[ExtractedFact] = Field(default_factory=list)


OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    "FactsOutput": FactsOutput,
    "GreetingOutput": GreetingOutput,
    "HandoverOutput": HandoverOutput,
    "SuggestionsOutput": SuggestionsOutput,
    "AnswerOutput": AnswerOutput,
}

HANDOVER_SECTIONS: tuple[str, ...] = (
    "who", "reason", "summary", "done", "status", "provided", "feeling", "next_step", "introduction",
)
