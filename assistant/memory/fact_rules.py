"""Which fact rules read the stored facts: a hash of the rules' code, data and settings, kept apart from the
rules themselves so `rapport stats` can say an upgrade changed them without loading spaCy or the model."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.store import Store

READER_KEY = "facts_reader"  # the store's meta key: the version that read the stored facts


def rules_version(settings: Settings, prompt_hash: str = "") -> str:
    """Changes when the rules (assistant/memory and assistant/language), the settings they read or the facts
    prompt of the model reading next to them (`prompt_hash`; empty when no model reads) change."""
    digest = hashlib.sha256(f"{settings.offer_cooldown_days}|{settings.language_pipeline}|{prompt_hash}".encode())
    package = Path(__file__).resolve().parents[1]
    # assistant/memory (rules and helpers) and assistant/language (grammar, word lists, classifiers' data)
    sources = [*(package / "memory").rglob("*.py"), *(package / "language").rglob("*.py"),
               *(package / "language" / "data").glob("*")]
    for source in sorted(sources):
        if source.is_file():
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def facts_prompt_hash(settings: Settings, llm: Any) -> str:
    """The facts prompt's hash when a model reads facts next to the rules (RAPPORT_LLM_FACTS and an LLM)."""
    if not settings.llm_facts or llm is None:
        return ""
    from assistant.llm.prompts import active_prompt

    return active_prompt("facts", settings).content_hash


def outdated(store: Store, version: str) -> bool:
    """True when the stored facts were read by another version of the rules (or by one from before versions)."""
    stamp = store.meta(READER_KEY)
    return store.has_interactions() if stamp is None else stamp != version
