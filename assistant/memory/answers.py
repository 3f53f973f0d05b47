"""Questions about one customer answered with citations: from facts when they answer it, else by quoting the
best sentences of the best evidence. Without a match: "I can't find anything about that" and no citations."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import numpy as np

from assistant.embedding import VectorCache
from assistant.language import noise
from assistant.language.classifiers import load
from assistant.language.time import fmt_day, question_time
from assistant.language.words import clip, sentences, topic_tokens
from assistant.memory.answer_llm import llm_answer
from assistant.memory.facts import FactMemory
from assistant.memory.intents import fact_question, matching_facts, topic_of
from assistant.memory.retrieval import Hit, Retriever
from assistant.memory.timeline import summarize
from assistant.models import Citation, Customer, Draft, DraftSentence, Fact, Interaction, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

DETAIL_QUESTION = re.compile(r"^\W*(why|who|whom|where|how (?:much|many|long|often)|which|what(?:'s| is| was)? the "
                             r"(?:name|reason|amount|date|number|reference))\b", re.I)
# A name or reference in the middle of a question: "Which shop owes Jonas a refund?", "about ESC-58213".
NAME = re.compile(r"(?<=\w )([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?|[A-Z]{2,5}-\d{3,})\b")
NOT_NAMES = frozenset(str.split("""i customer january february march april may june july august september
october november december monday tuesday wednesday thursday friday saturday sunday christmas easter mr mrs ms dr"""))
MAX_FACTS = 6
MAX_QUOTES = 3
POOL = 6  # top evidence windows whose sentences are considered for quoting
LEXICAL_WEIGHT = 0.15  # share of question topic words a sentence contains, added to its cosine
SHORT_PENALTY = 0.05  # "Call it 'Amy uni'." matches many questions and answers none


class Answerer:
    """`ask` answers a question about one customer from that customer's history only."""

    def __init__(self, store: Store, retriever: Retriever, memory: FactMemory, settings: Settings, llm: Any = None,
                 *, min_sentence: float = 0.42) -> None:
        self.store, self.retriever, self.memory, self.settings, self.llm = store, retriever, memory, settings, llm
        # A quoted sentence must be this close (cosine) to the question, or 0.15 less with half its topic words.
        self.min_sentence = min_sentence
        self._sentences = VectorCache(retriever.embedder)

    def ask(self, customer_id: str, question: str, now: datetime | None = None) -> Draft:
        customer = self.store.customer(customer_id)  # UnknownCustomer for an id we do not hold
        now = as_utc(now) if now else utcnow()
        question = " ".join(question.split())
        hits = self.retriever.search(customer_id, _without_names(question, customer), k=8, now=now)
        if self.llm is not None and question:
            try:
                draft = llm_answer(self.llm, customer, question, hits, now)
                if draft is not None:
                    return draft
                reason = "the model's answer cited nothing from the evidence"
            except Exception as exc:  # noqa: BLE001 - any model failure falls back to the extractive answer
                reason = f"{type(exc).__name__}: {exc}"[:300]
            draft = self._extractive(customer, question, hits, now)
            draft.metadata["fallback"] = reason
            return draft
        return self._extractive(customer, question, hits, now)

    # ---- routes -----------------------------------------------------------------------------------
    def _extractive(self, customer: Customer, question: str, hits: list[Hit], now: datetime) -> Draft:
        plain = _without_names(question, customer)
        routes = (self._from_facts, self._from_timeline, self._from_evidence)
        if self._names_a_stranger(customer, plain):
            routes = ()  # "Where is Samuel moving to?" about a customer whose history never mentions a Samuel
        for route in routes:
            got = route(customer, plain, hits, now)
            if got:
                name, sentences_ = got
                return _draft(customer, sentences_, route=name)
        whose = customer.first_name or "the customer"
        return _draft(customer, [DraftSentence(text=f"I can't find anything about that in {whose}'s history.")],
                      route="none")

    def _question_scores(self, question: str) -> dict[str, float] | None:
        """The question classifier's reading, only needed when no pattern knows the wording."""
        classifier = load("fact_questions", self.settings.embedding_model)
        if classifier is None or fact_question(question) is not None:
            return None
        return classifier.predict(np.asarray(self.retriever.embedder.embed_batch([question])))[0]

    def _names_a_stranger(self, customer: Customer, question: str) -> bool:
        names = [n for n in NAME.findall(question) if n.lower() not in NOT_NAMES]
        if not names:
            return False
        index = self.retriever.index(customer.customer_id)
        text = index.memo.get("lowered")
        if text is None:
            text = index.memo["lowered"] = " ".join(
                t.text.lower() for i in index.interactions.values() for t in i.turns)
        return not any(n.lower() in text for n in names)  # type: ignore[operator]

    def _from_facts(self, customer: Customer, question: str, hits: list[Hit], now: datetime):  # type: ignore[no-untyped-def]
        """List and status questions ("what products does she have?", "any open issues?"); questions after a
        detail ("who was it escalated to?", "why...") go to the evidence instead."""
        intent = fact_question(question, self._question_scores(question))
        if intent is None or DETAIL_QUESTION.match(question):
            return None
        facts = matching_facts(self.memory.facts(customer.customer_id, now=now), question, intent)
        if not facts:
            # A list question memory has no fact for gets that answer, not quotes that merely sound alike.
            none = _NONE_ON_RECORD.get((intent.kinds, intent.statuses))
            if none and not topic_of(question, intent) and not intent.guessed:
                return "facts", [DraftSentence(text=none)]
            return None
        facts = sorted(facts, key=lambda f: f.recorded_at or datetime.min.replace(tzinfo=now.tzinfo))[-MAX_FACTS:]
        return "facts", [_fact_sentence(f) for f in facts]

    def _from_timeline(self, customer: Customer, question: str, hits: list[Hit], now: datetime):  # type: ignore[no-untyped-def]
        """'When did she last call?', 'what happened in March?': contacts, not topics."""
        when = question_time(question, now)
        if topic_tokens(when.rest) or (when.span is None and when.order is None):
            return None
        seen: dict[str, Hit] = {}
        for hit in hits:
            seen.setdefault(hit.chunk.interaction_id, hit)
        if not seen:
            return None
        index = self.retriever.index(customer.customer_id)
        ordered = sorted(seen.values(), key=lambda h: h.chunk.started_at, reverse=when.order != "earliest")
        if when.order is not None:
            ordered = ordered[:1]
        out = []
        for hit in ordered[:MAX_FACTS]:
            interaction = index.interactions.get(hit.chunk.interaction_id)
            if interaction is None:
                continue
            lead = {"latest": "The last contact was", "earliest": "The first contact was"}.get(when.order or "", "")
            text = (f"{lead} on {_day(interaction.started_at)} ({interaction.channel}): {summarize(interaction)}"
                    if lead else f"{_day(interaction.started_at)} ({interaction.channel}): {summarize(interaction)}")
            out.append(DraftSentence(text=_end(text), citations=[_interaction_cite(interaction, hit)]))
        if when.order is None and when.span is not None and out:
            count = len(out)
            head = DraftSentence(text=f"{count} contact{'s' if count != 1 else ''} {when.span.phrase.strip()}:")
            out = [head, *sorted(out, key=lambda s: s.text)]
        return ("timeline", out) if out else None

    def _from_evidence(self, customer: Customer, question: str, hits: list[Hit], now: datetime):  # type: ignore[no-untyped-def]
        """Quote the sentences of the top evidence that best answer the question; relevance is judged per
        sentence (a whole window is too coarse: one matching sentence in four turns scores low)."""
        index = self.retriever.index(customer.customer_id)
        candidates: list[tuple[Interaction, str, str]] = []  # interaction, turn id, sentence
        for hit in hits[:POOL]:
            interaction = index.interactions.get(hit.chunk.interaction_id)
            for turn_id in hit.turn_ids if interaction is not None else []:
                turn = interaction.turn(turn_id)
                for s in sentences(turn.text) if turn is not None else []:
                    if len(s.split()) >= 3 and noise.quotable(s):
                        candidates.append((interaction, turn_id, s))
        if not candidates:
            return None
        vectors = self._sentences.embed([question, *[c[2] for c in candidates]])
        sims = vectors[1:] @ vectors[0]
        lexical = np.array([_overlap(question, c[2]) for c in candidates])
        short = np.array([len(c[2].split()) < 6 for c in candidates])
        score = sims + LEXICAL_WEIGHT * lexical - SHORT_PENALTY * short
        best = int(np.argmax(score))
        if not (sims[best] >= self.min_sentence or sims[best] >= self.min_sentence - 0.15 and lexical[best] >= 0.5):
            return None
        chosen: list[int] = []
        for i in np.argsort(-score):  # the best few, one per turn, all close to the best
            if len(chosen) == MAX_QUOTES or score[i] < score[best] - 0.08:
                break
            same_turn = any(candidates[j][:2] == candidates[i][:2] for j in chosen)
            if sims[i] >= self.min_sentence - 0.15 and not same_turn:
                chosen.append(int(i))
        chosen.sort(key=lambda i: (candidates[i][0].started_at, _position(candidates[i][0], candidates[i][1])))
        return "evidence", _quotes(customer, [candidates[i] for i in chosen])


