"""Shared fixtures: the real embedding model, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "assistant" / "demo"


@pytest.fixture(scope="session")
def embedder():
    from assistant.embedding import load_embedder
    from assistant.settings import Settings

    return load_embedder(Settings())


@pytest.fixture()
def settings(tmp_path):
    from assistant.settings import Settings

    return Settings(store_dir=tmp_path / "store")


@pytest.fixture()
def assistant_for(settings, embedder):
    """Build an Assistant over one customer's inline contacts (tests/histories.py); closed after the test."""
    from assistant.facade import Assistant

    made: list[Assistant] = []

    def build(customer_id: str, *contacts: dict, name: str | None, **record: object) -> Assistant:
        a = Assistant(settings, embedder=embedder)
        made.append(a)
        a.ingest(list(contacts), customers=[{"customer_id": customer_id, "name": name, **record}])
        return a

    yield build
    for a in made:
        a.close()


@pytest.fixture(scope="session")
def demo_files() -> tuple[Path, Path]:
    return DEMO_DIR / "interactions.jsonl", DEMO_DIR / "customers.jsonl"


@pytest.fixture(scope="session")
def read_facts(embedder):
    """The default fact reader over one contact: read_facts(("agent", "..."), ("customer", "...")) -> facts."""
    from one_contact import CONTACT, one_contact

    from assistant.memory.facts.extract import Extractor

    extractor = Extractor(embedder)
    return lambda *lines, channel="chat": extractor.extract([one_contact(*lines, channel=channel)])[CONTACT]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests (tests/live_app.py starts the app they look at)."""
    from live_app import chromium

    with chromium() as launched:
        yield launched
