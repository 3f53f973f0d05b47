"""The fact timeline: written incrementally after each ingest batch, read as of any `now` (bi-temporal: facts
recorded after `now` are not known yet; a newer fact with the same kind and subject supersedes the older)."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from assistant.embedding import Embedder
from assistant.errors import UnknownCustomer
from assistant.memory.facts import mood
from assistant.memory.facts.extract import Extractor
from assistant.memory.facts.lexicon import canonical_product
from assistant.models import Fact, Interaction, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PROMISE_GRACE = timedelta(days=1)


class FactMemory:
    """What Rapport knows about each customer, as dated facts with citations (see docs/facts.md)."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, *,
                 extractor: Extractor | None = None) -> None:
        self.store, self.settings = store, settings
        self.extractor = extractor or Extractor(embedder, offer_cooldown_days=settings.offer_cooldown_days)
        self._cache: dict[str, tuple[int, list[Fact]]] = {}
        self._lock = threading.Lock()

    # ---- writing ---------------------------------------------------------------------------------
    def update(self, interactions: Sequence[Interaction]) -> int:
        """Extract facts from newly committed interactions; each interaction's facts replace its earlier ones.
        Returns the number of facts written."""
        if not interactions:
            return 0
        batch_ids = {i.interaction_id for i in interactions}
        prior: dict[str, list[Fact]] = {}
        for customer_id in {i.customer_id for i in interactions}:
            prior[customer_id] = [
                f for f in self.store.facts(customer_id)
                if not any(c.interaction_id in batch_ids for c in f.citations)
            ]
        extracted = self.extractor.extract(interactions, prior)
        written = 0
        for interaction in interactions:
            facts = extracted.get(interaction.interaction_id, [])
            self.store.replace_facts(interaction.customer_id, interaction.interaction_id, facts)
            written += len(facts)
        return written

    # ---- reading ------------------------------------------------------------------------------------
    def facts(self, customer_id: str, now: datetime | None = None, *, include_history: bool = False,
              kinds: Sequence[str] | None = None) -> list[Fact]:
        """Facts known as of `now` with statuses computed for `now`; superseded ones only with include_history."""
        now = as_utc(now) if now else utcnow()
        known = [f for f in self._stored(customer_id) if f.recorded_at is None or as_utc(f.recorded_at) <= now]
        known = self._record_facts(customer_id) + known
        timeline = self._supersede(known)
        contacts = sorted(as_utc(f.recorded_at) for f in known if f.kind == "sentiment" and f.recorded_at)
        chased = sorted(as_utc(f.recorded_at) for f in known
                        if f.kind == "sentiment" and f.recorded_at and f.attributes.get("chased"))
        repeat_issue_at = {as_utc(f.recorded_at) for f in timeline
                           if f.kind == "issue" and f.attributes.get("repeat_contacts") and f.recorded_at}
        out = []
        for fact in timeline:
            fact = _as_of(fact, now, contacts, chased, repeat_issue_at)
            if (include_history or fact.superseded_at is None) and (kinds is None or fact.kind in kinds):
                out.append(fact)
        out.sort(key=lambda f: (as_utc(f.recorded_at) if f.recorded_at else _EPOCH, f.kind, f.fact_id))
        return out

    def _stored(self, customer_id: str) -> list[Fact]:
        version = self.store.version(customer_id)
        with self._lock:
            cached = self._cache.get(customer_id)
        if cached and cached[0] == version:
            return cached[1]
        facts = [f for f in self.store.facts(customer_id) if f.customer_id in ("", customer_id)]
        with self._lock:
            self._cache[customer_id] = (version, facts)
        return facts

    def _record_facts(self, customer_id: str) -> list[Fact]:
        """Products and marketing consent from the customer record (the CRM's word, no interaction to cite)."""
        try:
            customer = self.store.customer(customer_id)
        except UnknownCustomer:
            return []
        since = datetime(customer.customer_since.year, customer.customer_since.month, customer.customer_since.day,
                         tzinfo=UTC) if customer.customer_since else None
        out = []
        for product in customer.products:
            name = canonical_product(product)
            out.append(_record_fact(customer_id, "product", name, f"Holds {product}", "held", since, product=product))
        granted = customer.consent.marketing
        out.append(_record_fact(
            customer_id, "consent", "marketing",
            "Marketing consent on record" if granted else "No marketing consent on record",
            "granted" if granted else "withdrawn", None,
        ))
        return out

    @staticmethod
    def _supersede(facts: list[Fact]) -> list[Fact]:
        groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[(fact.kind, fact.subject.lower())].append(fact)
        out = []
        for (kind, _), group in groups.items():
            group.sort(key=lambda f: (as_utc(f.recorded_at) if f.recorded_at else _EPOCH,
                                      f.attributes.get("source") != "customer record"))
            if kind == "consent" and group[0].status == "withdrawn":
                # Opting back in needs the record to change; a remark in a call does not override it.
                group = [f for f in group if f.status == "withdrawn"]
            contacts = 0
            for i, fact in enumerate(group):
                newer = group[i + 1] if i + 1 < len(group) else None
                update: dict[str, object] = {}
                if newer is not None:
                    update["superseded_at"] = newer.recorded_at or fact.recorded_at
                if kind == "issue":
                    update["attributes"] = {**fact.attributes, "repeat_contacts": contacts}
                    contacts = 0 if fact.status == "resolved" else contacts + 1
                out.append(fact.model_copy(update=update) if update else fact)
        return out


