"""The fact timeline: written incrementally after each ingest batch, read as of any `now` (bi-temporal: facts
recorded after `now` are not known yet; a newer fact with the same kind and subject supersedes the older)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.embedding import Embedder
from assistant.errors import ModelUnavailable, StoreUnavailable, UnknownCustomer
from assistant.language.grammar import grammar
from assistant.language.time import fmt_day
from assistant.memory.fact_rules import READER_KEY, outdated, rules_version
from assistant.memory.facts import life, mood
from assistant.memory.facts.base import ReadingLimits
from assistant.memory.facts.extract import Extractor
from assistant.memory.facts.lexicon import canonical_product
from assistant.memory.facts.llm_facts import LLMFactReader
from assistant.models import Fact, Interaction, as_utc, utcnow
from assistant.settings import Settings
from assistant.store import Store

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
QUARANTINE_REASON_CHARS = 300  # the exception's type and message; the traceback goes to the log
PROMISE_GRACE = timedelta(days=1)
PROMISE_LAPSE = timedelta(days=30)  # an unkept promise this old is history, not a to-do


class FactMemory:
    """What Rapport knows about each customer, as dated facts with citations (see docs/facts.md)."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, *,
                 extractor: Extractor | None = None, llm: Any = None) -> None:
        self.store, self.settings = store, settings
        self.extractor = extractor or Extractor(embedder, offer_cooldown_days=settings.offer_cooldown_days,
                                                reader=_reader(settings, llm),
                                                parser=grammar(settings.language_pipeline),
                                                embedding_model=settings.embedding_model,
                                                limits=ReadingLimits(settings.facts_max_sentences_per_turn,
                                                                     settings.facts_max_sentence_chars))
        self._cache: dict[str, tuple[int, list[Fact]]] = {}
        self._lock = threading.Lock()
        self.reader_version = reader_version(settings, self.extractor.reader)

    # ---- writing ---------------------------------------------------------------------------------
    def update(self, interactions: Sequence[Interaction]) -> int:
        """Extract facts from newly committed interactions; each interaction's facts replace its earlier ones.
        A contact whose facts cannot be read is quarantined with the reason instead of failing the batch, so it
        holds up no one (retry_quarantined reads it again). Returns the number of facts written."""
        if not interactions:
            return 0
        try:
            return self._read_facts(interactions)
        except (StoreUnavailable, ModelUnavailable):
            raise  # the store or the model is down for everyone: no contact is to blame
        except Exception as exc:  # noqa: BLE001 - one unreadable contact must not stop everyone's facts
            if len(interactions) > 1:  # which one: each on its own, in time order, as the batch reads them
                ordered = sorted(interactions, key=lambda i: (i.started_at, i.interaction_id))
                return sum(self.update([one]) for one in ordered)
            reason = f"{type(exc).__name__}: {exc}"[:QUARANTINE_REASON_CHARS]
            log.warning("facts of %s not read, quarantined: %s", interactions[0].interaction_id, reason,
                        exc_info=True)
            self.store.quarantine_facts(interactions[0], reason)
            return 0

    def _read_facts(self, interactions: Sequence[Interaction]) -> int:
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

    def catch_up(self, batch: int = 100) -> int:
        """Facts for interactions committed without them (a run killed between an interaction's commit and
        its facts). Returns the number of interactions caught up."""
        if self.store.meta(READER_KEY) is None and not self.store.has_interactions():
            self.store.set_meta(READER_KEY, self.reader_version)  # a new store: this reader reads everything
        done: set[str] = set()
        while pending := [i for i in self.store.facts_pending(batch) if i.interaction_id not in done]:
            self.update(pending)
            done.update(i.interaction_id for i in pending)
        return len(done)

    def outdated(self) -> bool:
        """True when stored facts were read by another version of the fact reader (or one before versions)."""
        return outdated(self.store, self.reader_version)

    def refresh(self) -> int:
        """Read every stored interaction's facts again with this reader, the quarantined ones excepted.
        Returns the interactions read."""
        self.store.mark_all_facts_pending()
        read = self.catch_up()
        self.store.set_meta(READER_KEY, self.reader_version)
        return read

    def retry_quarantined(self) -> int:
        """Read the quarantined contacts' facts again (after a fix); one that fails again goes back into
        quarantine. Returns how many were read."""
        released = self.store.release_quarantined()
        self.catch_up()
        return released

    # ---- reading ------------------------------------------------------------------------------------
    def facts(self, customer_id: str, now: datetime | None = None, *, include_history: bool = False,
              kinds: Sequence[str] | None = None) -> list[Fact]:
        """Facts known as of `now` with statuses computed for `now`; superseded ones only with include_history."""
        now = as_utc(now) if now else utcnow()
        known = [f for f in self._stored(customer_id) if f.recorded_at is None or as_utc(f.recorded_at) <= now]
        known = self._record_facts(customer_id) + known
        timeline = self._supersede(known)
        context = _Context.of(known, timeline)
        out = []
        for fact in timeline:
            fact = _as_of(fact, now, context)
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
            contacts, raised = 0, None
            for i, fact in enumerate(group):
                newer = group[i + 1] if i + 1 < len(group) else None
                update: dict[str, object] = {}
                if newer is not None:
                    update["superseded_at"] = newer.recorded_at or fact.recorded_at
                if kind == "issue":
                    # when it was first raised, for a chase of it: since the last time it was resolved
                    raised = raised or (fact.recorded_at.isoformat() if fact.recorded_at else None)
                    update["attributes"] = {**fact.attributes, "repeat_contacts": contacts, "raised_at": raised}
                    contacts = 0 if fact.status == "resolved" else contacts + 1
                    raised = None if fact.status == "resolved" else raised
                out.append(fact.model_copy(update=update) if update else fact)
        return out


