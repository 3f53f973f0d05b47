"""Request-scoped dependencies: the shared services and the caller, authenticated by a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.limits import IngestWorkers
from assistant.auth import User, Users, require
from assistant.review import ReviewQueue
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.facade import Assistant


@dataclass
class Services:
    """What the API and the UI share: one Assistant, the users file, the review queue."""

    settings: Settings
    assistant: Assistant
    users: Users
    reviews: ReviewQueue
    notices: list[str] = field(default_factory=list)  # shown on screen, e.g. "demo data loaded"
    ingests: IngestWorkers | None = None  # REST ingests run here; built from settings when not given

    def __post_init__(self) -> None:
        if self.ingests is None:
            self.ingests = IngestWorkers(self.settings.ingest_workers, self.settings.ingest_queue)

    @property
    def ingest_workers(self) -> IngestWorkers:
        assert self.ingests is not None  # set in __post_init__
        return self.ingests


_bearer = HTTPBearer(
    auto_error=False,
    description="An API token: `rapport users token NAME` prints one (only its SHA-256 is stored).",
)


def services(request: Request) -> Services:
    return request.app.state.services


def caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> User:
    return services(request).users.authenticate_bearer(credentials.credentials if credentials else None)


def allow(action: str) -> Callable[[User], User]:
    """A dependency that yields the caller if their role may do `action` (401/403 otherwise)."""

    def check(user: User = Depends(caller)) -> User:
        return require(user, action)

    return check
