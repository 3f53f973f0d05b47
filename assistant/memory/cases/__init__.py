"""Cases: a customer's contacts threaded by the problem they are about (grouping.py), routed to a team
(teams.py), stored per contact and kept up to date as each contact arrives.

Threading runs after a contact's facts are read (it uses their issue subjects). A customer's whole threading is
rewritten in one transaction, so a run killed at any point leaves either the old threading or the new one, and the
customer on the to-do list (store.cases_pending) until the new one lands: catch_up threads them again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from assistant.embedding import Embedder
from assistant.memory.cases.grouping import case_vector, thread_matters
from assistant.memory.cases.signals import ContactSignals, read_signals
from assistant.memory.cases.teams import Router, load_teams
from assistant.models import Case, CaseContact, CaseStatus, Fact, Interaction, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

log = logging.getLogger(__name__)
OPEN_PROMISE = {"due", "overdue", "open", "pending", ""}


class CaseMemory:
    def __init__(self, store: Store, embedder: Embedder, settings: Settings, facts: object) -> None:
        self.store, self.embedder, self.settings = store, embedder, settings
        self.facts = facts  # FactMemory: statuses of promises and issues as of `now`
        self.router = Router(load_teams(settings.teams_file), embedder)

    # ---- writing ----------------------------------------------------------------------------------
    def update(self, interactions: Sequence[Interaction]) -> int:
        """Thread the customers of newly committed contacts (after their facts). Returns customers threaded."""
        customers = sorted({i.customer_id for i in interactions})
        for customer_id in customers:
            self.thread_customer(customer_id)
        return len(customers)

    def catch_up(self) -> int:
        done = 0
        while pending := self.store.cases_pending():
            for customer_id in pending:
                self.thread_customer(customer_id)
            done += len(pending)
        return done

    def refresh(self) -> int:
        """Read every contact's signals again and re-thread everyone (after the fact reader changed)."""
        self.store.mark_all_cases_pending()
        done = 0
        while pending := self.store.cases_pending():  # each threading clears its customer from the list
            for customer_id in pending:
                self.thread_customer(customer_id, reread=True)
            done += len(pending)
        return done

    def thread_customer(self, customer_id: str, *, reread: bool = False) -> None:
        stored = {iid: (digest, record) for iid, _, digest, record in self.store.case_contacts(customer_id)}
        hashes = self.store.content_hashes(customer_id)
        signals: dict[str, ContactSignals] = {}
        to_read: list[Interaction] = []
        for iid, digest in hashes.items():
            old = stored.get(iid)
            if old is not None and old[0] == digest and not reread:
                signals[iid] = ContactSignals.from_record(old[1])
            else:
                inter = self.store.interaction(customer_id, iid)
                if inter is not None:
                    to_read.append(inter)
        if to_read:
            facts = _by_contact(self.store.facts(customer_id))
            fresh = [read_signals(i, facts.get(i.interaction_id, [])) for i in to_read]
            texts = [t for s in fresh for t in [*s.sentences, *s.sides]]
            vectors = self.embedder.embed_batch(texts) if texts else []
            n = 0
            for s in fresh:
                rows = [[round(float(x), 5) for x in v] for v in vectors[n:n + len(s.sentences) + len(s.sides)]]
                s.vectors, s.side_vectors = rows[:len(s.sentences)], rows[len(s.sentences):]
                n += len(rows)
                signals[s.interaction_id] = s
        assignment, also = thread_matters(list(signals.values()))
        for iid, s in signals.items():
            s.also = also.get(iid, [])
        self.store.write_cases(customer_id, [(iid, assignment[iid], hashes[iid], s.as_record())
                                             for iid, s in signals.items()])

    # ---- reading ----------------------------------------------------------------------------------
    def cases(self, customer_id: str, now: datetime | None = None) -> list[Case]:
        """The customer's cases as of `now` (contacts after it unknown yet), most recently active first."""
        now = as_utc(now) if now else utcnow()
        members: dict[str, list[tuple[ContactSignals, str]]] = defaultdict(list)  # (signals, first turn or "")
        for _, case_id, _, record in self.store.case_contacts(customer_id):
            s = ContactSignals.from_record(record)
            if s.started_ts <= now.timestamp():
                members[case_id].append((s, ""))
                for k, (side_case, first_turn) in enumerate(s.also):
                    if k < len(s.sides):
                        members[side_case].append((s.side(k), first_turn))
        if not members:
            return []
        interactions = {i.interaction_id: i for i in self.store.interactions(customer_id, until=now)}
        facts = _by_contact(self.facts.facts(customer_id, now=now))  # type: ignore[attr-defined]
        starts = {s.interaction_id: [t for _, t in s.also] for group in members.values() for s, first in group
                  if not first}
        out = []
        for case_id, group in members.items():
            pairs = sorted(((s, interactions[s.interaction_id], _share(interactions[s.interaction_id], first,
                                                                        starts.get(s.interaction_id, [])), bool(first))
                            for s, first in group if s.interaction_id in interactions),
                           key=lambda p: (p[0].started_ts, p[0].interaction_id))
            if pairs:
                out.append(self._case(case_id, customer_id, pairs, facts))
        out.sort(key=lambda c: c.updated_at, reverse=True)
        return out

    def case_of(self, customer_id: str, interaction_id: str, now: datetime | None = None,
                team: str | None = None) -> Case | None:
        """The case a contact is handed over in: of the cases it touched, the one routed to the team taking over,
        else the one its own problem opened (not a matter it turned to on the way)."""
        touched = [c for c in self.cases(customer_id, now) if interaction_id in c.interaction_ids()]

        def rank(case: Case) -> tuple[bool, bool]:
            share = next(c for c in case.contacts if c.interaction_id == interaction_id)
            return bool(team) and case.team.lower() == (team or "").lower(), not share.turned_to

        return max(touched, key=rank) if touched else None

    def _case(self, case_id: str, customer_id: str,
              pairs: list[tuple[ContactSignals, Interaction, list[str], bool]], facts: dict[str, list[Fact]]) -> Case:
        group, contacts = [p[0] for p in pairs], [p[1] for p in pairs]
        case_facts = [f for _, i, share, _ in pairs for f in facts.get(i.interaction_id, [])
                      if _in_share(f, i.interaction_id, share)]
        promises = [f for f in case_facts if f.kind == "promise" and f.status.lower() in OPEN_PROMISE]
        escalation = self.router.escalation(contacts)
        if escalation:
            team, why = escalation
        else:
            team, score = self.router.closest(case_vector(group))
            description = self.router.team(team).description if self.router.team(team) else ""
            why = f"closest description ({score:.2f}): {description}" if team else ""
        return Case(
            case_id=case_id, customer_id=customer_id, title=_title(group),
            contacts=[CaseContact(interaction_id=i.interaction_id, channel=i.channel, started_at=i.started_at,
                                  ended_at=i.ended_at, agent_id=i.agent_id, problem=s.problem, said=s.said,
                                  said_turn=s.said_turn, turn_ids=share, turned_to=side)
                      for s, i, share, side in pairs],
            status=_status(group, contacts, case_facts, promises), team=team, team_reason=why,
            team_escalated=escalation is not None,
            open_promises=promises,
            references=list(dict.fromkeys(r for s in group for r in s.references)),
            subjects=list(dict.fromkeys(x for s in group for x in s.subjects)),
        )