def _quotes(customer: Customer, picked: list[tuple[Interaction, str, str]]) -> list[DraftSentence]:
    """Group picked sentences by turn: 'On 10 Nov 2026 (branch) Maria said: "…"'."""
    out: list[DraftSentence] = []
    groups: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[Interaction, str]] = []
    for interaction, turn_id, text in picked:
        key = (interaction.interaction_id, turn_id)
        if key not in groups:
            groups[key] = []
            order.append((interaction, turn_id))
        groups[key].append(text)
    for interaction, turn_id in order:
        turn = interaction.turn(turn_id)
        speaker = turn.speaker if turn is not None else "agent"
        who = {"customer": f"{customer.first_name or 'the customer'} said", "agent": "the agent said",
               "system": "a system note read"}[speaker]
        quote = clip(" ".join(groups[(interaction.interaction_id, turn_id)]), 60)
        out.append(DraftSentence(
            text=f'On {_day(interaction.started_at)} ({interaction.channel}) {who}: "{quote}"',
            citations=[Citation(interaction_id=interaction.interaction_id, turn_ids=[turn_id])],
        ))
    return out


_NONE_ON_RECORD = {
    (("offer",), ("declined",)): "No declined offers on record.",
    (("offer",), ()): "No offers on record.",
    (("promise",), ()): "No promises on record.",
    (("issue",), ("open", "escalated")): "No open issues on record.",
    (("issue",), ()): "No issues on record.",
    (("preference",), ()): "No contact preferences on record.",
    (("consent", "preference"), ()): "No opt-outs on record.",
    (("product",), ()): "No products on record.",
}


