"""Which rewritten sentences make the synopsis: centrality, position and kind priors, a word budget."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.drafting.synopsis.cleaning import CONTENT_WORD, normalise, split_sentences
from assistant.drafting.synopsis.rewriting import NOTE, Names, rewrite
from assistant.drafting.synopsis.words import ACTION, LOWER_OK, STOP


@dataclass(frozen=True)
class SynopsisSentence:
    text: str
    turn_ids: list[str]  # the turns the sentence was built from (its citation)


# Placeholders an anonymiser left ("[PERSON_NAME]", "[DURATION]", our "[EMAIL]"); masks that keep digits, such as
# "[CARD ••••1111]", are not slots.
SLOT = re.compile(r"\[[A-Z][A-Z_ ]*\]")
_SLOT_MARK = "Qslotq"


@lru_cache(maxsize=65536)
def stem(w: str) -> str:
    w = w.lower().strip("'")
    for suf in ("ing", "ed", "es", "s", "'s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def content_words(s: str) -> list[str]:
    return [stem(w) for w in CONTENT_WORD.findall(s) if len(w) > 1 and w.lower() not in STOP]


# Selection knobs. The budget grows with the conversation (b0 + b1 * words, clipped to
# [min_budget, max_words]); sentences whose content is a person's own statement, request,
# suggestion or question are preferred over "X says ..." reports (kind_boost).
KNOBS = {
    "len_exp": 0.7,  # centrality is divided by words ** len_exp
    "pos_w": 0.6, "pos_decay": 3.0,  # relative-position prior (first third of the conversation)
    "abs_w": 0.6, "tau": 2.0,  # absolute-position prior (the first few turns)
    "first_boost": 1.6,  # each party's first substantive sentence
    "kind_boost": 2.0,  # own statements, requests, suggestions and questions over "X says ..."
    "min_budget": 12, "b0": 6.0, "b1": 0.14, "slack": 4,  # word budget
    "overlap": 0.7,  # redundancy penalty
    "apology": 0.6,  # an agent's sentence that apologises is mostly courtesy
    "action_boost": 0.5,  # per action verb (set up, refunded, escalated...) in an agent's sentence, at most two
    "min_content": 1,  # content words a sentence needs to be considered
}


MAX_REWRITE = 48


@dataclass
class Candidate:
    idx: int
    turn_pos: int
    turn_id: str
    speaker: str
    raw: str
    text: str
    kind: str
    words: int
    content: list[str]
    first_of_speaker: bool
    score: float = 0.0


def restates(text: str, other: str) -> bool:
    """Most of this sentence's words are in the other one already."""
    words = set(re.findall(r"[a-z0-9']+", text.lower()))
    return len(words & set(re.findall(r"[a-z0-9']+", other.lower()))) >= 0.6 * len(words)


def word_count(s: str) -> int:
    return len(s.split())


