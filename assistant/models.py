"""Typed records at Rapport's boundaries: interactions in, evidence, facts and drafts out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Channel = Literal["chat", "voice", "email", "sms", "branch", "app", "social", "ticket", "other"]
CHANNELS: tuple[str, ...] = ("chat", "voice", "email", "sms", "branch", "app", "social", "ticket", "other")
# What exports call a channel, read as the channel it is (JSONL, CSV and REST alike).
CHANNEL_ALIASES = {
    **dict.fromkeys(("phone", "call", "telephone", "telephony"), "voice"),
    **dict.fromkeys(("webchat", "web chat", "livechat", "live chat", "whatsapp", "messenger"), "chat"),
    **dict.fromkeys(("text", "text message", "txt"), "sms"),
    **dict.fromkeys(("e-mail", "mail"), "email"),
    **dict.fromkeys(("in-person", "store", "visit"), "branch"),
    **dict.fromkeys(("mobile", "mobile app"), "app"),
    **dict.fromkeys(("twitter", "facebook", "instagram", "x"), "social"),
    "case": "ticket",
}


def channel_named(value: Any) -> Any:
    """The channel a name stands for ("Phone" -> "voice"); anything else is left for validation to refuse."""
    if not isinstance(value, str):
        return value
    name = value.strip().lower()
    return name if name in CHANNELS else CHANNEL_ALIASES.get(name, value)


ChannelIn = Annotated[Channel, BeforeValidator(channel_named)]
Speaker = Literal["customer", "agent", "system"]

# A customer or interaction id goes into REST paths and store keys as it is: a letter or digit, then up to 127
# letters, digits or . _ : - (no `/`, spaces, `?` or `#`, which a URL would cut or misread).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
_ID = re.compile(ID_PATTERN)


def _safe_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"an id is 1-128 letters, digits or . _ : - starting with a letter or digit, not {value!r}")
    return value


RecordId = Annotated[str, AfterValidator(_safe_id)]


def as_utc(value: datetime) -> datetime:
    """Naive times are taken as UTC so every comparison in Rapport is between aware times."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Record):
    speaker: Speaker
    text: str = Field(min_length=1)
    turn_id: str | None = None
    at: datetime | None = None

    @field_validator("at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return as_utc(v) if v else None


class Interaction(_Record):
    """One contact on one channel: a chat, a call transcript, an email thread, a branch visit..."""

    interaction_id: RecordId
    customer_id: RecordId
    channel: ChannelIn
    started_at: datetime
    ended_at: datetime | None = None
    agent_id: str | None = None
    outcome: str | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    turns: list[Turn] = Field(min_length=1)

    @field_validator("started_at", "ended_at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return as_utc(v) if v else None

    @model_validator(mode="after")
    def _turn_ids(self) -> Interaction:
        seen: set[str] = set()
        for i, turn in enumerate(self.turns):
            if turn.turn_id is None:
                turn.turn_id = str(i)
            if turn.turn_id in seen:
                raise ValueError(f"duplicate turn_id '{turn.turn_id}'")
            seen.add(turn.turn_id)
        return self

    def turn(self, turn_id: str) -> Turn | None:
        return next((t for t in self.turns if t.turn_id == turn_id), None)


class Consent(_Record):
    marketing: bool = True


class Contact(_Record):
    email: str | None = None
    phone: str | None = None


_ID_LIKE = re.compile(r"^[\w.-]*\d[\w.-]*$|^[\w]+[-_][\w-]+$")


class Customer(_Record):
    customer_id: RecordId
    name: str | None = Field(None, min_length=1, description="As on record; none when the record has no name.")
    customer_since: date | None = None
    products: list[str] = Field(default_factory=list)
    consent: Consent = Field(default_factory=Consent)
    contact: Contact = Field(default_factory=Contact)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def first_name(self) -> str | None:
        """The name an agent may use; None when the record has none. An id copied into the name field by an
        export ("ins-000") is no name: nobody is greeted by their id."""
        if not self.name or self.name == self.customer_id or _ID_LIKE.match(self.name):
            return None
        return self.name.split()[0]

    @property
    def display_name(self) -> str:
        """What a list or a heading shows: the name on record, else the id."""
        return self.name or self.customer_id


class Chunk(BaseModel):
    """A window of consecutive turns, the unit that is embedded and retrieved."""

    chunk_id: str
    interaction_id: str
    customer_id: str
    channel: Channel
    started_at: datetime
    turn_ids: list[str]
    speakers: list[Speaker]
    text: str


class Citation(BaseModel):
    interaction_id: str
    turn_ids: list[str] = Field(default_factory=list)

    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.interaction_id, tuple(self.turn_ids)


class Evidence(BaseModel):
    interaction_id: str
    turn_ids: list[str]
    text: str
    channel: Channel
    started_at: datetime
    score: float

    def citation(self) -> Citation:
        return Citation(interaction_id=self.interaction_id, turn_ids=list(self.turn_ids))


FactKind = Literal[
    "life_event", "preference", "product", "issue", "offer", "promise",
    "verification", "sentiment", "consent", "detail", "action",
]
FACT_KINDS: tuple[str, ...] = (
    "life_event", "preference", "product", "issue", "offer", "promise",
    "verification", "sentiment", "consent", "detail", "action",
)


class Fact(BaseModel):
    """A dated thing we know about the customer, with its sources.

    valid_from/valid_to is when the fact holds in the world (an exam week, an offer's
    cool-down); recorded_at is when we learned it; superseded_at marks an older fact a
    newer one replaced (kept, never deleted, so history can be replayed as of any time).
    """

    kind: FactKind
    text: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    citations: list[Citation] = Field(default_factory=list)
    fact_id: str = ""
    customer_id: str = ""
    subject: str = ""  # what the fact is about, e.g. "mortgage", "Amy's exams"; facts with one subject supersede
    status: str = ""  # upcoming|past, open|resolved|escalated, accepted|declined|pending, due|kept ...
    recorded_at: datetime | None = None
    superseded_at: datetime | None = None
    confidence: float = 1.0
    attributes: dict[str, Any] = Field(default_factory=dict)


class DraftSentence(BaseModel):
    text: str
    citations: list[Citation] = Field(default_factory=list)
    grounded: bool | None = None  # None: not checked; False: flagged by the grounding check
    support: float | None = None


DraftKind = Literal["greeting", "handover", "answer", "suggestions"]


class Draft(BaseModel):
    text: str
    citations: list[Citation] = Field(default_factory=list)
    kind: DraftKind = "answer"
    customer_id: str = ""
    sentences: list[DraftSentence] = Field(default_factory=list)
    sections: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)  # drafter, prompt version, fallback reason, timings


SuggestionKind = Literal["relationship", "service", "sales"]


class Suggestion(BaseModel):
    text: str
    reason: str
    kind: SuggestionKind
    citations: list[Citation] = Field(default_factory=list)
    score: float = 0.0
    topic: str = ""  # the product or event it is about; the policy rules key on it


CaseStatus = Literal["open", "waiting on us", "waiting on the customer", "resolved"]


class CaseContact(BaseModel):
    """One contact of a case, as the timeline and the handover's details list it."""

    interaction_id: str
    channel: Channel
    started_at: datetime
    ended_at: datetime | None = None
    agent_id: str | None = None
    problem: str = ""  # what threading read as the problem (issue memory read, then the customer's sentences)
    said: str = ""  # the customer's first substantive sentence in it, as said
    said_turn: str = ""  # the turn it was said in
    # a contact that touched several matters ("before I forget, ..."): the turns of it about this case; empty
    # when the whole contact is
    turn_ids: list[str] = Field(default_factory=list)
    turned_to: bool = False  # this case is a matter the customer turned to in the contact, not its own problem

    def covers(self, turn_ids: Sequence[str]) -> bool:
        """Is any of these turns part of this case's share of the contact?"""
        return not self.turn_ids or any(t in self.turn_ids for t in turn_ids)


class Case(BaseModel):
    """Contacts about one and the same problem, threaded at ingest (assistant/memory/cases)."""

    case_id: str
    customer_id: str
    title: str  # the problem in the customer's terms, from the case's first contact
    contacts: list[CaseContact]
    status: CaseStatus = "open"
    team: str = ""
    team_reason: str = ""  # "escalated to ..." or "closest description ..."
    team_escalated: bool = False  # the team was named by an escalation in the contacts, not guessed by routing
    open_promises: list[Fact] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)

    @property
    def first_contact(self) -> CaseContact:
        return self.contacts[0]

    @property
    def channels(self) -> list[str]:
        return list(dict.fromkeys(c.channel for c in self.contacts))

    @property
    def started_at(self) -> datetime:
        return self.contacts[0].started_at

    @property
    def updated_at(self) -> datetime:
        return self.contacts[-1].started_at

    def interaction_ids(self) -> list[str]:
        return [c.interaction_id for c in self.contacts]


