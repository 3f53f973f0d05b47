"""Prototype sentences per fact type, embedded once: a candidate sentence that a cheap pattern picked out is
kept only if it reads more like the type's prototypes than like the look-alikes (the embedding model decides)."""

from __future__ import annotations

import threading

import numpy as np

from assistant.embedding import Embedder

PROTOTYPES: dict[str, list[str]] = {
    "life_event": [
        "My daughter has her exams next week.",
        "Our son is sitting his GCSEs in the summer.",
        "We're expecting a baby in March.",
        "My wife just had a baby.",
        "We've just moved house to Leeds.",
        "We're moving to Bristol next month.",
        "I'm going on holiday to Spain next week.",
        "We're flying out to New Zealand to see family.",
        "I'm getting married in June.",
        "My daughter is getting married this summer.",
        "I've just started a new job.",
        "I was made redundant last month.",
        "I'm retiring at the end of the year.",
        "We've just bought a new car.",
        "I'm collecting my new car from the dealer on Saturday.",
        "My husband is in hospital for an operation.",
        "My mum passed away recently.",
        "My son is starting university in September.",
        "It's my daughter's birthday on Saturday.",
        "I'm recovering from surgery.",
        "I'm training for the London Marathon in April.",
        "Running a half marathon next month for charity.",
        "I'm going on maternity leave in the spring.",
        "Our son arrived two weeks early.",
        "He passed his driving test last summer.",
        "The twins turn eighteen next month.",
        "I turn sixty next week.",
        "I had a car accident yesterday.",
        "I did a sponsored walk for charity.",
        "We're travelling around Asia for six months.",
        "We complete on the house next week.",
        "Our youngest starts school in September.",
    ],
    "not_life_event": [
        "Your card will arrive in the post within five working days.",
        "The policy covers you for travel abroad.",
        "Is there anything else I can help you with today?",
        "Travel insurance is included with the premium account.",
        "Can you confirm your date of birth?",
        "I'm calling about my car insurance quote.",
        "The claim has been passed to the team.",
        "We offer a discount if you have a new car.",
        "Do you have any accidents or claims in the last five years?",
        "How long have you been with your current insurer?",
    ],
    "issue": [
        "My card was blocked while I was abroad.",
        "I've been charged twice for the same payment.",
        "I can't log in to the app.",
        "My direct debit didn't go out.",
        "I'm still waiting for my refund.",
        "I want to make a complaint about how I was treated.",
        "Someone has used my card without permission.",
        "My claim has been delayed for weeks.",
        "The payment was declined at the shop.",
        "There's a mistake on my statement.",
        "I lost my card yesterday.",
        "Our kitchen was damaged by a leak and I need to claim.",
    ],
    "not_issue": [
        "No problem at all, happy to help.",
        "That's not an issue.",
        "Would you like a quote for car insurance?",
        "The discount applies when you pay annually.",
        "Thanks, have a nice day.",
        "Can I take your postcode please?",
        "I just wanted to check my balance.",
        "Do you have any claims in the last five years?",
        "Thanks for paying my claim so quickly, brilliant service!",
        "Shoutout to the team for sorting my refund in two days.",
        "What's the fee for sending money abroad?",
        "The last time I did it myself I got it wrong, so talk me through it.",
    ],
    "accept": [
        "Yes please, go ahead and set that up.",
        "That sounds great, let's do it.",
        "Okay, sign me up.",
        "Yes, I'd like that.",
        "Sure, I'll take it.",
    ],
    "decline": [
        "No thanks, I'm happy with what I have.",
        "Not right now, thank you.",
        "I'm not interested.",
        "No, I don't need that.",
        "I'll pass on that one.",
        "We're not looking to change at the moment.",
    ],
    "pending": [
        "I'll have a think about it.",
        "Can you send me the details and I'll look at them?",
        "Let me talk to my wife first.",
        "Maybe, I'm not sure yet.",
        "Call me back about it next week.",
    ],
}


class PrototypeGate:
    """Scores sentences against each label's prototypes (max cosine); prototypes are embedded on first use."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _prototypes(self) -> dict[str, np.ndarray]:
        with self._lock:
            if self._vectors is None:
                labels = list(PROTOTYPES)
                texts = [t for label in labels for t in PROTOTYPES[label]]
                matrix = self.embedder.embed_batch(texts)
                out, start = {}, 0
                for label in labels:
                    out[label] = matrix[start : start + len(PROTOTYPES[label])]
                    start += len(PROTOTYPES[label])
                self._vectors = out
            return self._vectors

    def score(self, texts: list[str], labels: list[list[str]]) -> list[dict[str, float]]:
        """For each text, the max cosine to each label asked for it. One embedding batch for all texts."""
        if not texts:
            return []
        return self.score_vectors(self.embedder.embed_batch(texts), labels)

    def score_vectors(self, vectors: np.ndarray, labels: list[list[str]]) -> list[dict[str, float]]:
        """As score, for sentences already embedded."""
        if not len(labels):
            return []
        prototypes = self._prototypes()
        return [
            {label: float((prototypes[label] @ vector).max()) for label in wanted if label in prototypes}
            for vector, wanted in zip(vectors, labels, strict=True)
        ]


def passes(scores: dict[str, float], label: str, against: str, floor: float = 0.3, margin: float = 0.0) -> bool:
    return scores.get(label, 0.0) >= floor and scores.get(label, 0.0) >= scores.get(against, 0.0) + margin
