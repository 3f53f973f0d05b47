"""Routing: the team a case belongs with, from the teams file (configuration, not code). An escalation recorded in
the contact wins (a system's `escalated_to`, or the agent saying they are passing it to a team by its name);
otherwise the team whose description is closest in meaning to the case's problem."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from assistant.embedding import Embedder
from assistant.errors import InputError
from assistant.language.words import sentences
from assistant.models import Interaction, Team

# The agent hands the contact on: "I'm transferring you to our fraud team", "I'll escalate this to technical support"
_HANDING_ON = re.compile(r"\b(?:transfer\w*|escalat\w*|pass(?:ing|ed)? (?:this|you|it)|put(?:ting)? you through|"
                         r"refer\w*|hand(?:ing|ed)? (?:this |you |it )?over|rais\w+ (?:it|this) with|"
                         r"send(?:ing)? (?:this|it) (?:over |up )?to)\b", re.I)


class TeamsFile(BaseModel):
    teams: list[Team]


def load_teams(path: Path | None) -> list[Team]:
    """The teams file (Settings.teams_file), else the shipped example; a bad file is an InputError naming it."""
    if path is None:
        text, where = resources.files("assistant.memory.cases").joinpath("teams.yaml").read_text("utf-8"), "teams.yaml"
    else:
        try:
            text, where = Path(path).read_text("utf-8"), str(path)
        except OSError as exc:
            raise InputError(f"teams file {path}: {exc.strerror or exc}", field="teams_file") from exc
    try:
        teams = TeamsFile.model_validate(yaml.safe_load(text) or {}).teams
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"teams file {where}: {exc}".splitlines()[0][:300], field="teams") from exc
    names = [t.name.lower() for t in teams]
    if len(set(names)) != len(names):
        raise InputError(f"teams file {where}: a team name is listed twice", field="teams")
    return teams


class Router:
    def __init__(self, teams: Sequence[Team], embedder: Embedder) -> None:
        self.teams = list(teams)
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def team(self, name: str) -> Team | None:
        wanted = name.strip().lower()
        return next((t for t in self.teams if t.name.lower() == wanted), None)

    def teams_of(self, agent_id: str) -> list[str]:
        return [t.name for t in self.teams if agent_id in t.agents]

    def escalation(self, contacts: Sequence[Interaction]) -> tuple[str, str] | None:
        """(team, why) of the latest escalation in the contacts: recorded by a system, or said by the agent."""
        for inter in reversed(contacts):
            recorded = str(inter.metadata.get("escalated_to") or "").strip()
            if recorded:
                team = self._named(recorded)
                return (team or recorded), f"escalated to {team or recorded} ({inter.interaction_id})"
            for turn in reversed(inter.turns):
                if turn.speaker != "agent":
                    continue
                for text in sentences(turn.text):
                    m = _HANDING_ON.search(text)  # the team named after "passing this to": not "I'm in customer
                    if m and (team := self._named(text[m.start():])):  # service, but I'm passing this to claims"
                        return team, f"the agent passed it to {team} ({inter.interaction_id}, turn {turn.turn_id})"
        return None

    def _named(self, text: str) -> str | None:
        low = text.lower()
        hits = [t.name for t in self.teams if re.search(rf"\b{re.escape(t.name.lower())}\b", low)]
        return min(hits, key=lambda name: low.find(name.lower())) if hits else None  # the first named

    def closest(self, vector: np.ndarray) -> tuple[str, float]:
        if not self.teams or vector.size == 0:
            return "", 0.0
        scores = self._team_vectors() @ vector
        best = int(np.argmax(scores))
        return self.teams[best].name, float(scores[best])

    def _team_vectors(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed_batch([f"{t.name}: {t.description}" for t in self.teams])
            return self._vectors