class Team(BaseModel):
    """A team a case can be handed to (teams file, see Settings.teams_file)."""

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    agents: list[str] = Field(default_factory=list)


HandoverState = Literal["waiting", "taken"]


class Handover(BaseModel):
    """A handover addressed to a team or an agent, waiting in their inbox until someone takes it."""

    handover_id: str
    customer_id: str
    case_id: str
    interaction_id: str
    to_team: str | None = None
    to_agent: str | None = None
    from_agent: str | None = None
    headline: str
    created_at: datetime
    state: HandoverState = "waiting"
    taken_by: str | None = None
    taken_at: datetime | None = None
    draft: Draft | None = None  # the handover as drafted when it was sent


class RejectedRecord(BaseModel):
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: field '{self.field}': {self.reason}"


class IngestReport(BaseModel):
    ingested: int = 0  # interactions written (new or changed)
    unchanged: int = 0  # interactions already stored with the same content
    rejected: int = 0  # records refused, see errors
    customers: int = 0  # customer records written
    chunks: int = 0
    turns: int = 0
    seconds: float = 0.0
    errors: list[RejectedRecord] = Field(default_factory=list)
    rejects_file: str | None = None  # the refused lines as they were, to fix and ingest again
    reasons_file: str | None = None  # why each was refused (for people; never ingested)

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0


def utcnow() -> datetime:
    return datetime.now(UTC)
