"""The store's one writer. A running server (or a CLI command that writes) holds an OS lock on `writer.lock` in the
store folder and says who it is in `writer.json` beside it (pid, URL, start time), so no other process writes to
the embedded store behind its back: its in-memory Chroma index would not know the new records ("Error finding id").
The OS lets go of the lock when its holder dies, so a `writer.json` left by a killed process is stale and ignored."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError

from assistant.errors import StoreInUse

LOCK_FILE, HOLDER_FILE = "writer.lock", "writer.json"
SERVER = "server"  # Holder.command of a running server; a CLI command says its own name ("rapport ingest")
CLAIM_WAIT_S = 1.0  # a claim waits this long: another process's check (current_holder) holds the lock for an instant


class Holder(BaseModel):
    """Who holds a store's writer lock, as they wrote it in writer.json."""

    pid: int | None = None
    command: str = "another process"
    url: str | None = None
    since: datetime | None = None

    def describe(self) -> str:
        what = "a Rapport server" if self.command == SERVER else f"`{self.command}`"
        details = [f"pid {self.pid}" if self.pid else "", self.url or "",
                   f"since {self.since:%Y-%m-%d %H:%M} UTC" if self.since else ""]
        shown = ", ".join(d for d in details if d)
        return f"{what} ({shown})" if shown else what


_held: dict[Path, WriterLock] = {}  # the stores this process holds: its own writes need no lock of their own
_held_guard = threading.Lock()


class WriterLock:
    """This process's hold on a store as its one writer; `claim` it, `release` it (both idempotent to call twice)."""

    def __init__(self, store_dir: Path, lock: FileLock, holder: Holder) -> None:
        self.store_dir, self.holder = store_dir, holder
        self._lock = lock
        self._released = False
        self._guard = threading.Lock()

    @classmethod
    def claim(cls, store_dir: str | Path, command: str, *, url: str | None = None, doing: str | None = None,
              wait_s: float = CLAIM_WAIT_S) -> WriterLock:
        """Become the store's one writer, or raise StoreInUse saying who is and what to do instead of `doing`."""
        folder = Path(store_dir).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / LOCK_FILE, timeout=wait_s, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            doing = doing or ("start a server" if command == SERVER else f"run `{command}`")
            raise in_use(folder, _read_holder(folder), doing, by_server=command == SERVER) from None
        holder = Holder(pid=os.getpid(), command=command, url=url, since=datetime.now(UTC))
        written = folder / f".{HOLDER_FILE}.{os.getpid()}"
        written.write_text(holder.model_dump_json(indent=2) + "\n", encoding="utf-8")
        os.replace(written, folder / HOLDER_FILE)  # a reader sees the old file or the new one, never half of one
        claimed = cls(folder, lock, holder)
        with _held_guard:
            _held[folder] = claimed
        return claimed

    def release(self) -> None:
        """Remove writer.json and let go of the lock: what a clean shutdown or the end of a command does."""
        with self._guard:
            if self._released:
                return
            self._released = True
            with _held_guard:
                _held.pop(self.store_dir, None)
            if _read_holder(self.store_dir) == self.holder:
                (self.store_dir / HOLDER_FILE).unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def current_holder(store_dir: str | Path) -> Holder | None:
    """Who else is the store's writer now; None when nobody is (whatever a dead process left) or this process is."""
    folder = Path(store_dir).resolve()
    if folder in _held or not folder.is_dir():
        return None
    lock = FileLock(folder / LOCK_FILE, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        return _read_holder(folder) or Holder()  # held, but its writer.json is not written yet (or was removed)
    lock.release()
    return None


def refuse_if_held(store_dir: str | Path, doing: str) -> None:
    """Raise StoreInUse when another process is the store's writer (a check before writing from here)."""
    if (holder := current_holder(store_dir)) is not None:
        raise in_use(Path(store_dir), holder, doing)


def in_use(store_dir: Path, holder: Holder | None, doing: str, *, by_server: bool = False) -> StoreInUse:
    """The error that says who holds the store and what to do instead of `doing` (by_server: a server starting)."""
    holder = holder or Holder()
    why = f"cannot {doing}: the store {store_dir} is in use by {holder.describe()}"
    if holder.command != SERVER:
        return StoreInUse(f"{why}; wait for it to finish, then try again")
    if by_server:
        return StoreInUse(f"{why}; use that server, or stop it first (two servers on one store would each write "
                          "behind the other's back)")
    return StoreInUse(
        f"{why}, and writing to it from here would go behind the server's back. Send the data to the server "
        "instead (POST /api/interactions, /api/customers or /api/facts/refresh with an ingest token: `rapport "
        "users token NAME --scope ingest`), or stop the server, run this again, then start the server.")


def _read_holder(folder: Path) -> Holder | None:
    try:
        return Holder.model_validate_json((folder / HOLDER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None
