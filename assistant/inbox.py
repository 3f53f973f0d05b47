"""Handovers delivered: a handover addressed to a team or an agent from the teams file waits in their inbox,
newest first, until someone entitled takes it. Agents see what is addressed to them or to a team they are in;
supervisors see everything. Supervisor review stays, for quality: Settings.handover_review sends every handover,
a repeatable sample of them, or none to the review queue as well."""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime

from assistant.auth import User
from assistant.errors import Forbidden, HandoverTaken, InputError, UnknownHandover
from assistant.memory.cases.teams import Router
from assistant.models import Draft, Handover, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

SEES_ALL = frozenset({"supervisor"})


class Inbox:
    def __init__(self, store: Store, router: Router, settings: Settings) -> None:
        self.store, self.router, self.settings = store, router, settings
        self._lock = threading.Lock()  # take: check and write as one step, so two agents cannot both take it

    def destinations(self) -> dict[str, list[str]]:
        """What "hand over" offers: the teams, and the agents the teams file lists."""
        agents = sorted({a for t in self.router.teams for a in t.agents})
        return {"teams": [t.name for t in self.router.teams], "agents": agents}

    def address(self, to_team: str | None, to_agent: str | None) -> tuple[str | None, str | None]:
        """The team and agent as the teams file names them; an InputError naming the field otherwise."""
        if not to_team and not to_agent:
            raise InputError("say who takes it over: to_team or to_agent", field="to_team")
        team = None
        if to_team:
            found = self.router.team(to_team)
            if found is None:
                names = ", ".join(t.name for t in self.router.teams)
                raise InputError(f"no team '{to_team}' in the teams file (teams: {names})", field="to_team")
            team = found.name
        if to_agent and to_agent not in self.destinations()["agents"]:
            raise InputError(f"no agent '{to_agent}' in the teams file", field="to_agent")
        return team, to_agent or None

    def send(self, draft: Draft, *, customer_id: str, to_team: str | None, to_agent: str | None,
             sender: User | None, now: datetime | None = None) -> Handover:
        team, agent = self.address(to_team, to_agent)
        now = as_utc(now) if now else utcnow()
        headline = " ".join(draft.sections.get("headline") or []) or draft.text.split("\n")[0]
        handover = Handover(
            handover_id=f"h-{secrets.token_hex(6)}", customer_id=customer_id,
            case_id=str(draft.metadata.get("case_id") or ""), interaction_id=str(draft.metadata.get("interaction_id")),
            to_team=team, to_agent=agent, from_agent=sender.name if sender else None, headline=headline,
            created_at=now, draft=draft)
        self._save(handover)
        return handover

    def needs_review(self, handover: Handover) -> bool:
        mode = self.settings.handover_review
        if mode == "all":
            return True
        if mode == "none":
            return False
        share = int(hashlib.sha1(handover.handover_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        return share < self.settings.handover_review_sample

    def for_user(self, user: User, *, to: str | None = None, waiting_only: bool = False) -> list[Handover]:
        """Handovers the user may see, newest first; `to` narrows to one team or agent."""
        everyone = user.role in SEES_ALL
        records = self.store.handover_records(
            to_teams=None if everyone else self.router.teams_of(user.name), to_agent=None if everyone else user.name,
            state="waiting" if waiting_only else None)
        found = [Handover.model_validate_json(r) for r in records]
        return [h for h in found if not to or to in {h.to_team, h.to_agent}]

    def may_see(self, user: User, h: Handover) -> bool:
        if user.role in SEES_ALL:
            return True
        return h.to_agent == user.name or (h.to_team is not None and h.to_team in self.router.teams_of(user.name))

    def get(self, handover_id: str, user: User) -> Handover:
        records = self.store.handover_records(handover_id=handover_id)
        if not records:
            raise UnknownHandover(handover_id)
        h = Handover.model_validate_json(records[0])
        if not self.may_see(user, h):
            raise Forbidden("this handover is addressed to another team or agent")
        return h

    def take(self, handover_id: str, user: User, now: datetime | None = None) -> Handover:
        with self._lock:
            h = self.get(handover_id, user)
            if user.role not in SEES_ALL and user.role != "agent":
                raise Forbidden(f"role '{user.role}' may not take handovers")
            if h.state == "taken":
                raise HandoverTaken(f"handover '{handover_id}' was already taken by {h.taken_by}", field="handover_id")
            h = h.model_copy(update={"state": "taken", "taken_by": user.name,
                                     "taken_at": as_utc(now) if now else utcnow()})
            self._save(h)
            return h

    def _save(self, h: Handover) -> None:
        self.store.save_handover(h, customer_id=h.customer_id, handover_id=h.handover_id, to_team=h.to_team,
                                 to_agent=h.to_agent, state=h.state, created_ts=h.created_at.timestamp())
