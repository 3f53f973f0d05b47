"""The only door to stored data: Chroma (embedded folder or server) for turn windows, SQLite beside it
for the catalog (customers, interactions, facts). Every read of customer data takes a customer_id."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from pydantic import BaseModel

from assistant.errors import InteractionConflict, StoreUnavailable, UnknownCustomer
from assistant.models import Chunk, Customer, Fact, Interaction, RejectedRecord
from assistant.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    customer_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    search TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS interactions (
    interaction_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    started_ts REAL NOT NULL,
    content_hash TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_by_customer ON interactions (customer_id, started_ts);
CREATE TABLE IF NOT EXISTS facts (
    fact_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    recorded_ts REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_by_customer ON facts (customer_id, recorded_ts);
CREATE INDEX IF NOT EXISTS facts_by_interaction ON facts (interaction_id);
-- Committed interactions whose facts are not written yet: set with the interaction's row, cleared with its
-- facts, so a run killed between the two leaves a to-do instead of an interaction that never gets facts.
CREATE TABLE IF NOT EXISTS facts_pending (
    interaction_id TEXT PRIMARY KEY
);
-- Contacts whose facts could not be read (a reader bug, a record no rule survives): out of facts_pending, so
-- catch-up never retries them and they hold up no one; read again only on request (release_quarantined) or
-- when the contact itself changes.
CREATE TABLE IF NOT EXISTS facts_quarantine (
    interaction_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    quarantined_ts REAL NOT NULL
);
-- Threading: each contact's signals (the customer's problem, its vector, references) and the case it belongs to.
CREATE TABLE IF NOT EXISTS case_contacts (
    interaction_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_contacts_by_customer ON case_contacts (customer_id);
-- Customers with a contact committed since their cases were last threaded: set with the contact's row, cleared
-- when the threading is written, so a run killed in between re-threads them on the next catch-up.
CREATE TABLE IF NOT EXISTS cases_pending (
    customer_id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS handovers (
    handover_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    to_team TEXT,
    to_agent TEXT,
    state TEXT NOT NULL,
    created_ts REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handovers_by_created ON handovers (created_ts);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Counts every change to the customers table, whichever process makes it: the customer search rebuilds its
-- index when the count moves (a new customer from `rapport ingest` while the server runs, a changed phone).
CREATE TRIGGER IF NOT EXISTS customers_inserted AFTER INSERT ON customers BEGIN
    INSERT INTO meta VALUES ('customers_version', 1)
        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
CREATE TRIGGER IF NOT EXISTS customers_updated AFTER UPDATE ON customers BEGIN
    INSERT INTO meta VALUES ('customers_version', 1)
        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
CREATE TRIGGER IF NOT EXISTS customers_deleted AFTER DELETE ON customers BEGIN
    INSERT INTO meta VALUES ('customers_version', 1)
        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
"""


class QuarantinedContact(BaseModel):
    """A stored contact whose facts could not be read, and why; catch-up leaves it alone until asked."""

    interaction_id: str
    customer_id: str
    reason: str
    since: datetime


@dataclass(frozen=True)
class StoredChunk:
    """A turn window as stored, with its vector (for ranking in memory)."""

    chunk: Chunk
    embedding: np.ndarray


