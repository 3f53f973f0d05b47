"""run_ingest: load → validate → redact → chunk → embed → upsert, resumable, with a closing line of counts.

Commit protocol: a batch's chunks go to Chroma first, then each interaction's SQLite row
(store.commit_interaction) records it as stored with a content hash. A run killed at any point
re-does only the interactions without a matching row, and stable chunk ids make the redo land
on the same records, so the store ends exactly as after an uninterrupted run.

Duplicate interaction ids within one run: the first record wins; later ones are rejected (and go to
the rejects file), so nothing is silently overwritten by a copy further down the same export.
The same holds for customers. An interaction id already stored under another customer is rejected too: an
id belongs to its customer. With all_or_nothing (REST ingest), every record is checked before anything is
written, and one refused record refuses the request (RecordsRejected, or InteractionConflict).

Speed: embedding is the cost, so the cores should never wait for anything else. Three stages overlap: a
reader thread parses, validates, redacts and chunks the next batches while batch N is embedded (the ONNX
runs release the GIL) and a writer thread stores batch N-1. Batch N+1's embedding starts before batch N's
ends, so the cores do not idle while N's last run finishes or N+1 is tokenised. The first batch is small
so embedding starts at once, and identical texts are embedded once per run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from assistant.embedding import Embedder, VectorCache
from assistant.errors import InputError, InteractionConflict, RecordsRejected
from assistant.models import Chunk, Customer, IngestReport, Interaction, RejectedRecord
from assistant.settings import Settings
from assistant.store import Store
from ingest.chunking import CHUNK_FORMAT, chunks_for
from ingest.loaders import Format, RawRecord, Sources, in_memory, read_records, resolve_format, sources
from ingest.redaction import Redactor, redact_customer, redact_interaction
from ingest.rejects import reasons_path, write_rejects
from ingest.validation import AcceptedYears, RecordLimits, rejected_at, validate_customer, validate_interaction

FIRST_BATCH_CHUNKS = 64  # small, so the embedder starts while the reader is still parsing
COMMIT_CHUNKS = 512  # chunks embedded and committed together; small enough that the last write is short
HASH_LOOKUP = 256  # interactions whose stored hashes are fetched in one query
EMBED_AHEAD = 1  # batches whose embedding starts while an earlier batch's is still running
VECTOR_CACHE = 20_000  # distinct chunk texts remembered per run (~30 MB), so repeats are embedded once


class IngestSummary(IngestReport):
    """IngestReport plus the closing line the CLI prints."""

    summary: str = ""


@dataclass
class _Pending:
    interaction: Interaction
    digest: str
    chunks: list[Chunk]


def content_hash(interaction: Interaction, settings: Settings, embedder: Embedder) -> str:
    """Of the redacted record and everything that shapes its chunks, so a re-chunk or new model re-does it."""
    record = json.dumps(interaction.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    shape = (f"{CHUNK_FORMAT}/{settings.chunk_turns}/{settings.chunk_overlap}/{settings.chunk_max_words}/"
             f"{embedder.name}/{embedder.dim}")
    return hashlib.sha256(f"{shape}\n{record}".encode()).hexdigest()


def summary_line(report: IngestReport) -> str:
    line = (
        f"Ingested {report.ingested} interactions ({report.turns:,} turns, {report.chunks:,} chunks), "
        f"{report.unchanged} unchanged, {report.rejected} rejected, {report.customers} customers "
        f"in {report.seconds:.1f} s: {report.turns_per_second:,.0f} turns/s"
    )
    return line + (f"; rejects in {report.rejects_file} (why: {report.reasons_file})" if report.rejects_file else "")


def run_ingest(store: Store, embedder: Embedder, settings: Settings, interactions: Any,
               customers: Any = None, *, format: Format = None, progress: bool = False,
               on_committed: Callable[[list[Interaction]], object] | None = None,
               all_or_nothing: bool = False) -> IngestSummary:
    """Ingest interactions (a path, paths, or dicts/Interaction objects) and optionally customers.

    on_committed receives each batch of (redacted) interactions once it is committed. With all_or_nothing,
    nothing is written unless every record is accepted; otherwise RecordsRejected (InteractionConflict when
    an id belongs to another customer) lists the refused ones.
    """
    started = time.perf_counter()
    report = IngestSummary()
    run = _Run(store, embedder, settings, report, Redactor(settings.phone_regions) if settings.redact_pii else None)
    interaction_sources, customer_sources = sources(interactions), sources(customers)
    for path in interaction_sources.files + customer_sources.files:  # fail before anything is written
        if not path.is_file():
            raise InputError("no such file", file=str(path))
    for path in interaction_sources.files:
        resolve_format(path, format)
    for path in customer_sources.files:
        if resolve_format(path, None) != "jsonl":
            raise InputError("customers are read from JSONL (one customer per line)", file=str(path))
    try:
        if all_or_nothing:
            run.check(_records(customer_sources, None, run), _records(interaction_sources, format, run))
        run.customers(_records(customer_sources, None, run))
        total = _count_records(interaction_sources) if progress else None
        with tqdm(total=total, unit="interaction", desc="ingest", disable=not progress, leave=False) as bar:
            run.bar = bar
            run.interactions(_records(interaction_sources, format, run), on_committed)
            bar.refresh()  # the final count, even when the run beat the bar's refresh interval
    finally:
        written = [p for p in (write_rejects(path, run.refused.get(path, [])) for path in run.read_fully) if p]
        report.rejects_file = "; ".join(str(p) for p in written) or None
        report.reasons_file = "; ".join(str(reasons_path(p)) for p in written) or None
        report.seconds = time.perf_counter() - started
        report.summary = summary_line(report)
    return report


def _records(given: Sources, format: Format, run: _Run) -> Iterator[tuple[Path | None, RawRecord]]:
    for path in given.files:
        for raw in read_records(path, format):
            yield path, raw
        run.read_fully.append(path)
    if given.records is not None:
        for raw in in_memory(given.records):
            yield None, raw


def _count_records(given: Sources) -> int | None:
    """For the progress bar: one interaction per non-blank JSONL line; a CSV's rows are not interactions."""
    if any(p.suffix.lower() == ".csv" for p in given.files):
        return None
    total = len(given.records or [])
    for path in given.files:
        with path.open("rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


class _Run:
    def __init__(self, store: Store, embedder: Embedder, settings: Settings, report: IngestReport,
                 redactor: Redactor | None) -> None:
        self.store, self.embedder, self.settings, self.report, self.redactor = (
            store, embedder, settings, report, redactor)
        self.refused: dict[Path, list[tuple[RawRecord, list[RejectedRecord]]]] = {}
        self.read_fully: list[Path] = []
        self.bar: tqdm | None = None  # set while interactions are read
        self.years = AcceptedYears.of(settings)
        # REST checks its own, lower limits before the records get here
        self._validate_interaction = functools.partial(validate_interaction, years=self.years,
                                                       limits=RecordLimits.for_ingest(settings))
        self.conflicts = 0  # records refused because their interaction id belongs to another customer
        self._vectors = VectorCache(embedder, VECTOR_CACHE)

    def reject(self, source: Path | None, raw: RawRecord, errors: list[RejectedRecord]) -> None:
        self.report.rejected += 1
        self._advance(1)
        self.report.errors.extend(errors)
        if source is not None:
            self.refused.setdefault(source, []).append((raw, errors))

    def check(self, customers: Iterator[tuple[Path | None, RawRecord]],
              interactions: Iterator[tuple[Path | None, RawRecord]]) -> None:
        """All or nothing: every record is validated (and its id checked against the store) before anything is
        written; one refused record raises RecordsRejected, or InteractionConflict when an id is another's."""
        for _ in self._valid(customers, functools.partial(validate_customer, years=self.years), "customer_id"):
            pass
        valid = self._valid(interactions, self._validate_interaction, "interaction_id")
        for _ in self._owned(valid):
            pass
        if self.report.errors:
            raise (InteractionConflict if self.conflicts else RecordsRejected)(self.report.errors)
        self.read_fully = []  # the files are read again to be written

    def _valid(self, records: Iterator[tuple[Path | None, RawRecord]], validate: Callable[[RawRecord], Any],
               key: str) -> Iterator[tuple[Path | None, RawRecord, Any]]:
        """Validated records with where they came from; invalid ones and later duplicates of an id are rejected."""
        first_seen: dict[str, RawRecord] = {}
        for source, raw in records:
            result = validate(raw)
            if isinstance(result, list):
                self.reject(source, raw, result)
                continue
            record_id = getattr(result, key)
            if record_id in first_seen:
                first = first_seen[record_id]
                self.reject(source, raw, [RejectedRecord(
                    file=raw.file, line=raw.line, field=key,
                    reason=f"duplicate '{record_id}' (first at {first.file} line {first.line}, which is kept)")])
                continue
            first_seen[record_id] = raw
            yield source, raw, result

    def _owned(self, valid: Iterator[tuple[Path | None, RawRecord, Interaction]]
               ) -> Iterator[list[tuple[Interaction, str | None]]]:
        """Groups of valid interactions with the content hash stored for their id (None: new). One whose id is
        stored under another customer is rejected: the id is theirs, and its contact stays with them."""
        for group in _groups(valid, HASH_LOOKUP):
            stored = self.store.interaction_owners([i.interaction_id for _, _, i in group])
            kept: list[tuple[Interaction, str | None]] = []
            for source, raw, interaction in group:
                owner, digest = stored.get(interaction.interaction_id, (interaction.customer_id, None))
                if owner != interaction.customer_id:
                    self.conflicts += 1
                    reason = InteractionConflict.reason_for(interaction.interaction_id)
                    self.reject(source, raw, [rejected_at(raw, ("interaction_id",), reason)])
                    continue
                kept.append((interaction, digest))
            yield kept

    def _advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)
            self.bar.set_postfix_str(f"{self.report.turns:,} turns", refresh=False)

    # ---- customers ------------------------------------------------------------------------------
    def customers(self, records: Iterator[tuple[Path | None, RawRecord]]) -> None:
        batch: list[Customer] = []
        for _, _, customer in self._valid(records, functools.partial(validate_customer, years=self.years),
                                          "customer_id"):
            batch.append(redact_customer(customer, self.redactor) if self.redactor else customer)
            if len(batch) >= 1000:
                self.report.customers += self.store.upsert_customers(batch)
                batch = []
        if batch:
            self.report.customers += self.store.upsert_customers(batch)

    # ---- interactions ---------------------------------------------------------------------------
    def interactions(self, records: Iterator[tuple[Path | None, RawRecord]],
                     on_committed: Callable[[list[Interaction]], object] | None) -> None:
        embedding: deque[tuple[Future[np.ndarray], list[_Pending]]] = deque()
        in_flight: list[tuple[Future[None], list[_Pending]]] = []  # the one commit the writer may be doing

        def settle() -> None:
            while in_flight:
                self._finish(*in_flight.pop(), on_committed)

        batches = _read_ahead(self._batches(records))
        with (ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapport-ingest-writer") as writer,
              ThreadPoolExecutor(max_workers=EMBED_AHEAD + 1, thread_name_prefix="rapport-ingest-embed") as embedder):
            try:
                while True:
                    for batch in itertools.islice(batches, EMBED_AHEAD + 1 - len(embedding)):
                        chunks = [c for p in batch for c in p.chunks]
                        embedding.append((embedder.submit(self._embed, chunks), batch))
                    if not embedding:
                        break
                    vectors, batch = embedding.popleft()
                    vectors = vectors.result()  # batches are committed in the order they were read
                    settle()
                    in_flight.append((writer.submit(self._commit, batch, vectors), batch))
            except BaseException:
                for queued, _ in embedding:  # batches not started are dropped; one already running ends
                    queued.cancel()
                # A commit already under way lands; report it (and hand it to on_committed) before raising.
                with contextlib.suppress(Exception):
                    settle()
                raise
            finally:
                batches.close()  # the reader thread stops now, not when the traceback is collected
            settle()

    def _batches(self, records: Iterator[tuple[Path | None, RawRecord]]) -> Iterator[list[_Pending]]:
        batch: list[_Pending] = []
        size, first_done = 0, False
        valid = self._valid(records, self._validate_interaction, "interaction_id")
        for group in self._owned(valid):
            if self.redactor is not None:
                group = [(redact_interaction(i, self.redactor), stored) for i, stored in group]
            for interaction, stored in group:
                digest = content_hash(interaction, self.settings, self.embedder)
                if stored == digest:
                    self.report.unchanged += 1
                    self._advance(1)
                    continue
                chunks = chunks_for(interaction, self.settings)
                batch.append(_Pending(interaction, digest, chunks))
                size += len(chunks)
                if size >= (COMMIT_CHUNKS if first_done else FIRST_BATCH_CHUNKS):
                    yield batch
                    batch, size, first_done = [], 0, True
        if batch:
            yield batch

    def _embed(self, chunks: list[Chunk]) -> np.ndarray:
        """Each distinct text once per run, in one call (the embedder batches and length-sorts it)."""
        return self._vectors.embed([c.text for c in chunks])

    def _commit(self, batch: list[_Pending], vectors: np.ndarray) -> None:
        """Runs on the writer thread: chunks first, then the rows that make them count."""
        self.store.write_chunks([c for p in batch for c in p.chunks], vectors)
        for pending in batch:
            self.store.commit_interaction(pending.interaction, pending.digest, [c.chunk_id for c in pending.chunks])

    def _finish(self, future: Future[None], batch: list[_Pending],
                on_committed: Callable[[list[Interaction]], object] | None) -> None:
        future.result()  # a failed write raises here, in the caller's thread
        self.report.ingested += len(batch)
        self.report.chunks += sum(len(p.chunks) for p in batch)
        self.report.turns += sum(len(p.interaction.turns) for p in batch)
        self._advance(len(batch))
        if on_committed is not None:
            on_committed([p.interaction for p in batch])


def _groups(items: Iterator[Any], size: int, first: int = 4) -> Iterator[list[Any]]:
    """Groups of `size`, the first only `first` long so the first batch is ready quickly."""
    group: list[Any] = []
    for item in items:
        group.append(item)
        if len(group) >= first:
            yield group
            group, first = [], size
    if group:
        yield group


_DONE = object()


def _read_ahead(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """Runs the generator on a thread, up to `depth` items ahead; its exceptions are raised here, in order.
    If the consumer stops early, the thread is told to stop at its next item."""
    ahead: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        """False once the consumer has stopped: every put, the end marker's too, must be able to give up, or a
        consumer that failed while the queue was full would wait for this thread for ever."""
        while not stop.is_set():
            try:
                ahead.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put((_DONE, exc))

    thread = threading.Thread(target=produce, name="rapport-ingest-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ahead.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()
