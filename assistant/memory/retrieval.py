"""Customer-scoped retrieval: dense (cosine in numpy) + BM25 fused by reciprocal rank, with recency, time
windows from the question ("in March", "last week", "when did she last call?") and near-duplicate removal."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import numpy as np

from assistant.embedding import Embedder, VectorCache
from assistant.language.time import QuestionTime, question_time
from assistant.language.words import normalised, render_turns, tokens, topic_tokens, words
from assistant.models import Chunk, Evidence, Interaction, Turn, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

Mode = Literal["hybrid", "dense", "bm25"]
Fusion = Literal["rrf", "linear"]
CLOCK_SKEW = timedelta(hours=1)
SPAN_BOOST = 0.5  # fused scores lie in [0, 1]: a window inside the question's time window outranks one outside

# Words that point at a channel: "when did she last call?" is about voice contacts.
_CHANNEL_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(call(?:ed)?|phon(?:e|ed)|rang|ring|on the phone)\b", re.I), "voice"),
    (re.compile(r"\b(e-?mail(?:ed|s)?|wrote|write)\b", re.I), "email"),
    (re.compile(r"\b(chat(?:ted)?|web ?chat|live chat)\b", re.I), "chat"),
    (re.compile(r"\b(branch|came in|in person|visit(?:ed)?)\b", re.I), "branch"),
    (re.compile(r"\b(app|in-app)\b", re.I), "app"),
]


@dataclass
class Hit:
    """A ranked window with the raw signals behind its score (the answerer reads them to judge relevance)."""

    chunk: Chunk
    turn_ids: list[str]
    text: str
    score: float
    dense: float
    lexical: float
    recency: float
    position: int  # index of the window in the customer's index

    def evidence(self) -> Evidence:
        return Evidence(
            interaction_id=self.chunk.interaction_id, turn_ids=list(self.turn_ids), text=self.text,
            channel=self.chunk.channel, started_at=self.chunk.started_at, score=round(float(self.score), 6),
        )


@dataclass
class CustomerIndex:
    """Everything needed to rank one customer's windows, built once per store version of that customer."""

    version: int
    chunks: list[Chunk]
    matrix: np.ndarray
    started: np.ndarray  # POSIX seconds per window
    interactions: dict[str, Interaction]
    turns: dict[str, dict[str, Turn]]
    bm25: object | None
    token_lists: list[list[str]] = field(default_factory=list)
    memo: dict[str, object] = field(default_factory=dict)  # derived data other parts cache with this version

    def window_turns(self, chunk: Chunk, turn_ids: list[str] | None = None) -> list[Turn]:
        by_id = self.turns.get(chunk.interaction_id, {})
        return [by_id[t] for t in (turn_ids if turn_ids is not None else chunk.turn_ids) if t in by_id]

    def window_text(self, chunk: Chunk, turn_ids: list[str] | None = None) -> str:
        got = self.window_turns(chunk, turn_ids)
        return render_turns(got) if got else chunk.text


QUESTION_CACHE = 4096  # distinct question texts whose vectors are kept (~6 MB)


