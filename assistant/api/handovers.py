"""REST endpoints of cases and of handovers delivered to the team or agent taking over."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from assistant.api.deps import Services, allow, services
from assistant.auth import User
from assistant.models import Case, Handover, as_utc

router = APIRouter()


class HandoverCreate(BaseModel):
    customer_id: str = Field(min_length=1)
    interaction_id: str | None = Field(None, description="The contact being handed over (default: the latest).")
    to_team: str | None = Field(None, description="A team from the teams file (GET /api/handovers/destinations).")
    to_agent: str | None = Field(None, description="An agent the teams file lists.")
    now: datetime | None = None


class SentHandover(Handover):
    review_id: int | None = None  # when the handover also went to supervisor review


class Destinations(BaseModel):
    teams: list[str]
    agents: list[str]


@router.get("/customers/{customer_id}/cases", response_model=list[Case], tags=["customers"])
def get_cases(customer_id: str, now: datetime | None = Query(None), _: User = Depends(allow("read")),
              svc: Services = Depends(services)) -> list[Case]:
    """The customer's contacts threaded into cases, most recently active first."""
    return svc.assistant.cases(customer_id, now=now)


@router.get("/handovers/destinations", response_model=Destinations, tags=["handovers"])
def destinations(_: User = Depends(allow("read")), svc: Services = Depends(services)) -> Destinations:
    return Destinations(**svc.assistant.inbox.destinations())


@router.post("/handovers", response_model=SentHandover, status_code=201, tags=["handovers"])
def create_handover(body: HandoverCreate, user: User = Depends(allow("handover")),
                    svc: Services = Depends(services)) -> SentHandover:
    """Draft the case's handover and deliver it to the team or agent taking over."""
    handover = svc.assistant.send_handover(body.customer_id, to_team=body.to_team, to_agent=body.to_agent,
                                           sender=user, interaction_id=body.interaction_id,
                                           now=as_utc(body.now) if body.now else None)
    review_id = None
    if svc.assistant.inbox.needs_review(handover) and handover.draft is not None:
        review = svc.reviews.submit(handover.draft, user=user, now=handover.created_at,
                                    customer=svc.assistant.customer(body.customer_id),
                                    interactions=svc.assistant.interactions(body.customer_id),
                                    interaction_id=handover.interaction_id,
                                    target=handover.to_agent or handover.to_team)
        review_id = review.review_id
    return SentHandover(**handover.model_dump(), review_id=review_id)


@router.get("/handovers", response_model=list[Handover], tags=["handovers"])
def list_handovers(to: str | None = Query(None, description="Only those addressed to this team or agent."),
                   waiting: bool = Query(False, description="Only those nobody has taken yet."),
                   user: User = Depends(allow("read")), svc: Services = Depends(services)) -> list[Handover]:
    """Handovers addressed to the caller or their teams (supervisors: all), newest first."""
    return svc.assistant.inbox.for_user(user, to=to, waiting_only=waiting)


@router.post("/handovers/{handover_id}/take", response_model=Handover, tags=["handovers"])
def take_handover(handover_id: str, user: User = Depends(allow("read")),
                  svc: Services = Depends(services)) -> Handover:
    """Take a handover: it leaves everyone else's inbox; the answer carries the case's handover as of now."""
    return svc.assistant.take_handover(handover_id, user)