class Store:
    def __init__(self, settings: Settings, *, lazy: bool = False) -> None:
        """With `lazy`, Chroma is opened on the first read or write of turn windows: the catalog alone (customers,
        interactions, facts, stats) needs only SQLite, and importing Chroma takes seconds."""
        self.settings = settings
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # writes: one connection, one writer at a time
        self._db = sqlite3.connect(settings.catalog_path(), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        # Reads go through a connection per thread: on the writer's connection a reader would see a write
        # transaction half-done (a fact re-extraction's DELETE before its INSERTs); WAL gives each its own snapshot.
        self._local = threading.local()
        self._readers: list[tuple[weakref.ref[threading.Thread], sqlite3.Connection]] = []
        self._readers_lock = threading.Lock()  # not the write lock: a reader must not wait for a write
        self._chroma = None if lazy else _open_collection(settings)
        # Bumped on every write for a customer, so per-customer caches know when to refresh.
        self._versions: dict[str, int] = {}
        self._chunk_cache: dict[str, tuple[int, list[StoredChunk]]] = {}

    # ---- writes -------------------------------------------------------------------------
    def upsert_customers(self, customers: Iterable[Customer]) -> int:
        rows = [
            (c.customer_id, c.display_name, _search_text(c), c.model_dump_json())
            for c in customers
        ]
        with self._lock, _transaction(self._db):
            self._db.executemany(
                "INSERT INTO customers VALUES (?,?,?,?) ON CONFLICT(customer_id) DO UPDATE SET "
                "name=excluded.name, search=excluded.search, record=excluded.record "
                "WHERE record != excluded.record",  # the same record again is no change (customers_version)
                rows,
            )
        for cid, *_ in rows:
            self._bump(cid)
        return len(rows)

    def interaction_hashes(self, interaction_ids: Sequence[str]) -> dict[str, str]:
        return {iid: digest for iid, (_, digest) in self.interaction_owners(interaction_ids).items()}

    def interaction_owners(self, interaction_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """interaction_id -> (customer_id, content_hash) of those stored."""
        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(interaction_ids), 500):
            part = list(interaction_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self._read().execute(
                f"SELECT interaction_id, customer_id, content_hash FROM interactions WHERE interaction_id IN ({marks})",
                part,
            ).fetchall()
            out.update((iid, (cid, digest)) for iid, cid, digest in rows)
        return out

    def write_chunks(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Upsert turn windows into Chroma. Ids are stable, so a repeated write changes nothing."""
        if not chunks:
            return
        max_batch = 5000
        for start in range(0, len(chunks), max_batch):
            part = chunks[start : start + max_batch]
            try:
                self._collection.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=embeddings[start : start + len(part)],
                    documents=[c.text for c in part],
                    metadatas=[_chunk_metadata(c, start + i) for i, c in enumerate(part)],
                )
            except Exception as exc:  # noqa: BLE001 - any Chroma failure means the store is unusable
                raise StoreUnavailable(f"cannot write to Chroma: {exc}") from exc

    def commit_interaction(self, interaction: Interaction, content_hash: str, chunk_ids: list[str]) -> None:
        """Record an interaction as stored, after its chunks are in Chroma; drop chunks it no longer has.

        This row is the commit point: a run killed before it re-does the interaction, and the
        stable chunk ids make the redo land on the same records. An id stored under another customer stays
        theirs (InteractionConflict): ingest refuses such a record before this, so only a race gets here.
        """
        with self._lock:
            old = self._db.execute(
                "SELECT customer_id, chunk_ids FROM interactions WHERE interaction_id=?",
                (interaction.interaction_id,),
            ).fetchone()
            if old and old[0] != interaction.customer_id:
                raise InteractionConflict([RejectedRecord(
                    file="<store>", line=1, field="interaction_id",
                    reason=InteractionConflict.reason_for(interaction.interaction_id))])
            stale = sorted(set(json.loads(old[1])) - set(chunk_ids)) if old else []
            if stale:
                self._collection.delete(ids=stale)
            with _transaction(self._db):
                self._db.execute("INSERT OR IGNORE INTO facts_pending VALUES (?)", (interaction.interaction_id,))
                self._db.execute("INSERT OR IGNORE INTO cases_pending VALUES (?)", (interaction.customer_id,))
                # A changed contact is a new record: its facts are read afresh, even if the old one's failed.
                self._db.execute("DELETE FROM facts_quarantine WHERE interaction_id=?", (interaction.interaction_id,))
                self._db.execute(
                    "INSERT INTO interactions VALUES (?,?,?,?,?,?,?) ON CONFLICT(interaction_id) DO UPDATE SET "
                    "customer_id=excluded.customer_id, channel=excluded.channel, started_ts=excluded.started_ts, "
                    "content_hash=excluded.content_hash, chunk_ids=excluded.chunk_ids, record=excluded.record",
                    (
                        interaction.interaction_id, interaction.customer_id, interaction.channel,
                        interaction.started_at.timestamp(), content_hash, json.dumps(chunk_ids),
                        interaction.model_dump_json(),
                    ),
                )
        self._bump(interaction.customer_id)

    def replace_facts(self, customer_id: str, interaction_id: str, facts: Sequence[Fact]) -> None:
        """Facts extracted from one interaction replace that interaction's earlier extraction."""
        with self._lock, _transaction(self._db):
            self._db.execute("DELETE FROM facts WHERE interaction_id=?", (interaction_id,))
            self._db.execute("DELETE FROM facts_pending WHERE interaction_id=?", (interaction_id,))
            self._db.execute("DELETE FROM facts_quarantine WHERE interaction_id=?", (interaction_id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO facts VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        f.fact_id, customer_id, interaction_id, f.kind, f.subject,
                        _recorded_ts(f),
                        f.model_dump_json(),
                    )
                    for f in facts
                ],
            )
        self._bump(customer_id)

    # ---- customer-scoped reads ------------------------------------------------------------
    def customer(self, customer_id: str) -> Customer:
        row = self._read().execute("SELECT record FROM customers WHERE customer_id=?", (customer_id,)).fetchone()
        if row is None:
            if self._has_interactions(customer_id):
                return Customer(customer_id=customer_id)
            raise UnknownCustomer(customer_id)
        return Customer.model_validate_json(row[0])

    def interactions(self, customer_id: str, *, since: datetime | None = None,
                     until: datetime | None = None) -> list[Interaction]:
        """The customer's interactions, oldest first."""
        sql = "SELECT record FROM interactions WHERE customer_id=?"
        args: list[object] = [customer_id]
        if since is not None:
            sql += " AND started_ts>=?"
            args.append(since.timestamp())
        if until is not None:
            sql += " AND started_ts<=?"
            args.append(until.timestamp())
        sql += " ORDER BY started_ts, interaction_id"
        return [Interaction.model_validate_json(r[0]) for r in self._read().execute(sql, args)]

    def interaction(self, customer_id: str, interaction_id: str) -> Interaction | None:
        row = self._read().execute(
            "SELECT record FROM interactions WHERE customer_id=? AND interaction_id=?",
            (customer_id, interaction_id),
        ).fetchone()
        return Interaction.model_validate_json(row[0]) if row else None

    def facts(self, customer_id: str) -> list[Fact]:
        rows = self._read().execute(
            "SELECT record FROM facts WHERE customer_id=? ORDER BY recorded_ts, fact_id", (customer_id,)
        )
        return [Fact.model_validate_json(r[0]) for r in rows]

    def chunks(self, customer_id: str) -> list[StoredChunk]:
        """All of one customer's turn windows with vectors; cached until the customer's next write."""
        version = self._versions.get(customer_id, 0)
        cached = self._chunk_cache.get(customer_id)
        if cached and cached[0] == version:
            return cached[1]
        # By id from the catalog, not by a metadata filter: Chroma's `where` scans (~27 ms at 100k windows, ids
        # ~4 ms), and only committed interactions count, so a half-written ingest is never half-visible.
        rows = self._read().execute(
            "SELECT chunk_ids FROM interactions WHERE customer_id=?", (customer_id,)
        ).fetchall()
        ids = [chunk_id for (listed,) in rows for chunk_id in json.loads(listed)]
        if not ids:
            self._chunk_cache[customer_id] = (version, [])
            return []
        try:
            got = self._collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        except Exception as exc:  # noqa: BLE001
            raise StoreUnavailable(f"cannot read from Chroma: {exc}") from exc
        out = [
            StoredChunk(_chunk_from(cid, doc, meta), np.asarray(emb, dtype=np.float32))
            for cid, doc, meta, emb in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
            if meta.get("customer_id") == customer_id  # belt and braces: never another customer's text
        ]
        out.sort(key=lambda s: (s.chunk.started_at, s.chunk.interaction_id, int(meta_pos(s))))
        self._chunk_cache[customer_id] = (version, out)
        return out

    def version(self, customer_id: str) -> int:
        return self._versions.get(customer_id, 0)

    # ---- catalog-wide (no customer text) --------------------------------------------------
    def all_customers(self) -> list[Customer]:
        """Every customer record, for the customer search (assistant.memory.customer_search), which ranks them in
        memory and rebuilds its index when customers_version() moves."""
        return [Customer.model_validate_json(r[0]) for r in self._read().execute("SELECT record FROM customers")]

    def customers_version(self) -> int:
        """Moves on every change to the customers table, from this process or another (a trigger counts them)."""
        row = self._read().execute("SELECT value FROM meta WHERE key='customers_version'").fetchone()
        return int(row[0]) if row else 0

    def has_interactions(self) -> bool:
        return self._read().execute("SELECT 1 FROM interactions LIMIT 1").fetchone() is not None

    def mark_all_facts_pending(self) -> int:
        """Every stored interaction's facts are to be read again (the fact reader has changed), except the
        quarantined ones (release_quarantined asks for those)."""
        with self._lock, _transaction(self._db):
            return self._db.execute(
                "INSERT OR IGNORE INTO facts_pending SELECT interaction_id FROM interactions "
                "WHERE interaction_id NOT IN (SELECT interaction_id FROM facts_quarantine)").rowcount

    def quarantine_facts(self, interaction: Interaction, reason: str) -> None:
        """The contact's facts could not be read: off the to-do list (so it blocks no one), with the reason."""
        with self._lock, _transaction(self._db):
            self._db.execute("DELETE FROM facts_pending WHERE interaction_id=?", (interaction.interaction_id,))
            self._db.execute(
                "INSERT INTO facts_quarantine VALUES (?,?,?,?) ON CONFLICT(interaction_id) DO UPDATE SET "
                "customer_id=excluded.customer_id, reason=excluded.reason, quarantined_ts=excluded.quarantined_ts",
                (interaction.interaction_id, interaction.customer_id, reason, time.time()),
            )

    def facts_quarantined(self) -> list[QuarantinedContact]:
        rows = self._read().execute(
            "SELECT interaction_id, customer_id, reason, quarantined_ts FROM facts_quarantine "
            "ORDER BY quarantined_ts, interaction_id")
        return [QuarantinedContact(interaction_id=iid, customer_id=cid, reason=reason,
                                   since=datetime.fromtimestamp(ts, UTC)) for iid, cid, reason, ts in rows]

    def release_quarantined(self) -> int:
        """Put every quarantined contact back on the to-do list (someone asked); returns how many."""
        with self._lock, _transaction(self._db):
            self._db.execute("INSERT OR IGNORE INTO facts_pending SELECT interaction_id FROM facts_quarantine")
            return self._db.execute("DELETE FROM facts_quarantine").rowcount

    # ---- cases ----------------------------------------------------------------------------------
    def case_contacts(self, customer_id: str) -> list[tuple[str, str, str, dict]]:
        """(interaction_id, case_id, content_hash the signals were read from, signals record) per contact."""
        rows = self._read().execute(
            "SELECT interaction_id, case_id, content_hash, record FROM case_contacts WHERE customer_id=?",
            (customer_id,))
        return [(iid, case_id, digest, json.loads(record)) for iid, case_id, digest, record in rows]

    def content_hashes(self, customer_id: str) -> dict[str, str]:
        rows = self._read().execute("SELECT interaction_id, content_hash FROM interactions WHERE customer_id=?",
                                    (customer_id,))
        return dict(rows.fetchall())

    def write_cases(self, customer_id: str, contacts: Sequence[tuple[str, str, str, dict]]) -> None:
        """One customer's threading, whole: every contact's case and signals, in one transaction that also takes
        the customer off the to-do list (contacts no longer stored are dropped)."""
        with self._lock, _transaction(self._db):
            self._db.execute("DELETE FROM case_contacts WHERE customer_id=?", (customer_id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO case_contacts VALUES (?,?,?,?,?)",
                [(iid, customer_id, case_id, digest, json.dumps(record)) for iid, case_id, digest, record in contacts])
            self._db.execute("DELETE FROM cases_pending WHERE customer_id=?", (customer_id,))
        self._bump(customer_id)

    def cases_pending(self, limit: int = 1000) -> list[str]:
        return [r[0] for r in self._read().execute("SELECT customer_id FROM cases_pending LIMIT ?", (limit,))]

    def mark_all_cases_pending(self) -> int:
        with self._lock, _transaction(self._db):
            return self._db.execute(
                "INSERT OR IGNORE INTO cases_pending SELECT DISTINCT customer_id FROM interactions").rowcount

    # ---- handovers ------------------------------------------------------------------------------
    def save_handover(self, handover: BaseModel, *, customer_id: str, handover_id: str, to_team: str | None,
                      to_agent: str | None, state: str, created_ts: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO handovers VALUES (?,?,?,?,?,?,?) ON CONFLICT(handover_id) DO UPDATE SET "
                "state=excluded.state, record=excluded.record",
                (handover_id, customer_id, to_team, to_agent, state, created_ts, handover.model_dump_json()))

    def handover_records(self, *, handover_id: str | None = None, to_teams: Sequence[str] | None = None,
                         to_agent: str | None = None, state: str | None = None, limit: int = 200) -> list[str]:
        """Stored handovers (JSON records), newest first; with to_teams/to_agent only those addressed to one of
        them (both None: all), with state only those in it."""
        if handover_id is not None:
            rows = self._read().execute("SELECT record FROM handovers WHERE handover_id=?", (handover_id,))
            return [r[0] for r in rows]
        where, args = [], []
        if to_teams is not None or to_agent is not None:
            teams = list(to_teams or [])
            where.append(f"(to_agent=? OR to_team IN ({','.join('?' * len(teams))}))" if teams else "to_agent=?")
            args += [to_agent or "", *teams]
        if state is not None:
            where.append("state=?")
            args.append(state)
        sql = "SELECT record FROM handovers" + (f" WHERE {' AND '.join(where)}" if where else "")
        rows = self._read().execute(sql + " ORDER BY created_ts DESC LIMIT ?", (*args, limit))
        return [r[0] for r in rows]

    def meta(self, key: str) -> str | None:
        row = self._read().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO meta VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                             (key, value))

    def facts_pending(self, limit: int = 100) -> list[Interaction]:
        """Committed interactions still without their facts, oldest first (for the fact writer to catch up)."""
        rows = self._read().execute(
            "SELECT i.record FROM facts_pending p JOIN interactions i USING (interaction_id) "
            "ORDER BY i.started_ts, i.interaction_id LIMIT ?", (limit,),
        )
        return [Interaction.model_validate_json(r[0]) for r in rows]

    def customer_ids(self) -> list[str]:
        ids = {r[0] for r in self._read().execute("SELECT customer_id FROM customers")}
        ids |= {r[0] for r in self._read().execute("SELECT DISTINCT customer_id FROM interactions")}
        return sorted(ids)

    def stats(self) -> dict[str, object]:
        customers = len(self.customer_ids())
        interactions = self._read().execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
        by_channel = dict(
            self._read().execute("SELECT channel, COUNT(*) FROM interactions GROUP BY channel ORDER BY channel")
        )
        return {
            "customers": customers,
            "interactions": interactions,
            # the committed interactions' chunks, from the catalog (equal to Chroma's count once a killed
            # run is resumed; read here so stats need not open Chroma)
            "chunks": self._read().execute(
                "SELECT COALESCE(SUM(json_array_length(chunk_ids)), 0) FROM interactions").fetchone()[0],
            "by_channel": by_channel,
        }

    @property
    def _collection(self):  # type: ignore[no-untyped-def]
        if self._chroma is None:
            with self._lock:
                if self._chroma is None:
                    self._chroma = _open_collection(self.settings)
        return self._chroma

    def close(self) -> None:
        with self._readers_lock:
            for _, reader in self._readers:
                reader.close()
            self._readers.clear()
        with self._lock:
            self._db.close()

    # ---- internals ------------------------------------------------------------------------
    def _has_interactions(self, customer_id: str) -> bool:
        return self._read().execute(
            "SELECT 1 FROM interactions WHERE customer_id=? LIMIT 1", (customer_id,)
        ).fetchone() is not None

    def _read(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.settings.catalog_path(), check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA query_only=ON")
            self._local.db = db
            with self._readers_lock:  # close the connections of threads that have ended (an ingest's reader)
                alive = []
                for ref, reader in self._readers:
                    thread = ref()
                    if thread is not None and thread.is_alive():
                        alive.append((ref, reader))
                    else:
                        reader.close()
                self._readers = [*alive, (weakref.ref(threading.current_thread()), db)]
        return db

    def _bump(self, customer_id: str) -> None:
        with self._lock:
            self._versions[customer_id] = self._versions.get(customer_id, 0) + 1


def _recorded_ts(fact: Fact) -> float:
    when = fact.recorded_at or fact.valid_from
    return when.timestamp() if when else 0.0


def meta_pos(stored: StoredChunk) -> int:
    return int(stored.chunk.chunk_id.rsplit(":", 2)[-2]) if stored.chunk.chunk_id.count(":") >= 2 else 0


def _search_text(c: Customer) -> str:
    return " ".join(
        x for x in (c.customer_id, c.name or "", c.contact.email or "", (c.contact.phone or "").replace(" ", "")) if x
    ).lower()


def _chunk_metadata(c: Chunk, position: int) -> dict[str, str | int | float | bool]:
    return {
        "customer_id": c.customer_id,
        "interaction_id": c.interaction_id,
        "channel": c.channel,
        "started_at": c.started_at.isoformat(),
        "started_ts": c.started_at.timestamp(),
        "turn_ids": json.dumps(c.turn_ids),
        "speakers": json.dumps(c.speakers),
    }


def _chunk_from(chunk_id: str, document: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        interaction_id=meta["interaction_id"],
        customer_id=meta["customer_id"],
        channel=meta["channel"],
        started_at=datetime.fromisoformat(meta["started_at"]),
        turn_ids=json.loads(meta["turn_ids"]),
        speakers=json.loads(meta["speakers"]),
        text=document,
    )


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _open_collection(settings: Settings):  # type: ignore[no-untyped-def]
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=url.port or 8000,
                ssl=url.scheme == "https", settings=chroma_settings,
            )
            client.heartbeat()
        else:
            client = chromadb.PersistentClient(path=str(Path(settings.store_dir) / "chroma"), settings=chroma_settings)
        # No embedding function: Chroma's default one downloads a model. Rapport always passes vectors.
        return client.get_or_create_collection(
            settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
    except Exception as exc:  # noqa: BLE001
        where = settings.chroma_url or settings.store_dir
        raise StoreUnavailable(f"cannot open the Chroma store at {where}: {exc}") from exc
