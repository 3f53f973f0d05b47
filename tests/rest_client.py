"""A REST client over an Assistant the tests built: one user and token per role. Not a test module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from assistant.auth import add_user, create_token
from assistant.server import create_app

ROLES = ("agent", "supervisor", "developer", "service")


def role_tokens(settings: Any) -> dict[str, str]:
    """One user per role ("agent-1", ...) and a bearer token for each."""
    tokens = {}
    for role in ROLES:
        add_user(settings, f"{role}-1", role)
        tokens[role] = create_token(settings, f"{role}-1").token
    return tokens


@contextmanager
def rest(settings: Any, assistant: Any) -> Iterator[Callable[..., Any]]:
    """Yields call(method, path, role="agent", **kw) -> the response; role None sends no token."""
    tokens = role_tokens(settings)
    app = create_app(settings, assistant, ui=False, demo_data=False)
    with TestClient(app) as client:

        def call(method: str, path: str, role: str | None = "agent", **kw: Any) -> Any:
            headers = {**({"Authorization": f"Bearer {tokens[role]}"} if role else {}), **kw.pop("headers", {})}
            return client.request(method, path, headers=headers, **kw)

        yield call
