"""Metrics on one draft: groundedness, citation validity, required-fact coverage, ROUGE, length.

Each is a plain function of the output and the case, so tests can hand-make both. Rule violations live in
``violations.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np
from pydantic import BaseModel

from assistant.embedding import Embedder
from assistant.evaluation.output import OutputSentence, split_sentences
from assistant.evaluation.sets import RequiredFact
from assistant.models import Citation, Customer

# Sentences that carry no claim (greetings, offers of help, sign-offs) need no evidence.
_PHATIC = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|welcome(?: back)?|thanks?|thank you|"
    r"how (?:can|may) i help|what can i do|is there anything else|have a (?:good|great|nice|lovely)|"
    r"take care|kind regards|best wishes|nice to (?:hear|speak|see))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w£$€'-]+")

# A judge answers: does this evidence support this sentence?
Judge = Callable[[str, Sequence[str]], bool]


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, whole words, any whitespace between words."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def mentions(text: str, phrases: Sequence[str]) -> str | None:
    """The first phrase the text mentions, or None."""
    return next((p for p in phrases if p.strip() and phrase_pattern(p).search(text)), None)


# ---- required facts ----------------------------------------------------------------------------------
def fact_present(text: str, fact: RequiredFact) -> bool:
    if fact.regex and re.search(fact.regex, text, re.IGNORECASE):
        return True
    return mentions(text, fact.any or [fact.name]) is not None


def coverage(text: str, required: Sequence[RequiredFact]) -> tuple[float | None, list[str]]:
    """Share of required facts the draft states, and the names of those it misses (None: nothing required)."""
    if not required:
        return None, []
    missing = [f.name for f in required if not fact_present(text, f)]
    return 1.0 - len(missing) / len(required), missing


# ---- ROUGE and length ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _rouge_scorer():  # type: ignore[no-untyped-def]
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def rouge(text: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 against the best-matching reference; empty when there is no reference."""
    refs = [r for r in references if r.strip()]
    if not refs:
        return {}
    best: dict[str, float] = {}
    for ref in refs:
        scores = _rouge_scorer().score(ref, text or "")
        for name, score in scores.items():
            best[name] = max(best.get(name, 0.0), float(score.fmeasure))
    return best


def length(text: str) -> dict[str, int]:
    return {"words": len(_WORD.findall(text or "")), "sentences": len(split_sentences(text or ""))}


# ---- citations -------------------------------------------------------------------------------------------
class CitationCheck(BaseModel):
    total: int = 0
    valid: int = 0
    missing: list[str] = []  # cited interaction or turn does not exist
    foreign: list[str] = []  # cited interaction belongs to another customer

    @property
    def validity(self) -> float | None:
        return self.valid / self.total if self.total else None


def check_citations(citations: Sequence[Citation], customer_id: str, owners: Mapping[str, str],
                    turn_ids: Mapping[str, set[str]]) -> CitationCheck:
    """Each citation must name an existing interaction of this customer and turns that exist in it."""
    check = CitationCheck(total=len(citations))
    for c in citations:
        label = f"{c.interaction_id}#{','.join(c.turn_ids)}"
        owner = owners.get(c.interaction_id)
        if owner is None:
            check.missing.append(label)
        elif owner != customer_id:
            check.foreign.append(label)
        elif any(t not in turn_ids.get(c.interaction_id, set()) for t in c.turn_ids):
            check.missing.append(label)
        else:
            check.valid += 1
    return check


# ---- groundedness ----------------------------------------------------------------------------------------
class SentenceSupport(BaseModel):
    text: str
    status: str  # phatic (not checked) | record (uncited, checked against the customer record) | uncited | cited
    support: float | None = None  # best cosine between the sentence and its cited evidence
    grounded: bool | None = None
    judged: bool | None = None  # the LLM judge's verdict, when one is used


class EmbeddingCache:
    """Wraps an embedder so a text is embedded once per run (evidence is cited again and again)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if todo:
            for t, v in zip(todo, self.embedder.embed_batch(todo), strict=True):
                self._vectors[t] = v
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])


def is_phatic(sentence: str) -> bool:
    return bool(_PHATIC.match(sentence.strip(" \"'-*"))) or len(_WORD.findall(sentence)) < 3


def record_text(customer: Customer) -> str:
    """The customer record as a sentence, the evidence for uncited statements about who the customer is."""
    parts = [customer.name or "The customer"]
    if customer.customer_since:
        parts.append(f"a customer since {customer.customer_since.year}")
    if customer.products:
        parts.append("holds " + ", ".join(customer.products))
    return ", ".join(parts) + "."


def evidence_groups(citations: Sequence[Citation], turns: Mapping[tuple[str, str], str],
                    whole: Mapping[str, list[str]]) -> list[list[str]]:
    """The cited turns' texts, one list per citation; an empty turn list cites the whole contact."""
    groups = []
    for c in citations:
        ids = c.turn_ids or whole.get(c.interaction_id, [])
        texts = [turns[(c.interaction_id, t)] for t in ids if (c.interaction_id, t) in turns]
        if texts:
            groups.append(texts)
    return groups


