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
SAME_MATTER = 0.5  # a matter turned to that is this close to the contact's problem is the same one
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


def _fit(contact: ContactSignals, members: Sequence[ContactSignals]) -> float:
    """How well a contact (or one matter of it) fits a case: its best pair, adjusted by the case's state."""
    score = max(pair_score(contact, m).score for m in members)
    last = members[-1]
    if last.resolved and (contact.started_ts - last.started_ts) / 86400 > CLOSED_DAYS:
        score -= CLOSED
    if contact.escalated_to and any(m.escalated_to == contact.escalated_to for m in members):
        score += SHARED_SUBJECT
    if contact.follow_up and not last.resolved and (contact.started_ts - last.started_ts) / 86400 <= LONG_GAP_DAYS:
        score += FOLLOW_UP
    return score


def _same_matter(side: ContactSignals, contact: ContactSignals) -> bool:
    """A matter the customer turned to that reads like the contact's own problem is more of the same."""
    a, b = side.array(), contact.array()
    return bool(a.size and b.size and a.shape[1] == b.shape[1] and float((a @ b.T).max()) >= SAME_MATTER)


def thread_matters(contacts: Sequence[ContactSignals]) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """Thread one customer's contacts: interaction_id -> case_id (the id of the case's first contact) for each
    contact's problem, and interaction_id -> [[case_id, first turn], ...] for the other matters a customer turned
    to in it ("before I forget, ..."), each joining the case it fits or starting one of its own."""
    ordered = sorted(contacts, key=lambda c: (c.started_ts, c.interaction_id))
    cases: dict[str, list[ContactSignals]] = {}
    out: dict[str, str] = {}
    also: dict[str, list[list[str]]] = {}
    for contact in ordered:
        best, best_score = None, JOIN
        for case_id, members in cases.items():
            score = _fit(contact, members)
            if score >= best_score:
                best, best_score = case_id, score
        case_id = best or f"case-{contact.interaction_id}"
        cases.setdefault(case_id, []).append(contact)
        out[contact.interaction_id] = case_id
        taken = {case_id}
        for k in range(min(len(contact.sides), len(contact.side_vectors))):
            side = contact.side(k)
            if _same_matter(side, contact):
                continue
            best, best_score = None, JOIN
            for other, members in cases.items():
                if other in taken:
                    continue
                score = _fit(side, [m for m in members if m.interaction_id != contact.interaction_id] or members)
                if score >= best_score:
                    best, best_score = other, score
            side_case = best or f"case-{contact.interaction_id}-{k + 1}"
            taken.add(side_case)
            cases.setdefault(side_case, []).append(side)
            also.setdefault(contact.interaction_id, []).append([side_case, contact.side_turns[k]])
    return out, also


def thread(contacts: Sequence[ContactSignals]) -> dict[str, str]:
    """interaction_id -> case_id (the id of the case's first contact) for one customer's contacts."""
    return thread_matters(contacts)[0]


def case_vector(members: Sequence[ContactSignals]) -> np.ndarray:
    vectors = [m.array() for m in members if m.vectors]
    if not vectors:
        return np.zeros(0, dtype=np.float32)
    v = np.mean(np.concatenate(vectors), axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n else v