def synopsis(
    turns: list[tuple[str, str, str]],
    customer: str = "The customer",
    agent: str = "the agent",
    max_words: int = 40,
    notes: bool = False,
    avoid: Sequence[str] = (),
) -> list[SynopsisSentence]:
    """turns: (turn_id, speaker in {'customer','agent','system'}, text). Returns a few sentences, third person.

    Deterministic: the same turns always give the same synopsis. Every sentence cites the turn
    it was rewritten from. The total length never exceeds ``max_words`` words. ``notes``: the agent's and
    system's turns are written notes (a ticket), kept as written; an agent turn opening "Note:" is one anyway.
    ``avoid``: sentences said elsewhere (a handover's reason); a sentence restating one is not chosen.
    """
    if max_words <= 0:
        return []
    cust = customer[:1].upper() + customer[1:] if customer else "The customer"
    agt = agent[:1].upper() + agent[1:] if agent else "The agent"
    names = {"customer": Names(cust, agt), "agent": Names(agt, cust)}

    sents: list[tuple[int, str, str, str]] = []  # (turn_pos, turn_id, speaker, sentence)
    all_text: list[str] = []
    note_turns: set[int] = set()
    for pos, (tid, spk, text) in enumerate(turns):
        if notes and spk == "system":
            spk = "agent"
        if spk not in names or not text or not text.strip():
            continue
        if spk != "customer" and (notes or NOTE.match(text.lstrip())):
            note_turns.add(pos)
        clean = normalise(text)
        all_text.append(clean)
        marked = normalise(SLOT.sub(f" {_SLOT_MARK} ", text)) if SLOT.search(text) else clean
        for s in split_sentences(marked):
            # An anonymised slot ("My [MARITAL_STATUS] passed away [DURATION] ago") cannot be rewritten into
            # a sentence once the slot is gone; the sentence is not a candidate.
            if _SLOT_MARK not in s:
                sents.append((pos, str(tid), spk, s))
    if not sents:
        return []
    # capitalised words seen mid-sentence are taken as names (kept capitalised when quoted)
    vocab_lower = (
        {m.group(1) for s in sents for m in re.finditer(r"(?<=[a-z,;] )([A-Z][a-z]+)", s[3])
         if m.group(1).lower() not in STOP and m.group(1).lower() not in LOWER_OK},
        set(re.findall(r"\b[a-z][a-z']*\b", " ".join(all_text))) | LOWER_OK,
    )
    total_words = sum(word_count(t) for t in all_text)

    # document frequency of content words over turns -> recurring vocabulary
    turn_sets: dict[int, set[str]] = {}
    for pos, _tid, _spk, s in sents:
        turn_sets.setdefault(pos, set()).update(content_words(s))
    df: dict[str, int] = {}
    for st in turn_sets.values():
        for w in st:
            df[w] = df.get(w, 0) + 1
    n_turns = max(1, len(turn_sets))

    contents = [content_words(s) for _pos, _tid, _spk, s in sents]
    first_pos = sents[0][0]

    def position_factor(pos: int) -> float:
        rel = (pos - first_pos) / max(1, n_turns)
        f = 1.0 + KNOBS["pos_w"] * max(0.0, 1.0 - KNOBS["pos_decay"] * rel)  # the opening matters
        return f * (1.0 + KNOBS["abs_w"] * math.exp(-(pos - first_pos) / KNOBS["tau"]))

    def centrality(uniq: set[str]) -> float:
        # recurring content words (seen in more turns) weigh more
        return sum(math.log1p(df.get(w, 1)) for w in uniq)

    # Long transcripts: only the most promising sentences (by a cheap pre-score) and each party's
    # opening sentences are rewritten, which keeps the cost linear in the transcript length.
    eligible = [i for i in range(len(sents)) if len(set(contents[i])) >= KNOBS["min_content"]]
    if len(eligible) > MAX_REWRITE:
        pre = sorted(
            eligible,
            key=lambda i: (-centrality(set(contents[i])) * position_factor(sents[i][0])
                           / max(1, word_count(sents[i][3])) ** KNOBS["len_exp"], i),
        )
        keep = set(pre[:MAX_REWRITE])
        for spk in names:
            keep.update([i for i in eligible if sents[i][2] == spk][:8])
        eligible = sorted(keep)

    cands: list[Candidate] = []
    seen_speaker: set[str] = set()
    for idx in eligible:
        pos, tid, spk, s = sents[idx]
        r = rewrite(s, names[spk], vocab_lower, note=pos in note_turns)
        if r is None:
            continue
        text, kind = r
        first = spk not in seen_speaker
        seen_speaker.add(spk)
        if any(restates(text, other) for other in avoid):
            continue
        cands.append(Candidate(idx, pos, tid, spk, s, text, kind, word_count(text), contents[idx], first))
    if not cands:
        return []

    for c in cands:
        uniq = set(c.content)
        c.score = centrality(uniq) / (c.words ** KNOBS["len_exp"]) * position_factor(c.turn_pos)
        if c.first_of_speaker:
            c.score *= KNOBS["first_boost"]
        if c.kind in {"first", "request", "suggest", "question"}:
            c.score *= KNOBS["kind_boost"]
        if c.words > 30:
            c.score *= 0.6
        if c.speaker != "customer":  # what the agent did: the outcome a colleague needs, not their apologies
            c.score *= 1.0 + KNOBS["action_boost"] * min(2, len(ACTION.findall(c.raw)))
            if "sorry" in c.raw.lower():
                c.score *= KNOBS["apology"]

    budget = min(max_words, max(KNOBS["min_budget"], int(round(KNOBS["b0"] + KNOBS["b1"] * total_words))))
    cap = max_words
    chosen: list[Candidate] = []
    used_words = 0
    covered: set[str] = set()
    pool = sorted(cands, key=lambda c: (-c.score, c.idx))
    uniq_of = {id(c): set(c.content) for c in pool}
    while pool:
        best = None
        best_val = -1.0
        for c in pool:
            uniq = uniq_of[id(c)]
            overlap = len(uniq & covered) / max(1, len(uniq))
            val = c.score * (1.0 - KNOBS["overlap"] * overlap)
            if val > best_val:
                best_val, best = val, c
        assert best is not None
        pool.remove(best)
        if chosen and used_words + best.words > min(cap, budget + KNOBS["slack"]):
            continue
        chosen.append(best)
        used_words += best.words
        covered |= uniq_of[id(best)]
        if used_words >= budget:
            break
        room = min(cap, budget + KNOBS["slack"]) - used_words
        pool = [c for c in pool if c.words <= room]

    chosen.sort(key=lambda c: c.idx)
    out: list[SynopsisSentence] = []
    remaining = max_words
    for c in chosen:
        text = c.text
        if c.words > remaining:  # only possible for a single over-long sentence
            text = truncate(text, remaining)
        out.append(SynopsisSentence(text=text, turn_ids=[c.turn_id]))
        remaining -= word_count(text)
    return out


def truncate(text: str, n: int) -> str:
    """Cut an over-long sentence to n words, at a clause boundary when there is one."""
    words = text.split()[: max(1, n - 1)]
    cut = " ".join(words)
    m = re.match(r"(.*\w)[,;:]\s", cut + " ")
    if m and word_count(m.group(1)) >= max(4, n // 2):
        return m.group(1) + "."
    return cut.rstrip(" ,;:-.") + " ..."