def _fact_sentence(fact: Fact) -> DraftSentence:
    quiet = {"", "held", "stated", "verified", "bought", "granted"}
    status = f" ({fact.status})" if fact.status not in quiet and fact.status.lower() not in fact.text.lower() else ""
    when = f" — recorded {_day(fact.recorded_at)}" if fact.recorded_at and fact.citations else ""
    source = " — customer record" if fact.attributes.get("source") == "customer record" else ""
    citations = list(fact.citations)
    reply = (fact.attributes or {}).get("reply_turns")
    if fact.kind == "offer" and reply and citations:  # the customer's own answer, not the agent's question
        citations = [citations[0].model_copy(update={"turn_ids": [str(t) for t in reply]})]
    return DraftSentence(text=_end(f"{fact.text}{status}{when}{source}"), citations=citations)


def _draft(customer: Customer, parts: list[DraftSentence], *, route: str) -> Draft:
    cites: list[Citation] = []
    for s in parts:
        for c in s.citations:
            if c.key() not in {x.key() for x in cites}:
                cites.append(c)
    return Draft(text=" ".join(s.text for s in parts), citations=cites, kind="answer",
                 customer_id=customer.customer_id, sentences=parts,
                 metadata={"answerer": "extractive", "route": route})


def _interaction_cite(interaction: Interaction, hit: Hit) -> Citation:
    return Citation(interaction_id=interaction.interaction_id, turn_ids=list(hit.turn_ids))


def _without_names(question: str, customer: Customer) -> str:
    """The customer's own name is not a topic: 'what did Maria say about Amy?' is about Amy. It becomes 'the
    customer' (a question still reads as one for the embedding model; for BM25 those are stop-ish words)."""
    out = re.sub(rf"\b{re.escape(customer.name)}(?:'s)?\b", "the customer", question, flags=re.I) if customer.name \
        else question
    for part in (customer.name or "").split():
        if len(part) > 1:
            out = re.sub(rf"\b{re.escape(part)}('s)?\b", lambda m: "the customer" + (m.group(1) or ""), out,
                         flags=re.I)
    return " ".join(out.split())


def _overlap(question: str, text: str) -> float:
    q = set(topic_tokens(question))
    return len(q & set(topic_tokens(text))) / len(q) if q else 0.0


def _position(interaction: Interaction, turn_id: str) -> int:
    return next((i for i, t in enumerate(interaction.turns) if t.turn_id == turn_id), 0)


def _day(value: datetime | None) -> str:
    return fmt_day(as_utc(value)) if value else ""


def _end(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?\"'" else text + "."
