"""REST endpoints: real-time ingest, the customer's drafts and facts, questions, the review queue, feedback.

Roles (assistant.auth.PERMISSIONS): every role reads and drafts; ingest takes a service token or a
supervisor; handovers go to the queue from agents, supervisors and services; only supervisors decide.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from assistant.api.deps import Services, allow, caller, services
from assistant.api.handovers import router as handovers_router
from assistant.api.reviews import router as reviews_router
from assistant.auth import PERMISSIONS, User
from assistant.errors import InputError
from assistant.models import FACT_KINDS, Customer, Draft, Fact, IngestReport, Interaction, Suggestion
from assistant.settings import Settings
from assistant.store import QuarantinedContact
from ingest.validation import AcceptedYears, RecordLimits

if TYPE_CHECKING:
    from assistant.facade import Assistant

router = APIRouter(prefix="/api")
router.include_router(reviews_router)
router.include_router(handovers_router)

MAX_RECORDS = Settings.model_fields["max_records_per_request"].default  # the schema's; the setting decides

Now = Annotated[
    datetime | None,
    Query(description="Draft as of this ISO-8601 time (default: the current time); naive times are UTC. "
                      "Outside the accepted years (RAPPORT_EARLIEST_YEAR..LATEST_YEAR) a 422."),
]


class Me(BaseModel):
    name: str
    role: str
    permissions: list[str]


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    now: datetime | None = None


def _records(payload: Any, model: type[BaseModel], years: AcceptedYears, settings: Settings) -> list[Any]:
    """One record or a list of them, validated with field paths (body.2.turns.0.text) in the 422; a record over a
    size limit (RAPPORT_MAX_*) is refused naming the limit, its position and its id."""
    single = not isinstance(payload, list)
    items = [payload] if single else payload
    if not items:
        raise InputError("send at least one record")
    most = settings.max_records_per_request
    if len(items) > most:
        raise InputError(f"{len(items):,} records, over the limit of {most:,} per request "
                         "(RAPPORT_MAX_RECORDS_PER_REQUEST); send fewer, or use `rapport ingest` for bulk loads")
    limits = RecordLimits.for_api(settings)
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    out, errors = [], []
    for i, item in enumerate(items):
        prefix: list[str | int] = ["body"] if single else ["body", i]
        record_id = item.get("interaction_id" if model is Interaction else "customer_id") \
            if isinstance(item, dict) else None
        # Times first: a far-out time with an extreme offset overflows inside the model's own validation.
        refused = years.problems(item, model)
        errors += [{"type": "time_range", "loc": [*prefix, *loc], "msg": reason} for loc, reason in refused]
        oversize = limits.problems(item) if model is Interaction else []
        errors += [{"type": "too_large", "loc": [*prefix, *loc], "msg": reason, "record_id": record_id}
                   for loc, reason in oversize]
        if refused or oversize:
            continue
        try:
            out.append(adapter.validate_python(item))
        except ValidationError as exc:
            errors += [{"type": e["type"], "loc": [*prefix, *e["loc"]], "msg": e["msg"], "input": e.get("input")}
                       for e in exc.errors(include_url=False)]
    if errors:
        raise RequestValidationError(errors)
    return out


def _one_or_many(model: type[BaseModel]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    schema = {"oneOf": [ref, {"type": "array", "items": ref, "maxItems": MAX_RECORDS}]}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


@router.get("/me", response_model=Me, tags=["auth"])
def me(user: User = Depends(caller)) -> Me:
    return Me(name=user.name, role=user.role, permissions=[a for a in PERMISSIONS if user.can(a)])  # role and scopes


@router.post("/interactions", response_model=IngestReport, status_code=201, tags=["ingest"],
             openapi_extra=_one_or_many(Interaction))
async def ingest_interactions(payload: Any = Body(...), _: User = Depends(allow("ingest")),
                              svc: Services = Depends(services)) -> IngestReport:
    """Real-time ingest of one interaction or a list; nothing is written unless every record is valid (422), and
    an interaction id stored under another customer is theirs (409). Runs on the ingest workers (503 when they and
    their queue are full), so drafts and questions are answered meanwhile."""

    def work() -> IngestReport:
        records = _records(payload, Interaction, svc.assistant.years, svc.settings)
        return svc.assistant.ingest(records, all_or_nothing=True)

    return await svc.ingest_workers.run(work)


@router.post("/customers", response_model=IngestReport, status_code=201, tags=["ingest"],
             openapi_extra=_one_or_many(Customer))
async def ingest_customers(payload: Any = Body(...), _: User = Depends(allow("ingest")),
                           svc: Services = Depends(services)) -> IngestReport:
    """Create or update customer records (one or a list); nothing is written unless every record is valid."""

    def work() -> IngestReport:
        records = _records(payload, Customer, svc.assistant.years, svc.settings)
        return svc.assistant.ingest([], customers=records, all_or_nothing=True)

    return await svc.ingest_workers.run(work)


class FactsStatus(BaseModel):
    outdated: bool = Field(description="Stored facts were read by other fact rules than this version's.")
    refreshed: int = Field(0, description="Interactions whose facts were read again by this call.")
    quarantined: list[QuarantinedContact] = Field(
        default_factory=list, description="Contacts whose facts could not be read, with the reason; nothing retries "
        "them until POST /api/facts/refresh?quarantined=true (or the contact is sent again changed).")


def _facts_status(assistant: Assistant, refreshed: int = 0) -> FactsStatus:
    return FactsStatus(outdated=assistant.facts_outdated(), refreshed=refreshed,
                       quarantined=assistant.facts_quarantined())


@router.get("/facts/status", response_model=FactsStatus, tags=["ingest"])
def facts_status(_: User = Depends(allow("ingest")), svc: Services = Depends(services)) -> FactsStatus:
    return _facts_status(svc.assistant)


@router.post("/facts/refresh", response_model=FactsStatus, tags=["ingest"])
def refresh_facts(quarantined: bool = Query(False, description="Only the quarantined contacts (after a fix)."),
                  _: User = Depends(allow("ingest")), svc: Services = Depends(services)) -> FactsStatus:
    """Read every stored contact's facts again, after an upgrade changed the fact rules (can take minutes); the
    quarantined ones only with ?quarantined=true, which reads just them."""
    return _facts_status(svc.assistant, svc.assistant.refresh_facts(quarantined=quarantined))


class CustomerFound(Customer):
    """A customer record as the search found it: best first, with why it matched."""

    why: str = Field(description="What matched, in words: \"phone +447700900456\", \"name close to 'Mria Lopez'\"; "
                                 "empty without a search.")
    score: float = Field(description="0-100; 100 is the same id, e-mail or phone number.")


@router.get("/customers", response_model=list[CustomerFound], tags=["customers"])
def search_customers(search: str | None = Query(None, description="A name (typos and word order forgiven), a phone "
                                                "number in any format of RAPPORT_PHONE_REGIONS, part of an e-mail "
                                                "or id. No match is an empty list; an empty or blank search "
                                                "is a 422 (leave it out to list customers)."),
                     limit: int = Query(50, ge=1, le=500), _: User = Depends(allow("read")),
                     svc: Services = Depends(services)) -> list[CustomerFound]:
    if search is not None and not search.strip():
        raise InputError("the 'search' parameter is empty: give a name, phone number, e-mail or id, or leave "
                         "'search' out to list customers", field="search")
    return [CustomerFound.model_validate(m.record()) for m in svc.assistant.find_customers(search, limit=limit)]


@router.get("/customers/{customer_id}", response_model=Customer, tags=["customers"])
def get_customer(customer_id: str, _: User = Depends(allow("read")), svc: Services = Depends(services)) -> Customer:
    return svc.assistant.customer(customer_id)


@router.get("/customers/{customer_id}/interactions", response_model=list[Interaction], tags=["customers"])
def get_interactions(customer_id: str, _: User = Depends(allow("read")),
                     svc: Services = Depends(services)) -> list[Interaction]:
    svc.assistant.customer(customer_id)  # 404 for an unknown customer, not an empty list
    return svc.assistant.interactions(customer_id)


@router.get("/customers/{customer_id}/facts", response_model=list[Fact], tags=["customers"])
def get_facts(customer_id: str, now: Now = None,
              kind: str | None = Query(None, description=f"Only facts of this kind: {', '.join(FACT_KINDS)}."),
              _: User = Depends(allow("read")), svc: Services = Depends(services)) -> list[Fact]:
    if kind is not None and kind not in FACT_KINDS:
        raise InputError(f"kind must be one of {', '.join(FACT_KINDS)}", field="kind")
    svc.assistant.customer(customer_id)
    facts = svc.assistant.facts(customer_id, now=now)
    return [f for f in facts if kind is None or f.kind == kind]


@router.get("/customers/{customer_id}/greeting", response_model=Draft, tags=["drafts"])
def get_greeting(customer_id: str, now: Now = None, _: User = Depends(allow("read")),
                 svc: Services = Depends(services)) -> Draft:
    svc.assistant.customer(customer_id)
    return svc.assistant.greeting(customer_id, now=now)


@router.get("/customers/{customer_id}/handover", response_model=Draft, tags=["drafts"])
def get_handover(customer_id: str, now: Now = None,
                 interaction_id: str | None = Query(None, description="The contact handed over (default: latest)."),
                 _: User = Depends(allow("read")), svc: Services = Depends(services)) -> Draft:
    """Draft a handover summary (not queued; POST /api/reviews queues one for a supervisor)."""
    svc.assistant.customer(customer_id)
    return svc.assistant.handover(customer_id, interaction_id=interaction_id, now=now)


@router.get("/customers/{customer_id}/suggestions", response_model=list[Suggestion], tags=["drafts"])
def get_suggestions(customer_id: str, now: Now = None, _: User = Depends(allow("read")),
                    svc: Services = Depends(services)) -> list[Suggestion]:
    svc.assistant.customer(customer_id)
    return svc.assistant.suggestions(customer_id, now=now)


@router.post("/customers/{customer_id}/ask", response_model=Draft, tags=["drafts"])
def ask(customer_id: str, body: AskRequest, _: User = Depends(allow("read")),
        svc: Services = Depends(services)) -> Draft:
    """Answer a question about this customer from their history; every answer cites its sources."""
    svc.assistant.customer(customer_id)
    return svc.assistant.ask(customer_id, body.question, now=body.now)


@router.get("/health", tags=["ops"])
def health() -> dict[str, str]:
    """Liveness, without auth and without customer data."""
    return {"status": "ok"}
