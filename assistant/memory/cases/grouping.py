"""Threading: which of a customer's contacts are about one and the same problem.

Contacts are taken in time order; each joins the case it fits best, or starts a new one. Fit is the meaning of what
the customer asked for (cosine of the problem statements' vectors), raised by a shared reference, issue subject or
topic tag and by closeness in time (a chat moved to a call minutes later), lowered by a long gap or a case closed
long before. The weights are in one place, here, and were set on the fresh sets' development data (BENCHMARKS.md,
Cases)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.memory.cases.signals import ContactSignals

JOIN = 0.45  # a contact joins a case when its best pair score reaches this (sets g, i, k, m: 0.44-0.45 best)
SHARED_REFERENCE = 0.45
SHARED_SUBJECT = 0.2
SHARED_TAG = 0.08
SHARED_TAGS = 0.3  # a second topic tag in common ("claims" + "escape of water"): most likely the same matter
MINUTES_APART = 0.2  # the same customer back within the hour is very likely the same matter
SAME_DAY = 0.06
LONG_GAP_DAYS = 45
LONG_GAP = 0.15
VERY_LONG_GAP_DAYS = 120  # months apart with nothing shared but the wording: two problems that sound alike
VERY_LONG_GAP = 0.15
CLOSED_DAYS = 10  # a case resolved this long before the contact is over: a new problem starts a new case
CLOSED = 0.2
FOLLOW_UP = 0.12  # the customer says they have been in touch about it before: the best earlier case is likely it


@dataclass(frozen=True)
class Pair:
    score: float
    why: tuple[str, ...]


def pair_score(a: ContactSignals, b: ContactSignals) -> Pair:
    why: list[str] = []
    va, vb = a.array(), b.array()
    # the best-matching pair of problem sentences: "my wifi keeps cutting out" finds "the broadband's back to
    # cutting out every evening" however much else either contact says
    cos = float((va @ vb.T).max()) if va.size and vb.size and va.shape[1] == vb.shape[1] else 0.0
    score = cos
    # references are only those said after a case word ("claim", "complaint"...) or in a subject line, so one in
    # most of a customer's contacts is a long case's, not their account number (sets c, d, q: recall .68 -> .74)
    if set(a.references) & set(b.references):
        score += SHARED_REFERENCE
        why.append("reference")
    if a.thread_subject and a.thread_subject == b.thread_subject:
        score += SHARED_REFERENCE  # a reply to our e-mail, or one more message on the same thread
        why.append("e-mail thread")
    if set(a.subjects) & set(b.subjects):
        score += SHARED_SUBJECT
        why.append("subject")
    shared_tags = set(a.tags) & set(b.tags)
    if shared_tags:
        score += SHARED_TAG + (SHARED_TAGS if len(shared_tags) >= 2 else 0.0)
        why.append("tag")
    hours = abs(a.started_ts - b.started_ts) / 3600
    if hours <= 1:
        score += MINUTES_APART
        why.append("minutes apart")
    elif hours <= 24:
        score += SAME_DAY
    elif hours / 24 > LONG_GAP_DAYS:
        score -= LONG_GAP + (VERY_LONG_GAP if hours / 24 > VERY_LONG_GAP_DAYS else 0.0)
    return Pair(round(score, 4), tuple(why))


def thread(contacts: Sequence[ContactSignals]) -> dict[str, str]:
    """interaction_id -> case_id (the id of the case's first contact) for one customer's contacts."""
    ordered = sorted(contacts, key=lambda c: (c.started_ts, c.interaction_id))
    cases: dict[str, list[ContactSignals]] = {}
    out: dict[str, str] = {}
    for contact in ordered:
        best, best_score = None, JOIN
        for case_id, members in cases.items():
            score = max(pair_score(contact, m).score for m in members)
            last = members[-1]
            if last.resolved and (contact.started_ts - last.started_ts) / 86400 > CLOSED_DAYS:
                score -= CLOSED
            if contact.escalated_to and any(m.escalated_to == contact.escalated_to for m in members):
                score += SHARED_SUBJECT
            if contact.follow_up and not last.resolved and \
                    (contact.started_ts - last.started_ts) / 86400 <= LONG_GAP_DAYS:
                score += FOLLOW_UP
            if score >= best_score:
                best, best_score = case_id, score
        case_id = best or f"case-{contact.interaction_id}"
        cases.setdefault(case_id, []).append(contact)
        out[contact.interaction_id] = case_id
    return out


def case_vector(members: Sequence[ContactSignals]) -> np.ndarray:
    vectors = [m.array() for m in members if m.vectors]
    if not vectors:
        return np.zeros(0, dtype=np.float32)
    v = np.mean(np.concatenate(vectors), axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n else v