def _as_of(fact: Fact, now: datetime, contacts: list[datetime], chased: list[datetime],
           repeat_issue_at: set[datetime]) -> Fact:
    """Time-dependent statuses for `now`: upcoming/ongoing/past, due/overdue/kept, moods with repeat contact."""
    start = as_utc(fact.valid_from) if fact.valid_from else None
    end = as_utc(fact.valid_to) if fact.valid_to else None
    recorded = as_utc(fact.recorded_at) if fact.recorded_at else None
    status = fact.status
    attributes = dict(fact.attributes)
    if fact.kind == "life_event":
        if end is not None:
            status = "upcoming" if start and now < start else "ongoing" if now < end else "past"
        elif start is not None and status != "upcoming":
            status = "past"
    elif fact.kind == "promise" and recorded is not None:
        deadline = (end + PROMISE_GRACE) if end else None
        later = [t for t in contacts if recorded < t <= now and (deadline is None or t <= deadline)]
        kept = [t for t in later if t not in chased]
        if kept:
            status, attributes["kept_at"] = "kept", kept[0].isoformat()
        elif end is not None and now >= end:
            status = "overdue"
        else:
            status = "due"
    elif fact.kind == "offer" and fact.status == "declined" and end is not None:
        attributes["cooling_off"] = now < end
    elif fact.kind == "sentiment" and recorded is not None:
        earlier = [t for t in contacts if recorded - timedelta(days=mood.REPEAT_CONTACT_DAYS) <= t < recorded]
        repeat = bool(earlier) or recorded in repeat_issue_at
        attributes["repeat_contact"] = repeat
        status = mood.status_for(attributes.get("compound", 0.0), attributes.get("worst", 0.0),
                                 attributes.get("frustration_cues", 0), repeat)
        text = mood.describe(status, recorded, attributes.get("channel", "other"))
        return fact.model_copy(update={"status": status, "attributes": attributes, "text": text})
    if status == fact.status and attributes == fact.attributes:
        return fact
    return fact.model_copy(update={"status": status, "attributes": attributes})


def _record_fact(customer_id: str, kind: str, subject: str, text: str, status: str, since: datetime | None,
                 **attributes: object) -> Fact:
    digest = hashlib.sha1(f"{customer_id}|{kind}|{subject.lower()}|record".encode()).hexdigest()[:16]
    return Fact(kind=kind, text=text, subject=subject, status=status, valid_from=since, recorded_at=since,  # type: ignore[arg-type]
                fact_id=f"r-{digest}", customer_id=customer_id,
                attributes={"source": "customer record", **attributes})
