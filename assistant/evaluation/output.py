"""What a drafter produced for one case, in one shape whatever the draft type, so every metric reads the same."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from assistant.models import Citation, Draft, Suggestion

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9£$€])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences and lines of a draft, bullets stripped; good enough for English drafts and summaries."""
    lines = (_BULLET.sub("", line) for line in (text or "").splitlines())
    parts = (p.strip() for line in lines for p in _SENTENCE_END.split(line))
    return [p for p in parts if p]


class OutputSentence(BaseModel):
    text: str  # what the agent sees
    claim: str = ""  # what must be supported by the citations (default: text)
    citations: list[Citation] = Field(default_factory=list)
    kind: str = ""  # suggestions: relationship | service | sales
    topic: str = ""

    def checked_text(self) -> str:
        return self.claim or self.text


class CaseOutput(BaseModel):
    """`summary_text()` is what ROUGE reads: a handover's summary section where it has one, else the whole text."""

    draft_type: str
    text: str
    sentences: list[OutputSentence] = Field(default_factory=list)
    draft_citations: list[Citation] = Field(default_factory=list)  # the draft's own list, beside sentence ones
    sections: dict[str, str] = Field(default_factory=dict)  # handover sections (who, reason, summary...) as text
    metadata: dict[str, Any] = Field(default_factory=dict)

    def citations(self) -> list[Citation]:
        """Every citation in the output, once each."""
        seen: dict[tuple[str, tuple[str, ...]], Citation] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c.key(), c)
        for c in self.draft_citations:
            seen.setdefault(c.key(), c)
        return list(seen.values())

    def summary_text(self) -> str:
        return self.sections.get("summary") or self.text

    @classmethod
    def from_draft(cls, draft: Draft) -> CaseOutput:
        if draft.sentences:
            sentences = [OutputSentence(text=s.text, citations=list(s.citations)) for s in draft.sentences]
        else:  # a draft without sentence-level citations: every sentence rests on the draft's citations
            sentences = [OutputSentence(text=t, citations=list(draft.citations)) for t in split_sentences(draft.text)]
        meta = {k: v for k, v in draft.metadata.items() if _jsonable(v)}
        sections = {name: " ".join(str(x) for x in value) for name, value in draft.sections.items()
                    if isinstance(value, list) and value and all(isinstance(x, str) for x in value)}
        return cls(draft_type=draft.kind, text=draft.text, sentences=sentences, metadata=meta,
                   draft_citations=list(draft.citations), sections=sections)

    @classmethod
    def from_suggestions(cls, suggestions: list[Suggestion]) -> CaseOutput:
        sentences = [
            OutputSentence(text=s.text, claim=s.reason or s.text, citations=list(s.citations), kind=s.kind,
                           topic=s.topic)
            for s in suggestions
        ]
        text = "\n".join(f"- [{s.kind}] {s.text}" + (f" ({s.reason})" if s.reason else "") for s in suggestions)
        return cls(draft_type="suggestions", text=text, sentences=sentences)


def _jsonable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | type(None) | list | dict)