# Plans that often do not happen on the day said (a move falls through, a wedding is postponed, a baby comes
# late): past their date they are not told as done. Exams, an operation or a birthday happen when booked.
PLANS_THAT_FALL_THROUGH = frozenset({"move", "wedding", "travel", "retirement", "new_job", "baby", "maternity",
                                     "new_car", "marathon", "challenge", "university"})


@dataclass
class _Context:
    """What time-dependent statuses look at besides the fact itself: the customer's contacts (from the one
    sentiment fact each interaction has), and products bought."""

    contacts: list[tuple[datetime, set[str], bool]]  # (when, promise kinds it keeps, customer chased us)
    bought: dict[str, datetime]  # product subject -> first recorded bought/held in an interaction
    repeat_issue_at: set[datetime]

    @classmethod
    def of(cls, known: list[Fact], timeline: list[Fact]) -> _Context:
        contacts = sorted(
            (as_utc(f.recorded_at), set(f.attributes.get("fulfils") or []), bool(f.attributes.get("chased")))
            for f in known if f.kind == "sentiment" and f.recorded_at
        )
        bought: dict[str, datetime] = {}
        for f in known:
            if f.kind == "product" and f.status in ("bought", "held") and f.recorded_at and f.citations:
                at = as_utc(f.recorded_at)
                bought[f.subject.lower()] = min(at, bought.get(f.subject.lower(), at))
        repeat = {as_utc(f.recorded_at) for f in timeline
                  if f.kind == "issue" and f.attributes.get("repeat_contacts") and f.recorded_at}
        return cls(contacts, bought, repeat)


def _as_of(fact: Fact, now: datetime, context: _Context) -> Fact:
    """Time-dependent statuses for `now`: upcoming/ongoing/past, due/overdue/kept/lapsed, moods with repeat contact,
    a pending offer later taken up."""
    start = as_utc(fact.valid_from) if fact.valid_from else None
    end = as_utc(fact.valid_to) if fact.valid_to else None
    recorded = as_utc(fact.recorded_at) if fact.recorded_at else None
    status = fact.status
    attributes = dict(fact.attributes)
    if fact.kind == "life_event":
        if status == "cancelled":
            return fact  # called off when it was read: no date passing makes it happen
        if end is not None:
            status = "upcoming" if start and now < start else "ongoing" if now < end else "past"
            if status == "ongoing" and attributes.get("tense") == "happened":
                status = "past"  # "I lost my dad in the autumn": the season goes on, the loss is over
        elif start is not None and status != "upcoming":
            status = "past"
        if status == "past" and attributes.get("tense") in ("planned", "expected") and \
                attributes.get("event") in PLANS_THAT_FALL_THROUGH:
            status = "unconfirmed"  # a due date or a plan gone by: nobody told us it happened
        if status != fact.status and attributes.get("event"):
            return fact.model_copy(update={"status": status, "text": life.describe(attributes, status)})
    elif fact.kind == "promise" and recorded is not None and fact.status != "kept":
        status = _promise_status(fact, now, recorded, end, context, attributes)
    elif fact.kind == "offer" and fact.status == "declined" and end is not None:
        attributes["cooling_off"] = now < end
    elif fact.kind == "offer" and fact.status == "pending" and recorded is not None:
        taken = context.bought.get(fact.subject.lower())
        if taken is not None and recorded <= taken <= now:
            attributes["accepted_at"] = taken.isoformat()
            text = f"Offered {fact.subject} on {fmt_day(recorded)}; bought it on {fmt_day(taken)}"
            return fact.model_copy(update={"status": "accepted", "attributes": attributes, "text": text})
    elif fact.kind == "sentiment" and recorded is not None:
        window = timedelta(days=mood.REPEAT_CONTACT_DAYS)
        repeat = any(recorded - window <= t < recorded for t, _, _ in context.contacts)
        repeat = repeat or recorded in context.repeat_issue_at
        attributes["repeat_contact"] = repeat
        status = mood.status_for(attributes.get("compound", 0.0), attributes.get("worst", 0.0),
                                 attributes.get("frustration_cues", 0), repeat)
        text = mood.describe(status, recorded, attributes.get("channel", "other"))
        return fact.model_copy(update={"status": status, "attributes": attributes, "text": text})
    if status == fact.status and attributes == fact.attributes:
        return fact
    return fact.model_copy(update={"status": status, "attributes": attributes})


