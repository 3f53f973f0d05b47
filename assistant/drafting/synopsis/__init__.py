"""Deterministic, model-free synopsis of one conversation, for the "summary" section of a handover.

Modules: words (word lists), cleaning (text and tokens), grammar (verbs, questions), rewriting (one sentence
into reported speech), selection (which sentences make the synopsis).

Method, in short: every utterance is split into sentences; fillers, vocatives, greetings and IVR
boilerplate are dropped; each remaining sentence is rewritten into third-person reported speech
("I need a refund" -> "The customer needs a refund", "Can you check my order?" -> "The customer asks
the agent to check their order", "Where did you buy it?" -> "The agent asks where the customer bought
it") and scored by lexical centrality (how much of the conversation's recurring vocabulary it
carries), with priors for the opening turns and each party's first substantive sentence, and a
preference for a person's own statements, requests and questions over "X says ..." reports. The best
sentences, within a word budget that grows with the length of the conversation, are kept in
conversation order. Contact-centre furniture (who is speaking, identity checks) and sentences with nothing
left once courtesies are set aside are never reported; an agent's actions are preferred. Every sentence
cites the turn(s) it was built from; nothing is added but pronoun, verb-agreement and reporting-verb changes.
Pure Python, no models: about 2 ms per short dialogue.
"""

from assistant.drafting.synopsis.rewriting import third_person
from assistant.drafting.synopsis.selection import SynopsisSentence, restates, synopsis

__all__ = ["SynopsisSentence", "restates", "synopsis", "third_person"]