def support_of(claim: np.ndarray, groups: Sequence[np.ndarray]) -> float:
    """Best cosine between the claim and a cited turn, or the centroid of one citation's turns (a sentence
    that sums up several turns matches their centroid better than any one of them)."""
    best = -1.0
    for vectors in groups:
        best = max(best, float(np.max(vectors @ claim)))
        if len(vectors) > 1:
            centroid = vectors.mean(axis=0)
            best = max(best, float(centroid @ claim) / max(float(np.linalg.norm(centroid)), 1e-12))
    return best


def groundedness(sentences: Sequence[OutputSentence], turns: Mapping[tuple[str, str], str],
                 embedder: Embedder | EmbeddingCache, threshold: float, *, judge: Judge | None = None,
                 whole: Mapping[str, list[str]] | None = None,
                 record: str | None = None) -> tuple[float | None, list[SentenceSupport]]:
    """Share of claim-bearing sentences supported by their own cited evidence.

    Support is the best cosine between the sentence and a cited turn (or the centroid of a citation's turns); a
    sentence is grounded at ``threshold`` or above. With a judge, the judge decides for cited sentences and the
    cosine is kept for the report. Greetings and sign-offs are not counted. An uncited sentence may rest on the
    customer record (``record``: name, tenure, products, the CRM's own data); anything else uncited is unsupported.
    """
    cache = embedder if isinstance(embedder, EmbeddingCache) else EmbeddingCache(embedder)
    whole = whole or {}
    results: list[SentenceSupport] = []
    pending: list[tuple[int, str, list[list[str]]]] = []
    for s in sentences:
        text = s.checked_text()
        groups = evidence_groups(s.citations, turns, whole)
        if not s.citations and is_phatic(text):
            results.append(SentenceSupport(text=text, status="phatic"))
        elif not s.citations and record:
            pending.append((len(results), text, [[record]]))
            results.append(SentenceSupport(text=text, status="record"))
        elif not groups:
            results.append(SentenceSupport(text=text, status="uncited" if not s.citations else "cited",
                                           support=0.0, grounded=False))
        else:
            pending.append((len(results), text, groups))
            results.append(SentenceSupport(text=text, status="cited"))
    if pending:  # one embedding call for the whole draft; the cache skips turns already embedded this run
        cache.embed([t for _, text, groups in pending for t in (text, *(x for g in groups for x in g))])
        for index, text, groups in pending:
            support = support_of(cache.embed([text])[0], [cache.embed(g) for g in groups])
            r = results[index]
            r.support = round(support, 4)
            r.grounded = support >= threshold
            if judge is not None and r.status == "cited":
                r.judged = bool(judge(text, [t for g in groups for t in g]))
                r.grounded = r.judged
    checked = [r for r in results if r.grounded is not None]
    if not checked:
        return None, results
    return sum(1 for r in checked if r.grounded) / len(checked), results


_JUDGE_PROMPT = """You check a customer-service draft against the transcript it cites.
Evidence:
{evidence}

Sentence: {sentence}

Does the evidence support every claim in the sentence? Answer with one word: YES or NO."""


def llm_judge(model: object) -> Judge:
    """A judge from a LangChain chat model (anything with .invoke) or a plain callable prompt -> text."""

    def ask(prompt: str) -> str:
        if hasattr(model, "invoke"):
            reply = model.invoke(prompt)
            return str(getattr(reply, "content", reply))
        if callable(model):
            return str(model(prompt))
        raise TypeError("the judge model needs .invoke(prompt) or to be callable")

    def judge(sentence: str, evidence: Sequence[str]) -> bool:
        listing = "\n".join(f"- {e}" for e in evidence)
        verdict = re.search(r"\b(YES|NO)\b", ask(_JUDGE_PROMPT.format(evidence=listing, sentence=sentence)).upper())
        return bool(verdict) and verdict.group(1) == "YES"

    return judge
