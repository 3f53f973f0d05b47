"""REST endpoints of the review queue (handover summaries a supervisor approves) and of draft feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from assistant.api.deps import Services, allow, caller, services
from assistant.auth import User
from assistant.errors import Forbidden, InputError
from assistant.models import Draft, as_utc, utcnow
from assistant.review import AuditEntry, BulkOutcome, Review
from assistant.review_metrics import metrics_csv, metrics_filter

router = APIRouter()


class HandoverRequest(BaseModel):
    customer_id: str = Field(min_length=1)
    interaction_id: str | None = Field(None, description="The contact being handed over (default: latest).")
    target: str | None = Field(None, max_length=120, description="Agent or team taking over.")
    now: datetime | None = None


class ReviewDetail(Review):
    audit: list[AuditEntry]


class ApproveRequest(BaseModel):
    text: str | None = Field(None, description="The supervisor's edited summary; omit to approve as drafted.")
    comment: str = Field("", max_length=2000)


class RejectRequest(BaseModel):
    comment: str = Field(min_length=1, max_length=2000, description="Why the summary is rejected.")


class FeedbackRequest(BaseModel):
    draft: Draft = Field(description="The draft as the API returned it (its metadata carries the prompt version).")
    rating: Literal["up", "down"] | None = None
    usage: Literal["used", "edited"] | None = None
    text: str | None = Field(None, description="The text as the agent used it, when edited.")
    comment: str = Field("", max_length=2000)
    review_id: int | None = None


class FeedbackReceipt(BaseModel):
    feedback_id: int


@router.post("/reviews", response_model=Review, status_code=201, tags=["reviews"])
def hand_over(body: HandoverRequest, user: User = Depends(allow("handover")),
              svc: Services = Depends(services)) -> Review:
    """Draft the handover summary for a customer and queue it for a supervisor."""
    now = as_utc(body.now) if body.now else utcnow()
    customer = svc.assistant.customer(body.customer_id)
    draft = svc.assistant.handover(body.customer_id, interaction_id=body.interaction_id, now=now)
    return svc.reviews.submit(draft, user=user, now=now, customer=customer,
                              interactions=svc.assistant.interactions(body.customer_id),
                              interaction_id=body.interaction_id, target=body.target)


@router.get("/reviews", response_model=list[Review], tags=["reviews"])
def list_reviews(status: Literal["pending", "approved", "edited", "rejected"] | None = None,
                 limit: int = Query(200, ge=1, le=1000), _: User = Depends(allow("review.read")),
                 svc: Services = Depends(services)) -> list[Review]:
    return svc.reviews.reviews(status, limit=limit)


class BulkApproveRequest(BaseModel):
    review_ids: list[int] = Field(min_length=1, max_length=500)


@router.get("/reviews/metrics", tags=["reviews"], response_model=None)
def review_metrics(agent: str | None = None, team: str | None = None, draft_type: str | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   format: Literal["json", "csv"] = "json", _: User = Depends(allow("review.read")),
                   svc: Services = Depends(services)) -> list[dict] | PlainTextResponse:
    """Acceptance and edit rate per draft type and prompt version, with the agents' ratings and use; filtered by
    the agent who queued or rated, a team of the teams file, the draft type and a time range [since, until)."""
    only = metrics_filter(agent=agent, team_agents=team_members(svc, team), draft_type=draft_type, since=since,
                          until=until)
    rows = svc.reviews.metrics(only)
    if format == "csv":
        return PlainTextResponse(metrics_csv(rows), media_type="text/csv",
                                 headers={"Content-Disposition": 'attachment; filename="review-metrics.csv"'})
    return rows


def team_members(svc: Services, team: str | None) -> list[str] | None:
    """The agents of a team in the teams file; None for no team; an InputError for an unknown one."""
    if not team:
        return None
    found = svc.assistant.case_memory.router.team(team)
    if found is None:
        raise InputError(f"no team '{team}' in the teams file", field="team")
    return list(found.agents)


@router.post("/reviews/approve", response_model=BulkOutcome, tags=["reviews"])
def approve_many(body: BulkApproveRequest, user: User = Depends(allow("review.decide")),
                 svc: Services = Depends(services)) -> BulkOutcome:
    """Approve several as drafted; each one that cannot be (decided, claimed by another, unknown) says why."""
    return svc.reviews.approve_many(body.review_ids, user)


@router.post("/reviews/{review_id}/claim", response_model=Review, tags=["reviews"])
def claim(review_id: int, user: User = Depends(allow("review.decide")), svc: Services = Depends(services)) -> Review:
    """Take a pending review; other supervisors see who has it and cannot decide it (409) until released."""
    return svc.reviews.claim(review_id, user)


@router.delete("/reviews/{review_id}/claim", response_model=Review, tags=["reviews"])
def release(review_id: int, user: User = Depends(allow("review.decide")),
            svc: Services = Depends(services)) -> Review:
    return svc.reviews.release(review_id, user)


@router.get("/reviews/golden", response_class=PlainTextResponse, tags=["reviews"])
def golden_cases(_: User = Depends(allow("golden.export")), svc: Services = Depends(services)) -> PlainTextResponse:
    """Approved summaries as evaluation cases (JSONL): history, customer record, now, draft type, reference."""
    import json

    lines = [json.dumps(c, ensure_ascii=False) for c in svc.reviews.golden_cases()]
    return PlainTextResponse("\n".join(lines) + ("\n" if lines else ""), media_type="application/x-ndjson")


@router.get("/reviews/{review_id}", response_model=ReviewDetail, tags=["reviews"])
def get_review(review_id: int, user: User = Depends(caller), svc: Services = Depends(services)) -> ReviewDetail:
    """A review with its audit trail; agents see the ones they queued."""
    review = svc.reviews.get(review_id)
    if not user.can("review.read") and review.created_by != user.name:
        raise Forbidden(f"role '{user.role}' may only see the reviews it queued")
    return ReviewDetail(**review.model_dump(), audit=svc.reviews.audit(review_id))


@router.post("/reviews/{review_id}/approve", response_model=Review, tags=["reviews"])
def approve(review_id: int, body: ApproveRequest | None = None, user: User = Depends(allow("review.decide")),
            svc: Services = Depends(services)) -> Review:
    body = body or ApproveRequest()
    return svc.reviews.approve(review_id, user, text=body.text, comment=body.comment)


@router.post("/reviews/{review_id}/reject", response_model=Review, tags=["reviews"])
def reject(review_id: int, body: RejectRequest, user: User = Depends(allow("review.decide")),
           svc: Services = Depends(services)) -> Review:
    return svc.reviews.reject(review_id, user, comment=body.comment)


@router.post("/feedback", response_model=FeedbackReceipt, status_code=201, tags=["reviews"])
def feedback(body: FeedbackRequest, user: User = Depends(allow("feedback")),
             svc: Services = Depends(services)) -> FeedbackReceipt:
    """Thumbs up/down and 'used' / 'edited' on any draft, recorded with its type and prompt version."""
    feedback_id = svc.reviews.feedback(body.draft, user=user, rating=body.rating, usage=body.usage,
                                       text=body.text, comment=body.comment, review_id=body.review_id)
    return FeedbackReceipt(feedback_id=feedback_id)