# Promises whose keeping leaves no trace in the contacts (a call back is itself a contact; these are not).
_DONE_UNSEEN = frozenset({"send", "send an update", "send a replacement", "refund"})


def _promise_status(fact: Fact, now: datetime, recorded: datetime, due: datetime | None, context: _Context,
                    attributes: dict) -> str:  # type: ignore[type-arg]
    """kept: a later contact by the deadline (plus a day's grace) did what was promised; overdue: the deadline
    passed without that; lapsed: so long ago that it no longer needs action; due: not yet."""
    action = attributes.get("action", "follow up")
    # An undated promise ("I'll ask the team to call you") is kept whenever it is done; a dated one by its date.
    deadline = (due + PROMISE_GRACE) if due and not attributes.get("due_assumed") else None
    for at, keeps, _ in context.contacts:
        if recorded < at <= now and (deadline is None or at <= deadline) and (
                action in keeps or action == "follow up" and keeps):
            attributes["kept_at"] = at.isoformat()
            return "kept"
    if any(recorded < at <= now and chased for at, _, chased in context.contacts):
        attributes["chased"] = True
    elif attributes.get("dispatch"):  # the agent's own same-day send: taken as done unless chased since
        attributes["kept_assumed"] = True
        return "kept"
    if due is None or now < due:
        return "due"
    if not attributes.get("chased") and any(due < at <= now for at, _, _ in context.contacts if at > recorded):
        # the customer was in touch after the deadline and did not chase it: it may well have been done, and we
        # cannot see it; "overdue" would be a guess (a credit already on the bill, documents that came)
        attributes["unsure_since"] = True
        return "lapsed" if now - due > PROMISE_LAPSE else "open"
    if attributes.get("due_assumed") or attributes.get("by") == "customer":
        # nobody named a date (or it is the customer's to do): "overdue" would say more than we know
        return "lapsed" if now - due > PROMISE_LAPSE else "open"
    if action in _DONE_UNSEEN and not attributes.get("chased"):
        # a letter, an e-mail or a refund goes out without a contact we can read: unchased, it may well have
        # been done, and "overdue" would be a guess
        attributes["unseen"] = True
        return "lapsed" if now - due > PROMISE_LAPSE else "open"
    return "lapsed" if now - due > PROMISE_LAPSE else "overdue"


def _record_fact(customer_id: str, kind: str, subject: str, text: str, status: str, since: datetime | None,
                 **attributes: object) -> Fact:
    digest = hashlib.sha1(f"{customer_id}|{kind}|{subject.lower()}|record".encode()).hexdigest()[:16]
    return Fact(kind=kind, text=text, subject=subject, status=status, valid_from=since, recorded_at=since,  # type: ignore[arg-type]
                fact_id=f"r-{digest}", customer_id=customer_id,
                attributes={"source": "customer record", **attributes})


def reader_version(settings: Settings, reader: LLMFactReader | None) -> str:
    """Changes when the rules (this package's code), the settings they read or the model's prompt change."""
    return rules_version(settings, reader.prompt.content_hash if reader else "")


def _reader(settings: Settings, llm: Any) -> LLMFactReader | None:
    """A model reading facts at ingest: only when asked for (RAPPORT_LLM_FACTS), as it costs a call per contact."""
    if not settings.llm_facts:
        return None
    from assistant.llm.chat import build_llm
    from assistant.llm.prompts import active_prompt

    model = llm if llm is not None else build_llm(settings)
    if model is None:
        return None
    return LLMFactReader(model, active_prompt("facts", settings), settings.llm_timeout_s, settings.offer_cooldown_days)