def _share(inter: Interaction, first: str, side_starts: Sequence[str]) -> list[str]:
    """The turns of a contact that are about one of its matters: a matter turned to runs from its first turn to
    the next matter turned to; the contact's own problem is the rest. Empty: all of it (one matter only)."""
    if not side_starts:
        return []
    ids = [t.turn_id or str(n) for n, t in enumerate(inter.turns)]
    cuts = sorted({ids.index(t) for t in side_starts if t in ids})
    if first:
        if first not in ids:
            return []
        start = ids.index(first)
        end = next((c for c in cuts if c > start), len(ids))
        return ids[start:end]
    inside = {n for c in cuts for n in range(c, next((d for d in cuts if d > c), len(ids)))}
    return [t for n, t in enumerate(ids) if n not in inside]


def _in_share(fact: Fact, interaction_id: str, share: Sequence[str]) -> bool:
    if not share:
        return True
    turns = [t for c in fact.citations if c.interaction_id == interaction_id for t in c.turn_ids]
    return not turns or any(t in share for t in turns)


def _by_contact(facts: Sequence[Fact]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        for iid in dict.fromkeys(c.interaction_id for c in f.citations):
            out[iid].append(f)
    return out


def _title(group: list[ContactSignals]) -> str:
    first = next((s.problem for s in group if s.problem), "")
    words = first.split()
    return " ".join(words[:16]) + ("…" if len(words) > 16 else "")


def _status(group: list[ContactSignals], contacts: list[Interaction], facts: list[Fact],
            promises: list[Fact]) -> CaseStatus:
    """Resolved when the latest contact closed it; else whose move it is: an open promise of ours (waiting on
    us), one of the customer's (waiting on the customer), or neither (open)."""
    if group[-1].resolved:
        return "resolved"
    ours = [f for f in promises if (f.attributes or {}).get("by") != "customer"]
    theirs = [f for f in promises if (f.attributes or {}).get("by") == "customer"]
    if ours:
        return "waiting on us"
    if theirs:
        return "waiting on the customer"
    return "open"
