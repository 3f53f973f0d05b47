"""What the review metrics count (a filter by agent, team, draft type and time) and their CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from assistant.models import as_utc


class MetricsFilter(BaseModel):
    """Which reviews and feedback the metrics count: by the agent who queued or rated (a team is its agents),
    the draft type, and a half-open time range [since, until) in UTC."""

    agents: frozenset[str] | None = None
    draft_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self, agent_column: str, at_column: str) -> tuple[str, list[Any]]:
        clauses, args = [], []
        if self.agents is not None:
            clauses.append(f"{agent_column} IN ({','.join('?' * len(self.agents))})" if self.agents else "0")
            args += sorted(self.agents)
        if self.draft_type:
            clauses.append("draft_type=?")
            args.append(self.draft_type)
        if self.since:
            clauses.append(f"{at_column}>=?")
            args.append(as_utc(self.since).isoformat())
        if self.until:
            clauses.append(f"{at_column}<?")
            args.append(as_utc(self.until).isoformat())
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


METRIC_COLUMNS = ("draft_type", "prompt_version", "queued", "approved", "edited", "rejected", "acceptance",
                  "edit_rate", "up", "down", "thumbs_up_rate", "used", "agent_edited", "agent_edit_rate")


def metrics_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Metrics rows as CSV (one header line, rates as fractions, empty where there is nothing to rate)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=METRIC_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def metrics_filter(*, agent: str | None = None, team_agents: Sequence[str] | None = None,
                   draft_type: str | None = None, since: datetime | None = None,
                   until: datetime | None = None) -> MetricsFilter:
    """One filter from the screen's or the API's fields; an agent and a team together mean that agent, if in it."""
    agents: frozenset[str] | None = None
    if team_agents is not None:
        agents = frozenset(team_agents)
    if agent:
        agents = frozenset({agent}) & agents if agents is not None else frozenset({agent})
    return MetricsFilter(agents=agents, draft_type=draft_type or None, since=since, until=until)
