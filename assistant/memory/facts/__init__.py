"""Customer facts: extracted from interactions without an LLM, kept as a bi-temporal timeline (docs/facts.md)."""

from assistant.memory.facts.extract import Extractor
from assistant.memory.facts.memory import FactMemory

__all__ = ["Extractor", "FactMemory"]
