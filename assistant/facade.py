"""The Assistant facade: the public Python API and the one composition root that wires the parts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.auth import User
from assistant.embedding import Embedder, load_embedder
from assistant.models import Case, Customer, Draft, Evidence, Fact, Handover, IngestReport, Interaction, Suggestion
from assistant.settings import Settings
from assistant.store import QuarantinedContact, Store
from assistant.store_lock import refuse_if_held

if TYPE_CHECKING:
    from assistant.drafting.drafter import Drafter
    from assistant.inbox import Inbox
    from assistant.memory.answers import Answerer
    from assistant.memory.cases import CaseMemory
    from assistant.memory.customer_search import CustomerMatch
    from assistant.memory.facts import FactMemory
    from assistant.memory.retrieval import Retriever

T = TypeVar("T")
_NO_LLM = object()  # built, and there is none (RAPPORT_LLM=none)

InteractionsInput = str | Path | Sequence[str | Path] | Sequence[dict[str, Any] | Interaction]
CustomersInput = str | Path | Sequence[dict[str, Any] | Customer] | None


class Assistant:
    """Remembers customers across channels and drafts greetings, handovers, suggestions and answers."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, llm: Any = None,
                 lazy: bool = False) -> None:
        """With `lazy`, the embedding model, the LLM client and the parts that use them are built when first
        needed, so reading the catalog (stats, customers, the timeline) never loads a model: the CLI opens
        its Assistant this way. Otherwise everything is ready before the first request (the server)."""
        from assistant.memory.customer_search import CustomerSearch
        from ingest.validation import AcceptedYears  # not at the top: `import ingest.loaders` imports this package

        self.settings = settings
        self.years = AcceptedYears.of(settings)
        self._given_embedder, self._given_llm = embedder, llm
        self._parts: dict[str, Any] = {}
        self._building = threading.RLock()  # one build of each part, whichever thread asks first
        self.store = Store(settings, lazy=lazy)
        self.customer_search = CustomerSearch(self.store, settings.phone_regions)  # catalog only: no model
        if not lazy:
            _ = self.drafter, self.inbox, self.answerer  # every part, each built once

    def _part(self, name: str, build: Callable[[], T]) -> T:
        part = self._parts.get(name)
        if part is None:
            with self._building:
                part = self._parts.get(name)
                if part is None:
                    part = self._parts[name] = build()
        return part  # type: ignore[no-any-return]  # _parts holds what build() returned for this name

    @property
    def embedder(self) -> Embedder:
        return self._part("embedder", lambda: self._given_embedder or load_embedder(self.settings))

    @property
    def llm(self) -> Any:
        """One chat-model client for facts, answers and drafts; None: the grounded drafter."""
        def build() -> Any:
            from assistant.llm.chat import build_llm

            return self._given_llm if self._given_llm is not None else (build_llm(self.settings) or _NO_LLM)

        found = self._part("llm", build)
        return None if found is _NO_LLM else found

    @property
    def retriever(self) -> Retriever:
        from assistant.memory.retrieval import Retriever

        return self._part("retriever", lambda: Retriever(self.store, self.embedder, self.settings))

    @property
    def memory(self) -> FactMemory:
        from assistant.memory.facts import FactMemory

        return self._part("memory", lambda: FactMemory(self.store, self.embedder, self.settings, llm=self.llm))

    @property
    def case_memory(self) -> CaseMemory:
        from assistant.memory.cases import CaseMemory

        return self._part("case_memory", lambda: CaseMemory(self.store, self.embedder, self.settings, self.memory))

    @property
    def answerer(self) -> Answerer:
        from assistant.memory.answers import Answerer

        return self._part("answerer",
                          lambda: Answerer(self.store, self.retriever, self.memory, self.settings, llm=self.llm))

    @property
    def inbox(self) -> Inbox:
        from assistant.inbox import Inbox

        return self._part("inbox", lambda: Inbox(self.store, self.case_memory.router, self.settings))

    @property
    def drafter(self) -> Drafter:
        from assistant.drafting.drafter import Drafter

        return self._part("drafter", lambda: Drafter(self.store, self.retriever, self.memory, self.settings,
                                                     llm=self.llm, cases=self.case_memory))

    @classmethod
    def open(cls, store_dir: str | Path | None = None, settings: Settings | None = None, **kwargs: Any) -> Assistant:
        settings = settings or Settings()
        if store_dir is not None:
            settings = settings.model_copy(update={"store_dir": Path(store_dir)})
        return cls(settings, **kwargs)

    # ---- data in ----------------------------------------------------------------------------
    def ingest(self, interactions: InteractionsInput | None = None, customers: CustomersInput = None, *,
               format: str | None = None, progress: bool = False, all_or_nothing: bool = False) -> IngestReport:
        """Refused records are reported (and written to a rejects file beside their input); with all_or_nothing
        nothing is written unless every record is accepted (RecordsRejected / InteractionConflict otherwise)."""
        from ingest.pipeline import run_ingest

        refuse_if_held(self.settings.store_dir, "ingest")  # a server (or a CLI write) elsewhere owns this store
        self.catch_up()  # an earlier run killed between a commit and its facts or cases left them to do
        return run_ingest(
            self.store, self.embedder, self.settings, interactions, customers=customers,
            format=format, progress=progress, on_committed=self._committed, all_or_nothing=all_or_nothing,
        )

    def _committed(self, interactions: list[Interaction]) -> None:
        self.memory.update(interactions)
        self.case_memory.update(interactions)

    def catch_up(self) -> None:
        """Facts, then cases, for contacts committed without them (a run killed in between)."""
        self.memory.catch_up()
        self.case_memory.catch_up()

    def stats(self) -> dict[str, Any]:
        """Customers, interactions and chunks (by channel), and the contacts whose facts are quarantined."""
        quarantined = [q.model_dump(mode="json") for q in self.store.facts_quarantined()]
        return {**self.store.stats(), "quarantined": quarantined}

    def facts_outdated(self) -> bool:
        """True when stored facts were read by other fact rules than this version's (see refresh_facts).
        Asks the rules' version, not the rules: no model or parser is loaded for it."""
        from assistant.memory import fact_rules

        prompt = fact_rules.facts_prompt_hash(self.settings, self.llm)
        return fact_rules.outdated(self.store, fact_rules.rules_version(self.settings, prompt))

    def facts_quarantined(self) -> list[QuarantinedContact]:
        """Contacts whose facts could not be read: no catch-up retries them; refresh_facts(quarantined=True) does."""
        return self.store.facts_quarantined()

    def refresh_facts(self, *, quarantined: bool = False) -> int:
        """Read every stored contact's facts again, after an upgrade changed the fact rules; quarantined contacts
        are left alone unless `quarantined`, which reads only them again. Returns how many were read."""
        refuse_if_held(self.settings.store_dir, "refresh facts")
        read = self.memory.retry_quarantined() if quarantined else self.memory.refresh()
        self.case_memory.refresh()
        return read

    # ---- reading the customer -----------------------------------------------------------------
    def customers(self, search: str | None = None, limit: int = 50) -> list[Customer]:
        """The customers find_customers finds, best first (by name when nothing is typed)."""
        return [m.customer for m in self.find_customers(search, limit)]

    def find_customers(self, search: str | None = None, limit: int = 50) -> list[CustomerMatch]:
        """Customers by name (typos and word order forgiven), phone number in any format of the configured
        regions (settings.phone_regions), part of an e-mail or id; best first, each saying why it matched."""
        return self.customer_search.find(search, limit)

    def customer(self, customer_id: str) -> Customer:
        return self.store.customer(customer_id)

    def interactions(self, customer_id: str) -> list[Interaction]:
        return self.store.interactions(customer_id)

    def retrieve(self, customer_id: str, query: str, k: int = 10, now: datetime | None = None) -> list[Evidence]:
        """The customer's best evidence for the query; with `now`, as of that moment (later contacts excluded)."""
        return self.retriever.retrieve(customer_id, query, k=k, now=self._as_of(now))

    def facts(self, customer_id: str, now: datetime | None = None) -> list[Fact]:
        return self.memory.facts(customer_id, now=self._as_of(now))

    def ask(self, customer_id: str, question: str, now: datetime | None = None) -> Draft:
        return self.answerer.ask(customer_id, question, now=self._as_of(now))

    def take_handover(self, handover_id: str, user: User) -> Handover:
        """Take a handover (InputError 409 if someone did first); it carries its case's handover as of now, the
        case's latest contact included (one that arrived while it waited), never another case's."""
        taken = self.inbox.take(handover_id, user)
        case = next((c for c in self.case_memory.cases(taken.customer_id) if c.case_id == taken.case_id), None)
        latest = case.contacts[-1].interaction_id if case else taken.interaction_id
        fresh = self.handover(taken.customer_id, interaction_id=latest, team=taken.to_team)
        return taken.model_copy(update={"draft": fresh})

    def cases(self, customer_id: str, now: datetime | None = None) -> list[Case]:
        """The customer's contacts threaded into cases as of `now`, most recently active first."""
        self.store.customer(customer_id)  # UnknownCustomer
        return self.case_memory.cases(customer_id, now=self._as_of(now))

    # ---- drafts -----------------------------------------------------------------------------
    def greeting(self, customer_id: str, now: datetime | None = None) -> Draft:
        return self.drafter.greeting(customer_id, now=self._as_of(now))

    def handover(self, customer_id: str, interaction_id: str | None = None, now: datetime | None = None,
                 team: str | None = None, colleague: str | None = None) -> Draft:
        return self.drafter.handover(customer_id, interaction_id=interaction_id, now=self._as_of(now), team=team,
                                     colleague=colleague)

    def send_handover(self, customer_id: str, *, to_team: str | None = None, to_agent: str | None = None,
                      sender: User | None = None, interaction_id: str | None = None,
                      now: datetime | None = None) -> Handover:
        """Draft the case's handover for the team or agent taking over and put it in their inbox."""
        team, agent = self.inbox.address(to_team, to_agent)
        if team is None and agent is not None:
            team = next(iter(self.case_memory.router.teams_of(agent)), None)
        draft = self.handover(customer_id, interaction_id=interaction_id, now=now, team=team)
        return self.inbox.send(draft, customer_id=customer_id, to_team=team if to_team else None,
                               to_agent=agent, sender=sender, now=now)

    def suggestions(self, customer_id: str, now: datetime | None = None) -> list[Suggestion]:
        return self.drafter.suggestions(customer_id, now=self._as_of(now))

    def _as_of(self, now: datetime | None) -> datetime | None:
        """`now` in UTC; outside the accepted years (RAPPORT_EARLIEST_YEAR..LATEST_YEAR) an InputError naming it."""
        return self.years.checked(now, "now") if now is not None else None

    def close(self) -> None:
        self.store.close()
