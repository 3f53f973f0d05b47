"""Checks every draft sentence passes, whichever drafter wrote it.

1. PII stays masked: each sentence is re-masked with ingest's Redactor.
2. Isolation: a citation must name an interaction (and turns) of this customer, checked through the store.
3. Citations: an LLM sentence without a valid citation is dropped (a bare salutation excepted).
4. Injection: instruction-like text from interactions is never repeated, and offers (discounts, "% off",
   free months...) that no clean fact or agent turn states are blocked.
5. Grounding: cosine similarity between a sentence and its cited turns' text; below
   settings.grounding_threshold an LLM sentence is dropped and a template sentence flagged (grounded=False).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from assistant.models import Citation, DraftSentence, Fact, Interaction
from assistant.settings import Settings

Source = Literal["template", "llm"]

INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules?|guidelines?|polic(?:y|ies))"
    r"|\b(?:system prompt|developer message|jailbreak)\b"
    r"|\byou are now\b|\bact as (?:an?|the) \w+"
    r"|(?:^|[\s\"'(])(?:system|assistant|developer)\s*:\s*\w|\bapprove (?:the|my|this) (?:refund|claim|request)\b"
    r"|\bnew instructions?\b|\b(?:assistant|ai|model|chatbot)\s*[:,]\s*(?:please\s+)?(?:offer|give|say|tell|write)\b",
    re.I,
)
# What an offer looks like in text: a discount, a percentage off, something free, a waived fee, cashback.
OFFER_TERMS = re.compile(
    r"\b\d{1,3}(?:\.\d+)?\s*%|\bper ?cent\b|\bdiscount\w*\b|\b(?:free|waive[ds]?|waiver|cash ?back|voucher|refund)\b"
    r"|[£$€]\s?\d[\d,.]*\s*(?:off|credit|back)\b|\bhalf[- ]price\b|\bmonths? free\b",
    re.I,
)
_SALUTATION = re.compile(
    r"^(?:hello|hi|good (?:morning|afternoon|evening)|welcome back|dear)\b[\s,\w'!.-]{0,30}$", re.I)


def looks_like_injection(text: str) -> bool:
    return bool(INJECTION.search(text or ""))


def fact_is_clean(fact: Fact) -> bool:
    """A fact carrying instruction-like text (memory copied it from an interaction) is never used by drafting."""
    parts = [fact.text, fact.subject, *(str(v) for v in fact.attributes.values())]
    return not any(looks_like_injection(p) for p in parts)


def offer_terms(text: str) -> set[str]:
    return {re.sub(r"\s+", "", m.group(0).lower()) for m in OFFER_TERMS.finditer(text or "")}


@dataclass
class GuardReport:
    dropped: list[dict[str, str]] = field(default_factory=list)
    flagged: int = 0
    remasked: int = 0
    foreign_citations: int = 0

    def as_metadata(self) -> dict[str, Any]:
        return {
            "dropped": self.dropped, "flagged": self.flagged, "remasked": self.remasked,
            "foreign_citations": self.foreign_citations,
        }

    def merge(self, other: GuardReport) -> None:
        self.dropped += other.dropped
        self.flagged += other.flagged
        self.remasked += other.remasked
        self.foreign_citations += other.foreign_citations


class Guardrails:
    """One per Drafter; keeps a bounded cache of text vectors so repeated turns are embedded once."""

    def __init__(self, store: Any, embedder: Any, settings: Settings, cache_size: int = 20000) -> None:
        from ingest.redaction import Redactor

        self.store, self.embedder, self.settings = store, embedder, settings
        self.redactor = Redactor(settings.phone_regions)
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # ---- the whole pass ----------------------------------------------------------------------------
    def check(self, customer_id: str, sentences: Sequence[DraftSentence], *, source: Source,
              facts: Iterable[Fact] = (), interactions: dict[str, Interaction] | None = None,
              ) -> tuple[list[DraftSentence], GuardReport]:
        """The sentences that survive (masked, citations validated, grounding set), and what happened."""
        checked, report = self.check_each(customer_id, sentences, source=source, facts=facts,
                                          interactions=interactions)
        return [s for s in checked if s is not None], report

    def check_each(self, customer_id: str, sentences: Sequence[DraftSentence], *, source: Source,
                   facts: Iterable[Fact] = (), interactions: dict[str, Interaction] | None = None,
                   ) -> tuple[list[DraftSentence | None], GuardReport]:
        """Like check(), aligned with the input: None where a sentence was dropped."""
        report = GuardReport()
        owned = dict(interactions or {})
        allowed_offers = self._allowed_offer_terms(facts, owned.values())
        out: list[DraftSentence | None] = []
        for s in sentences:
            s = s.model_copy(deep=True)
            masked = self.redactor.redact(s.text)
            if masked != s.text:
                report.remasked += 1
                s.text = masked
            valid = self.own_citations(customer_id, s.citations, owned)
            report.foreign_citations += len(s.citations) - len(valid)
            s.citations = valid
            reason = self._refusal(s, source, allowed_offers)
            if reason:
                report.dropped.append({"text": s.text, "reason": reason})
                out.append(None)
                continue
            out.append(s)
        self.ground(customer_id, [s for s in out if s is not None], owned)
        for i, s in enumerate(out):
            if s is None or s.grounded is not False:
                continue
            if source == "llm":
                report.dropped.append({"text": s.text, "reason": f"unsupported (support {s.support or 0:.2f})"})
                out[i] = None
            else:
                report.flagged += 1
        return out, report

    def _refusal(self, s: DraftSentence, source: Source, allowed_offers: set[str]) -> str | None:
        if looks_like_injection(s.text):
            return "instruction-like text from an interaction"
        unsupported_offer = offer_terms(s.text) - allowed_offers
        if unsupported_offer:
            return f"offer not in the customer's facts: {', '.join(sorted(unsupported_offer))}"
        if not s.citations and source == "llm" and not _SALUTATION.match(s.text.strip()):
            return "no valid citation"
        return None

    def _allowed_offer_terms(self, facts: Iterable[Fact], interactions: Iterable[Interaction]) -> set[str]:
        """Offer wording is allowed only if a clean fact states it or an agent said it to the customer."""
        terms: set[str] = set()
        for f in facts:
            if fact_is_clean(f):
                terms |= offer_terms(f.text)
        for inter in interactions:
            for t in inter.turns:
                if t.speaker == "agent" and not looks_like_injection(t.text):
                    terms |= offer_terms(t.text)
        return terms

    # ---- isolation -----------------------------------------------------------------------------------
    def own_citations(self, customer_id: str, citations: Sequence[Citation],
                      owned: dict[str, Interaction]) -> list[Citation]:
        """Citations that point at this customer's interactions and turns; `owned` caches store reads."""
        valid: list[Citation] = []
        for c in citations:
            inter = owned.get(c.interaction_id)
            if inter is None:
                inter = self.store.interaction(customer_id, c.interaction_id)
                if inter is None:
                    continue
                owned[c.interaction_id] = inter
            if inter.customer_id != customer_id:
                continue
            have = {t.turn_id for t in inter.turns}
            turn_ids = [t for t in c.turn_ids if t in have]
            if c.turn_ids and not turn_ids:
                continue
            valid.append(Citation(interaction_id=c.interaction_id, turn_ids=turn_ids))
        return valid

    # ---- grounding ------------------------------------------------------------------------------------
    def ground(self, customer_id: str, sentences: list[DraftSentence], owned: dict[str, Interaction]) -> None:
        """Set support and grounded on every cited sentence that is not already known to be grounded.

        The cited side uses the vectors already stored for the turn windows holding the cited turns (no
        embedding call); only the sentences are embedded, in one batch, and cached by text.
        """
        todo = [s for s in sentences if s.citations and s.grounded is None]
        if not todo:
            return
        windows = self._windows(customer_id)
        stored: list[np.ndarray | None] = []  # per sentence: window vectors, or None to embed the cited turns
        fallback: list[list[str]] = []
        for s in todo:
            rows = [vec for c in s.citations for vec in _window_vectors(windows, c)]
            stored.append(np.vstack(rows) if rows else None)
            texts = []
            if not rows:  # no stored window (a fake store, or chunks not written): embed the cited turns
                for c in s.citations:
                    inter = owned.get(c.interaction_id) or self.store.interaction(customer_id, c.interaction_id)
                    if inter is not None:
                        owned[c.interaction_id] = inter
                        texts.append(cited_text(inter, c.turn_ids))
            fallback.append(texts)
        vectors = self.embed([grounding_text(s.text) for s in todo] + [t for texts in fallback for t in texts])
        pos = len(todo)
        for i, s in enumerate(todo):
            group = stored[i]
            if group is None:
                group = vectors[pos : pos + len(fallback[i])]
                pos += len(fallback[i])
            if group.shape[0] == 0:
                s.support, s.grounded = 0.0, False
                continue
            s.support = round(float(np.max(group @ vectors[i])), 4)
            s.grounded = s.support >= self.settings.grounding_threshold

    def _windows(self, customer_id: str) -> dict[str, list[tuple[set[str], np.ndarray]]]:
        """interaction id -> [(turn ids, vector)] of the customer's stored windows (the store caches them)."""
        chunks = getattr(self.store, "chunks", None)
        if chunks is None:
            return {}
        try:
            stored = chunks(customer_id)
        except Exception:  # noqa: BLE001 - grounding then embeds the cited text instead
            return {}
        out: dict[str, list[tuple[set[str], np.ndarray]]] = {}
        for sc in stored:
            if sc.chunk.customer_id == customer_id:
                out.setdefault(sc.chunk.interaction_id, []).append((set(sc.chunk.turn_ids), sc.embedding))
        return out

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for texts, embedding only those not seen recently (one batch)."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        with self._lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self.embedder.embed_batch(missing)
            found.update(zip(missing, fresh, strict=True))
            with self._lock:
                for text, vec in zip(missing, fresh, strict=True):
                    self._vectors[text] = vec
                while len(self._vectors) > self._cache_size:
                    self._vectors.popitem(last=False)
        return np.vstack([found[t] for t in texts])


def _window_vectors(windows: dict[str, list[tuple[set[str], np.ndarray]]], c: Citation) -> list[np.ndarray]:
    rows = windows.get(c.interaction_id, [])
    wanted = set(c.turn_ids)
    return [vec for turn_ids, vec in rows if not wanted or turn_ids & wanted]


# Template furniture that says where a claim came from, not what it claims: not part of what is grounded.
_FURNITURE = re.compile(
    r"^\s*(?:\d{1,2} \w+(?: \d{4})?, [\w ]+: |we promised: |already verified by [\w ]+: |already told us: "
    r"|preferences: |latest outcome: )|\((?:outcome|reference|due)[^)]*\)",
    re.I,
)


def grounding_text(text: str) -> str:
    return _FURNITURE.sub(" ", text).strip() or text


def cited_text(inter: Interaction, turn_ids: Sequence[str], max_chars: int = 1200) -> str:
    """The text a citation points at: the named turns, or the customer's side of the whole contact."""
    if turn_ids:
        wanted = set(turn_ids)
        turns = [t for t in inter.turns if t.turn_id in wanted]
    else:
        turns = [t for t in inter.turns if t.speaker == "customer"] or inter.turns
    return " ".join(t.text for t in turns)[:max_chars]