class Retriever:
    """Ranks one customer's turn windows for a question; never looks at another customer's data."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, *, dense_weight: float = 1.0,
                 lexical_weight: float = 1.0, fusion: Fusion = "rrf", cache_size: int = 256) -> None:
        self.store, self.embedder, self.settings = store, embedder, settings
        self.dense_weight, self.lexical_weight, self.fusion = dense_weight, lexical_weight, fusion
        self._cache: OrderedDict[str, CustomerIndex] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        # Agents ask the same few questions of many customers ("what was the last contact about?"): a question's
        # vector is computed once, not once per request (it holds no customer data, only the question's words).
        self._questions = VectorCache(embedder, QUESTION_CACHE)

    # ---- public ---------------------------------------------------------------------------------
    def retrieve(self, customer_id: str, query: str, k: int = 10, *, mode: Mode = "hybrid",
                 now: datetime | None = None) -> list[Evidence]:
        return [h.evidence() for h in self.search(customer_id, query, k, mode=mode, now=now)]

    def search(self, customer_id: str, query: str, k: int = 10, *, mode: Mode = "hybrid",
               now: datetime | None = None, query_vector: np.ndarray | None = None) -> list[Hit]:
        index = self.index(customer_id)
        if not index.chunks or not query.strip():
            return []
        # Contacts after `now` have not happened yet as of that moment; without an explicit moment, a record
        # stamped a little ahead (another system's clock) still counts.
        cutoff = as_utc(now) if now else utcnow() + CLOCK_SKEW
        now = as_utc(now) if now else utcnow()
        when = question_time(query, now)
        topic = topic_tokens(when.rest)
        # "What happened in March?" looks only in March; "what did he promise to do on Friday?" merely prefers
        # contacts in that window (the day may be the promise's, not the contact's).
        allowed = self._allowed(index, when, query, strict=not topic) & (index.started <= cutoff.timestamp())
        if not allowed.any():
            return []
        text_for_ranking = when.rest if topic else query
        dense = self._dense(index, text_for_ranking, query_vector) if mode != "bm25" else np.zeros(len(index.chunks))
        lexical = self._lexical(index, text_for_ranking) if mode != "dense" else np.zeros(len(index.chunks))
        recency = self._recency(index, now)
        if not topic and (when.span is not None or when.order is not None):
            score = self._untopical_order(index, when, allowed, dense)
        else:
            score = self._fuse(dense, lexical, recency, mode)
            if when.span is not None:
                score = score + SPAN_BOOST * self._in_span(index, when)
            if when.order is not None:
                score = self._ordered(index, when, score, allowed, k)
        score = np.where(allowed, score, -np.inf)
        return self._distinct(index, score, dense, lexical, recency, k)

    def index(self, customer_id: str) -> CustomerIndex:
        version = self.store.version(customer_id)
        with self._lock:
            cached = self._cache.get(customer_id)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(customer_id)
                return cached
        built = self._build(customer_id, version)
        with self._lock:
            self._cache[customer_id] = built
            self._cache.move_to_end(customer_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return built

    # ---- building ---------------------------------------------------------------------------------
    def _build(self, customer_id: str, version: int) -> CustomerIndex:
        stored = [s for s in self.store.chunks(customer_id) if s.chunk.customer_id == customer_id]
        interactions = {i.interaction_id: i for i in self.store.interactions(customer_id)}
        turns = {iid: {t.turn_id or "": t for t in i.turns} for iid, i in interactions.items()}
        chunks = [s.chunk for s in stored]
        dim = getattr(self.embedder, "dim", 0) or (stored[0].embedding.shape[0] if stored else 1)
        matrix = np.vstack([s.embedding for s in stored]).astype(np.float32) if stored else np.zeros((0, dim))
        index = CustomerIndex(
            version=version, chunks=chunks, matrix=matrix,
            started=np.array([as_utc(c.started_at).timestamp() for c in chunks], dtype=np.float64),
            interactions=interactions, turns=turns, bm25=None,
        )
        index.token_lists = [tokens(index.window_text(c)) for c in chunks]
        if any(index.token_lists):
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index([t or ["__empty__"] for t in index.token_lists], show_progress=False)
            index.bm25 = bm25
        return index

    # ---- signals ------------------------------------------------------------------------------------
    def _dense(self, index: CustomerIndex, query: str, vector: np.ndarray | None) -> np.ndarray:
        q = vector if vector is not None else self._questions.embed([query])[0]
        return index.matrix @ q.astype(np.float32)

    def _lexical(self, index: CustomerIndex, query: str) -> np.ndarray:
        q = tokens(query)
        if index.bm25 is None or not q:
            return np.zeros(len(index.chunks))
        return np.asarray(index.bm25.get_scores(q), dtype=np.float64)  # type: ignore[attr-defined]

    def _recency(self, index: CustomerIndex, now: datetime) -> np.ndarray:
        age_days = np.maximum(0.0, now.timestamp() - index.started) / 86400.0
        return np.power(0.5, age_days / max(self.settings.recency_half_life_days, 1e-6))

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, recency: np.ndarray, mode: Mode) -> np.ndarray:
        """Weighted reciprocal-rank fusion of the meaning and word rankings, with recency as a third, lighter
        ranking (settings.recency_weight against 1 for the others), scaled so the best possible score is 1."""
        if self.fusion == "linear" and mode == "hybrid":
            return self._linear(dense, lexical, recency)
        k = float(self.settings.rrf_k)
        fused = np.zeros(len(dense))
        total = 0.0
        if mode != "bm25":
            fused += self.dense_weight / (k + _ranks(dense))
            total += self.dense_weight
        if mode != "dense":
            has = lexical > 0
            fused += np.where(has, self.lexical_weight / (k + _ranks(lexical)), 0.0)
            total += self.lexical_weight
        w = self.settings.recency_weight
        if w > 0:
            fused += w / (k + _ranks(recency, dense=True))
            total += w
        return fused / (total / (k + 1.0))

    def _linear(self, dense: np.ndarray, lexical: np.ndarray, recency: np.ndarray) -> np.ndarray:
        """Min-max scaled scores, weighted (dense_weight : lexical_weight), recency as a small extra term."""
        def scaled(x: np.ndarray) -> np.ndarray:
            span = float(x.max() - x.min()) if len(x) else 0.0
            return (x - x.min()) / span if span > 1e-9 else np.zeros(len(x))

        total = self.dense_weight + self.lexical_weight
        score = (self.dense_weight * scaled(dense) + self.lexical_weight * scaled(lexical)) / total
        return score + 0.1 * self.settings.recency_weight * recency

    @staticmethod
    def _in_span(index: CustomerIndex, when: QuestionTime) -> np.ndarray:
        assert when.span is not None
        return (index.started >= when.span.start.timestamp()) & (index.started < when.span.end.timestamp())

    def _allowed(self, index: CustomerIndex, when: QuestionTime, query: str, *, strict: bool) -> np.ndarray:
        allowed = np.ones(len(index.chunks), dtype=bool)
        if when.span is not None and strict:
            allowed &= self._in_span(index, when)
        if when.order is not None or when.span is not None:
            channel = channel_hint(query)
            if channel:
                narrowed = allowed & np.array([c.channel == channel for c in index.chunks])
                if narrowed.any():
                    allowed = narrowed
        return allowed

    def _ordered(self, index: CustomerIndex, when: QuestionTime, score: np.ndarray, allowed: np.ndarray,
                 k: int) -> np.ndarray:
        """'latest'/'earliest': the best-matching windows, then ordered by time (newest or oldest first)."""
        pool = max(k, 20)
        candidates = np.where(allowed)[0]
        top = candidates[np.argsort(-score[candidates], kind="stable")[:pool]]
        best = float(score[top[0]]) if len(top) else 0.0
        keep = [i for i in top if score[i] >= 0.9 * best]
        sign = 1.0 if when.order == "latest" else -1.0
        out = np.full(len(score), -1e9)
        times = index.started[keep]
        if len(keep):
            span = max(float(times.max() - times.min()), 1.0)
            for i in keep:  # time decides; the match score breaks ties within an interaction
                out[i] = 10.0 + sign * (index.started[i] - times.min()) / span + 0.01 * score[i]
        return out

    def _untopical_order(self, index: CustomerIndex, when: QuestionTime, allowed: np.ndarray,
                         dense: np.ndarray) -> np.ndarray:
        """No topic ("what happened in March?", "when did she last call?"): each interaction's most
        representative windows (closest to the interaction's mean vector), newest interaction first (oldest
        first for "when did she first..."), round robin so every contact shows before any shows twice."""
        out = np.full(len(index.chunks), -np.inf)
        by_interaction: dict[str, list[int]] = {}
        for i in np.where(allowed)[0]:
            by_interaction.setdefault(index.chunks[i].interaction_id, []).append(int(i))
        order = sorted(by_interaction, key=lambda iid: index.started[by_interaction[iid][0]],
                       reverse=when.order != "earliest")
        n = len(order)
        for rank, iid in enumerate(order):
            rows = by_interaction[iid]
            centroid = index.matrix[rows].mean(axis=0)
            typical = index.matrix[rows] @ centroid
            for depth, j in enumerate(np.argsort(-typical, kind="stable")):
                out[rows[j]] = -float(depth * n + rank)
        return out

    # ---- output ---------------------------------------------------------------------------------------
    def _distinct(self, index: CustomerIndex, score: np.ndarray, dense: np.ndarray, lexical: np.ndarray,
                  recency: np.ndarray, k: int) -> list[Hit]:
        """Top k windows, without turns already shown and without near-identical text."""
        covered: dict[str, set[str]] = {}
        seen: list[set[str]] = []
        said: set[str] = set()  # normalised turn texts already shown: a disclaimer read on every call shows once
        hits: list[Hit] = []
        for i in np.argsort(-score, kind="stable"):
            if len(hits) >= k or not np.isfinite(score[i]):
                break
            chunk = index.chunks[i]
            done = covered.setdefault(chunk.interaction_id, set())
            fresh = [t for t in chunk.turn_ids if t not in done]
            turns = {t.turn_id: normalised(t.text) for t in index.window_turns(chunk, fresh)}
            fresh = [t for t in fresh if not (len(turns.get(t, "").split()) >= 4 and turns.get(t) in said)]
            if not fresh:
                continue
            text = index.window_text(chunk, fresh)
            bag = set(words(normalised(text)))
            if bag and any(len(bag & other) / len(bag | other) >= 0.9 for other in seen):
                continue  # the same words again (a repeated disclaimer, a pasted email)
            done.update(fresh)
            said.update(turns[t] for t in fresh if t in turns)
            seen.append(bag)
            hits.append(Hit(chunk, fresh, text, float(score[i]), float(dense[i]), float(lexical[i]),
                            float(recency[i]), int(i)))
        return hits


def channel_hint(text: str) -> str | None:
    for pattern, channel in _CHANNEL_HINTS:
        if pattern.search(text):
            return channel
    return None


def _ranks(values: np.ndarray, *, dense: bool = False) -> np.ndarray:
    """1 for the highest value; ties share the better rank. dense=True counts distinct values only (for recency:
    every window of the newest contact is 1, of the one before 2, ...)."""
    n = len(values)
    order = np.argsort(-values, kind="stable")
    ordered = values[order]
    new_value = np.r_[True, ordered[1:] != ordered[:-1]] if n else np.zeros(0, dtype=bool)
    first_of_run = np.maximum.accumulate(np.where(new_value, np.arange(n), 0)) + 1
    ranked = np.cumsum(new_value) if dense else first_of_run
    ranks = np.empty(n)
    ranks[order] = ranked
    return ranks
