"""Who may use Rapport: users with one role each, bcrypt password hashes and SHA-256 API-token hashes.

The users file (settings.resolved_users_file(), JSON, mode 0600) never holds a secret in the clear. Nothing
is shipped: the first user is created with `rapport users add NAME --role agent` (add_user below).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import bcrypt
from pydantic import BaseModel, Field, model_validator

from assistant.errors import AuthError, Forbidden, InputError
from assistant.models import utcnow
from assistant.settings import Settings

log = logging.getLogger(__name__)

Role = Literal["agent", "supervisor", "developer", "service"]
ROLES: tuple[str, ...] = ("agent", "supervisor", "developer", "service")
HUMAN_ROLES: tuple[str, ...] = ("agent", "supervisor", "developer")  # "service" is token-only, no UI login

# What each role may do; the UI and the REST API both check these, per request.
# Ingest is for the contact-centre platform (a service token) and supervisors: an agent's token cannot
# write into any customer's history. Only supervisors decide reviews; only developers run the prompt lab.
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"agent", "supervisor", "developer", "service"}),  # customers, facts, drafts, ask
    "ingest": frozenset({"service", "supervisor"}),
    "handover": frozenset({"agent", "supervisor", "service"}),  # draft a handover into the review queue
    "feedback": frozenset({"agent", "supervisor", "developer"}),
    "review.read": frozenset({"supervisor", "developer"}),
    "review.decide": frozenset({"supervisor"}),
    "golden.export": frozenset({"supervisor", "developer"}),
    "lab": frozenset({"developer"}),
}

# What an API token may do on top of its user's role: "ingest" feeds interactions and customers in (and the facts
# status/refresh), "read" is every other action (customers, contact details, drafts, ask, reviews...). A token
# may do an action only if its role allows it and the token carries that action's scope.
Scope = Literal["ingest", "read"]
SCOPES: tuple[str, ...] = ("ingest", "read")
_ACTION_SCOPE: dict[str, str] = {"ingest": "ingest"}  # every other action needs "read"


def scope_of(action: str) -> str:
    return _ACTION_SCOPE.get(action, "read")


def default_scopes(role: str) -> list[str]:
    """A new token's scopes when none are asked for: a service ingests only (it feeds contacts in and reads
    nothing back unless given "read" explicitly); a person's token can do what their role can."""
    if role == "service":
        return ["ingest"]
    return [s for s in SCOPES if any(role in PERMISSIONS[a] and scope_of(a) == s for a in PERMISSIONS)]


TOKEN_PREFIX = "rpt_"
MIN_PASSWORD = 12
_BCRYPT_MAX_BYTES = 72  # bcrypt ignores (bcrypt 5 refuses) anything longer


class TokenRecord(BaseModel):
    token_id: str
    sha256: str
    label: str = ""
    created_at: datetime
    # None only in users files written before scopes: read as the role's default scopes (User below).
    scopes: list[Scope] | None = None
    expires_at: datetime | None = None  # refused (401) from then on; None: until revoked

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class User(BaseModel):
    name: str
    role: Role
    password_hash: str | None = None
    tokens: list[TokenRecord] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    demo: bool = False  # an in-memory demo account (demo mode, 127.0.0.1 only); never written to the file
    # The scopes of the API token this request came with; None for a UI session (the role alone decides).
    token_scopes: frozenset[str] | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _scoped_tokens(self) -> User:
        """Tokens stored before scopes existed get their role's default scopes: a service's become ingest-only."""
        for token in self.tokens:
            if token.scopes is None:
                token.scopes = default_scopes(self.role)  # type: ignore[assignment]
        return self

    def can(self, action: str) -> bool:
        if self.role not in PERMISSIONS[action]:
            return False
        return self.token_scopes is None or scope_of(action) in self.token_scopes


class NewCredentials(BaseModel):
    """What add_user / set_password / create_token return: shown once, never stored in the clear."""

    name: str
    role: Role
    password: str | None = None
    token: str | None = None


def allowed(role: str | None, action: str) -> bool:
    return role is not None and role in PERMISSIONS[action]


