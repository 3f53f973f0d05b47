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

from assistant.language.injection import addresses_the_system
from assistant.models import Citation, DraftSentence, Fact, Interaction
from assistant.settings import Settings

Source = Literal["template", "llm"]

# What an offer looks like in text: a discount, a percentage off, something free, a waived fee, cashback.
OFFER_TERMS = re.compile(
    r"\b\d{1,3}(?:\.\d+)?\s*%|\bper ?cent\b|\bdiscount\w*\b|\b(?:free|waive[ds]?|waiver|cash ?back|voucher|refund)\b"
    r"|[£$€]\s?\d[\d,.]*\s*(?:off|credit|back)\b|\bhalf[- ]price\b|\bmonths? free\b",
    re.I,
)
_SALUTATION = re.compile(
    r"^(?:hello|hi|good (?:morning|afternoon|evening)|welcome back|dear)\b[\s,\w'!.-]{0,30}$", re.I)


def looks_like_injection(text: str) -> bool:
    """The language layer decides what addresses the system; drafting only asks."""
    return addresses_the_system(text)


def _may_hold_pii(text: str) -> bool:
    """Every mask ingest applies needs an @ or at least six digits; most sentences have neither."""
    return "@" in text or sum(ch.isdigit() for ch in text) >= 6


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
        allowed_offers: set[str] | None = None  # computed only if a sentence mentions an offer
        out: list[DraftSentence | None] = []
        for s in sentences:
            s = s.model_copy(deep=True)
            if allowed_offers is None and offer_terms(s.text):
                allowed_offers = self._allowed_offer_terms(facts, owned.values())
            masked = self.redactor.redact(s.text) if _may_hold_pii(s.text) else s.text
            if masked != s.text:
                report.remasked += 1
                s.text = masked
            valid = self.own_citations(customer_id, s.citations, owned)
            report.foreign_citations += len(s.citations) - len(valid)
            s.citations = valid
            reason = self._refusal(s, source, allowed_offers or set())
            if reason:
                report.dropped.append({"text": s.text, "reason": reason})
                out.append(None)
                continue
            out.append(s)
        self.ground(customer_id, [s for s in out if s is not None], owned, source=source)
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
    def ground(self, customer_id: str, sentences: list[DraftSentence], owned: dict[str, Interaction], *,
               source: Source = "template") -> None:
        """Set support and grounded on every cited sentence not already known to be grounded.

        Template sentences first get a lexical check: quotes must appear verbatim in the cited turns, and the
        rest of the sentence's content words must mostly be there too; those that pass need no model. The
        remaining few (and every LLM sentence) get the embedding check: cosine between the sentence and its
        cited turns' text, one batch, cached by text.
        """
        todo = [s for s in sentences if s.citations and s.grounded is None]
        cited: dict[int, list[str]] = {}
        for s in todo:
            texts = []
            for c in s.citations:
                inter = owned.get(c.interaction_id) or self.store.interaction(customer_id, c.interaction_id)
                if inter is not None:
                    owned[c.interaction_id] = inter
                    texts.append(cited_text(inter, c.turn_ids))
            cited[id(s)] = [t for t in texts if t]
        residue = []
        for s in todo:
            texts = cited[id(s)]
            if not texts:
                s.support, s.grounded = 0.0, False
                continue
            lexical = lexical_support(s.text, " ".join(texts))
            if source == "template" and lexical is not None and lexical >= LEXICAL_GROUNDED:
                s.support, s.grounded = round(lexical, 4), True
            else:
                residue.append(s)
        if not residue:
            return
        groups = [[t[:MAX_EVIDENCE_CHARS] for t in cited[id(s)]] for s in residue]
        vectors = self.embed([grounding_text(s.text) for s in residue] + [t for g in groups for t in g])
        pos = len(residue)
        for i, s in enumerate(residue):
            group = vectors[pos : pos + len(groups[i])]
            pos += len(groups[i])
            s.support = round(float(np.max(group @ vectors[i])), 4)
            s.grounded = s.support >= self.settings.grounding_threshold

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


# Template furniture that says where a claim came from, not what it claims: not part of what is grounded.
_FURNITURE = re.compile(
    r"^\s*(?:\d{1,2} \w+(?: \d{4})?, [\w ]+: |we promised: |already verified by [\w ]+: |already told us: "
    r"|preferences: |latest outcome: |latest: |in [\w']+ words: |[\w]+ (?:asked|said): "
    r"|(?:remember )?what (?:[\w' -]{1,30} said|we noted)(?: (?:on |in )?[\w ]{1,30})?(?: \([\w ]+\))?: )"
    r"|\((?:outcome|reference|due)[^)]*\)",
    re.I,
)


LEXICAL_GROUNDED = 0.6  # share of a template sentence's content words found in its cited turns
MAX_EVIDENCE_CHARS = 400  # cited text embedded for the check: enough for meaning, short enough to be fast
_QUOTE = re.compile(r"\u201c([^\u201d]+)\u201d")
_STOP = frozenset((
    "the", "and", "for", "with", "that", "this", "from", "have", "has", "had", "was", "were", "are", "you", "your",
    "our", "their", "his", "her", "she", "him", "they", "them", "about", "into", "onto", "been", "being", "will",
    "would", "could", "should", "can", "may", "might", "must", "just", "also", "very", "than", "then", "there",
    "here", "what", "when", "where", "which", "who", "whom", "whose", "how", "why", "not", "all", "any", "some",
    "one", "two", "three", "once", "twice", "times", "today", "yesterday", "earlier", "lately", "recently",
    "since", "until", "after", "before", "said", "says", "told", "asked", "customer", "agent", "we", "us",
    "already", "note", "hope", "going", "well", "good", "luck", "how", "did", "wonderful", "plans", "coming",
    "congratulations", "lovely", "enjoy", "getting", "sorry", "hear", "ask", "outcome", "reference", "due", "now",
    "contacted", "contacting", "touch", "raised", "first", "latest", "again",
))


def _content(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9£]+(?:[-'][a-z0-9]+)*", text.lower())
    return {w.removesuffix("'s").rstrip("s") for w in words if len(w) > 2 and w not in _STOP}


def lexical_support(sentence: str, evidence: str) -> float | None:
    """Share of the sentence's content words found in the evidence; 0 when a quote is not verbatim there.

    None when the sentence has too few content words to judge this way."""
    norm = " ".join(evidence.split()).lower()
    quotes = _QUOTE.findall(sentence)
    for quote in quotes:
        if " ".join(quote.rstrip("…").split()).lower() not in norm:
            return 0.0
    words = _content(grounding_text(_QUOTE.sub(" ", sentence))).union(*map(_content, quotes))
    if not words:
        return None
    return len(words & _content(evidence)) / len(words)


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