def require(user: User | None, action: str) -> User:
    """The user, if logged in and their role allows the action; AuthError or Forbidden otherwise."""
    if user is None:
        raise AuthError("not logged in")
    if user.role not in PERMISSIONS[action]:
        raise Forbidden(f"role '{user.role}' may not {action.replace('.', ' ')}")
    if not user.can(action):
        raise Forbidden(f"this API token lacks the '{scope_of(action)}' scope needed to {action.replace('.', ' ')}")
    return user


def hash_password(password: str) -> str:
    _check_password(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_MAX_TRACKED = 10_000  # names and addresses with recent failed logins kept in memory


@dataclass
class _Attempts:
    """Password checks for one name or one client address: failures counted, checks running, lockout."""

    failures: int = 0
    running: int = 0
    locked_until: float = 0.0
    since: float = 0.0  # when the first counted failure happened (an address's count lapses after lockout_s)


class Users:
    """The users file, re-read when it changes on disk (so `rapport users ...` applies to a running server)."""

    def __init__(self, path: Path, *, max_failures: int = 5, max_address_failures: int = 20,
                 lockout_s: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.max_failures, self.max_address_failures = max_failures, max_address_failures
        self.lockout_s, self._clock = lockout_s, clock
        self._attempts: dict[tuple[str, str], _Attempts] = {}  # ("name"|"addr", value) -> its attempts
        self.checked = 0  # passwords actually checked (not refused by a lockout): what guessing costs
        self._lock = threading.RLock()
        self._mtime: float | None = None
        self._users: dict[str, User] = {}
        self._by_token: dict[str, str] = {}
        self._demo: dict[str, User] = {}
        _dummy_hash()  # now, so the first wrong name is no faster to refuse than the next

    @classmethod
    def from_settings(cls, settings: Settings) -> Users:
        return cls(settings.resolved_users_file(), max_failures=settings.login_max_failures,
                   max_address_failures=settings.login_max_failures_per_address,
                   lockout_s=settings.login_lockout_minutes * 60)

    # ---- lookups ------------------------------------------------------------------------
    def get(self, name: str | None) -> User | None:
        if not name:
            return None
        self._refresh()
        return self._demo.get(name) or self._users.get(name)

    def all(self) -> list[User]:
        self._refresh()
        return sorted([*self._users.values(), *self._demo.values()], key=lambda u: u.name)

    def is_empty(self) -> bool:
        return not self.all()

    def verify_password(self, name: str, password: str, client: str | None = None) -> User | None:
        """The user, or None. After max_failures wrong passwords in a row a name is refused, even with the right
        password, for lockout_s: guessing is capped at a few tries per quarter hour. Unknown names count too, so
        a lockout does not reveal which names exist. A client address (when given) is capped the same way at
        max_address_failures across all names. A check running counts against the cap before it ends, so
        parallel attempts cannot all slip in before the first failure is counted."""
        keys = [("name", name, self.max_failures)]
        if client:
            keys.append(("addr", client, self.max_address_failures))
        if not self._admit(keys):
            bcrypt.checkpw(b"timing", _dummy_hash())
            log.warning("login refused for %r from %s: locked out after failed attempts", name, client or "?")
            return None
        ok: User | None = None
        try:
            user = self.get(name)
            raw = password.encode()
            if user is None or user.password_hash is None or user.role not in HUMAN_ROLES:
                bcrypt.checkpw(b"timing", _dummy_hash())  # same cost whether or not the name exists
            elif len(raw) <= _BCRYPT_MAX_BYTES and bcrypt.checkpw(raw, user.password_hash.encode()):
                ok = user
        finally:
            self._settle(keys, ok is not None)
        return ok

    def locked(self, name: str) -> bool:
        return self._locked(("name", name))

    def address_locked(self, client: str) -> bool:
        return self._locked(("addr", client))

    def _locked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            a = self._attempts.get(key)
            return a is not None and a.locked_until > self._clock()

    def _admit(self, keys: list[tuple[str, str, int]]) -> bool:
        """One step under the lock: refuse if any key is locked or already has its cap of failures and running
        checks; otherwise reserve a running check on every key."""
        with self._lock:
            now = self._clock()
            found = [self._attempts.setdefault((kind, value), _Attempts()) for kind, value, _ in keys]
            for (kind, _, cap), a in zip(keys, found, strict=True):
                if a.locked_until and a.locked_until <= now:  # a lockout ended: the count starts again
                    a.failures, a.locked_until = 0, 0.0
                if kind == "addr" and a.failures and now - a.since > self.lockout_s:
                    a.failures = 0
                if a.locked_until > now or a.failures + a.running >= cap:
                    return False
            for a in found:
                a.running += 1
            self.checked += 1
            return True

    def _settle(self, keys: list[tuple[str, str, int]], success: bool) -> None:
        with self._lock:
            now = self._clock()
            for kind, value, cap in keys:
                a = self._attempts[(kind, value)]
                a.running -= 1
                if success:
                    if kind == "name":  # a success clears the name; an address keeps its count
                        a.failures = 0
                else:
                    if a.failures == 0:
                        a.since = now
                    a.failures += 1
                    if a.failures >= cap:  # locked; the count starts again when the lockout ends
                        a.failures, a.locked_until = 0, now + self.lockout_s
                if not (a.failures or a.running or a.locked_until > now):
                    del self._attempts[(kind, value)]
            if len(self._attempts) > _MAX_TRACKED:  # names sprayed at random must not grow this without end
                for stale in list(self._attempts)[: _MAX_TRACKED // 10]:
                    a = self._attempts[stale]
                    if not a.running and a.locked_until <= now:
                        del self._attempts[stale]

    def _token(self, token: str) -> tuple[User, TokenRecord] | None:
        self._refresh()
        digest = hash_token(token)
        name = self._by_token.get(digest)
        user = self.get(name) if name else None
        if user is None:
            return None
        # The dict lookup found it; compare in constant time anyway before trusting it.
        record = next((t for t in user.tokens if hmac.compare_digest(t.sha256, digest)), None)
        return (user, record) if record is not None else None

    def user_for_token(self, token: str | None) -> User | None:
        """The token's user, carrying the token's scopes; None for an unknown or expired token."""
        found = self._token(token) if token else None
        if found is None or found[1].expired(utcnow()):
            return None
        user, record = found
        return user.model_copy(update={"token_scopes": frozenset(record.scopes or ())})

    def authenticate_bearer(self, token: str | None) -> User:
        user = self.user_for_token(token)
        if user is None:
            if token and (found := self._token(token)) is not None and found[1].expired(utcnow()):
                raise AuthError(f"API token '{found[1].token_id}' expired at {found[1].expires_at:%Y-%m-%dT%H:%MZ}")
            raise AuthError("missing or unknown API token" if token else "missing API token")
        return user

    # ---- demo accounts ------------------------------------------------------------------
    def add_demo_accounts(self) -> dict[str, str]:
        """One clearly labelled in-memory account per human role, random password; name -> password."""
        out: dict[str, str] = {}
        with self._lock:
            for role in HUMAN_ROLES:
                name, password = f"demo-{role}", secrets.token_urlsafe(12)
                self._demo[name] = User(name=name, role=role, password_hash=hash_password(password), demo=True)
                out[name] = password
        return out

    # ---- file ---------------------------------------------------------------------------
    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime == self._mtime:
            return
        with self._lock:
            users = _read(self.path)
            self._users = users
            self._by_token = {t.sha256: u.name for u in users.values() for t in u.tokens}
            self._mtime = mtime


@functools.cache
def _dummy_hash() -> bytes:
    """Checked against for a name without a password, so a wrong name costs what a wrong password does. Made
    when a Users is (not at import: `rapport stats` has no login to time, and a hash costs ~0.3 s)."""
    return bcrypt.hashpw(b"timing", bcrypt.gensalt())


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    if len(password.encode()) > _BCRYPT_MAX_BYTES:
        raise InputError(f"a password may have at most {_BCRYPT_MAX_BYTES} bytes", field="password")


def _check_name(name: str) -> None:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise InputError("a user name is 1-64 letters, digits or . _ - @", field="name")
    if name.startswith("demo-"):
        raise InputError("names starting with 'demo-' are kept for demo mode", field="name")


def _read(path: Path) -> dict[str, User]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        return {name: User.model_validate({**rec, "name": name}) for name, rec in data.get("users", {}).items()}
    except (ValueError, AttributeError) as exc:
        raise InputError(f"cannot read the users file: {exc}", file=str(path)) from exc


def _write(path: Path, users: dict[str, User]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"users": {n: u.model_dump(mode="json", exclude={"name", "demo"}) for n, u in sorted(users.items())}}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


_file_lock = threading.Lock()


@contextlib.contextmanager
def _edit(settings: Settings) -> Iterator[dict[str, User]]:
    """Read-modify-write the users file under a lock; yields the dict to change."""
    path = settings.resolved_users_file()
    with _file_lock:
        users = _read(path)
        yield users
        _write(path, users)


def _known(users: dict[str, User], name: str) -> User:
    if name not in users:
        raise InputError(f"no user '{name}'", field="name")
    return users[name]


def _new_token(user: User, label: str, scopes: list[str] | None = None, expires_at: datetime | None = None) -> str:
    scopes = default_scopes(user.role) if not scopes else sorted(set(scopes))
    for scope in scopes:
        if scope not in SCOPES:
            raise InputError(f"a token scope is one of {', '.join(SCOPES)}, not '{scope}'", field="scope")
    if expires_at is not None and expires_at <= utcnow():
        raise InputError("a token's expiry must be in the future", field="expires_at")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user.tokens.append(
        TokenRecord(token_id=secrets.token_hex(4), sha256=hash_token(token), label=label, created_at=utcnow(),
                    scopes=scopes, expires_at=expires_at)  # type: ignore[arg-type]
    )
    return token


# ---- user management: the functions behind `rapport users ...` -----------------------------
def add_user(settings: Settings, name: str, role: str, password: str | None = None) -> NewCredentials:
    """Create a user. Humans get a password (generated if none is given); a service gets an API token."""
    _check_name(name)
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not '{role}'", field="role")
    with _edit(settings) as users:
        if name in users:
            raise InputError(f"user '{name}' already exists", field="name")
        user = User(name=name, role=role)  # type: ignore[arg-type]
        creds = NewCredentials(name=name, role=user.role)
        if role == "service":
            creds.token = _new_token(user, "created with the user")
        else:
            creds.password = password or secrets.token_urlsafe(12)
            user.password_hash = hash_password(creds.password)
        users[name] = user
    return creds


def remove_user(settings: Settings, name: str) -> None:
    with _edit(settings) as users:
        _known(users, name)
        del users[name]


def set_role(settings: Settings, name: str, role: str) -> None:
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not '{role}'", field="role")
    with _edit(settings) as users:
        user = _known(users, name)
        if role == "service" and user.password_hash:
            user.password_hash = None  # a service never logs in to the UI
        user.role = role  # type: ignore[assignment]


def set_password(settings: Settings, name: str, password: str | None = None) -> NewCredentials:
    with _edit(settings) as users:
        user = _known(users, name)
        if user.role == "service":
            raise InputError("a service account has no password; create a token instead", field="name")
        new = password or secrets.token_urlsafe(12)
        user.password_hash = hash_password(new)
    return NewCredentials(name=name, role=user.role, password=new)


def create_token(settings: Settings, name: str, label: str = "", *, scopes: list[str] | None = None,
                 expires_at: datetime | None = None) -> NewCredentials:
    """A new API token for the user (scopes: default_scopes(role) unless given; no expiry unless given); only
    its SHA-256 is kept, so it is shown this once."""
    with _edit(settings) as users:
        user = _known(users, name)
        token = _new_token(user, label, scopes, expires_at)
    return NewCredentials(name=name, role=user.role, token=token)


def revoke_tokens(settings: Settings, name: str, token_id: str | None = None) -> int:
    """Revoke one token (by id) or all of a user's tokens; returns how many went."""
    with _edit(settings) as users:
        user = _known(users, name)
        before = len(user.tokens)
        user.tokens = [t for t in user.tokens if token_id is not None and t.token_id != token_id]
        gone = before - len(user.tokens)
    if token_id is not None and gone == 0:
        raise InputError(f"user '{name}' has no token '{token_id}'", field="token_id")
    return gone


def list_users(settings: Settings) -> list[dict[str, object]]:
    """Name, role, creation time and token ids/labels: never a hash."""
    return [
        {
            "name": u.name, "role": u.role, "created_at": u.created_at.isoformat(), "password": bool(u.password_hash),
            "tokens": [{"token_id": t.token_id, "label": t.label, "created_at": t.created_at.isoformat(),
                        "scopes": t.scopes, "expires_at": t.expires_at.isoformat() if t.expires_at else None}
                       for t in u.tokens],
        }
        for u in sorted(_read(settings.resolved_users_file()).values(), key=lambda u: u.name)
    ]
