"""Logging in to the UI, and who is asking: every handler looks the role up per request (gr.Request.username)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import anyio
import gradio as gr

from assistant.api.deps import Services
from assistant.auth import User, Users, require
from assistant.errors import Forbidden, RapportError
from assistant.ui.render import esc

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

CREATE_USER_HINT = "rapport users add NAME --role agent"


_login_client: ContextVar[str | None] = ContextVar("login_client", default=None)


class LoginClientAddress:
    """ASGI middleware: Gradio's auth callable gets no request, so the client address of a POST /login is handed
    to it here; failed logins are then capped per address as well as per name."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _login_client.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _login_client.reset(token)


def auth_check(users: Users) -> Callable[[str, str], Any]:
    """Gradio's auth= callable. bcrypt is slow on purpose, so it runs off the event loop."""

    async def check(username: str, password: str) -> bool:
        ok = await anyio.to_thread.run_sync(users.verify_password, username, password, _login_client.get())
        if ok is None:
            log.warning("failed login for %r", username)
        return ok is not None

    return check


def auth_message(demo: bool) -> str:
    """The login page's note. Static (set when the UI mounts), so it never claims there are no users."""
    hint = (f"No account yet? An administrator creates one on the server: <code>{CREATE_USER_HINT}</code> "
            "(roles: agent, supervisor, developer; it prints a one-time password).")
    if demo:
        return ("<b>Demo mode.</b> The demo accounts (demo-agent, demo-supervisor, demo-developer) and their "
                f"one-time passwords are printed in the server console. {hint}")
    return f"Sign in with your Rapport account. {hint}"


def session_user(svc: Services, request: gr.Request | None, action: str | None = None) -> User:
    """The logged-in user, re-read from the users file on every call (a removed user loses access at once)."""
    user = svc.users.get(getattr(request, "username", None))
    if user is None:
        raise gr.Error("Your session is no longer valid. Log in again.", title="Signed out")
    if action is not None:
        require(user, action)
    return user


def guarded(fn: F) -> F:
    """Domain errors become a readable message in the UI instead of a stack trace."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Forbidden as exc:
            raise gr.Error(esc(f"Not allowed: {exc}."), title="Not allowed") from exc
        except RapportError as exc:
            raise gr.Error(esc(exc), title="Cannot do that") from exc  # toasts render HTML; a message may quote input

    return wrapper  # type: ignore[return-value]


def header_html(user: User | None, notices: list[str]) -> str:
    who = ""
    if user is not None:
        demo = '<span class="rp-demo">DEMO ACCOUNT · local only</span>' if user.demo else ""
        who = (f'{demo}<span>Signed in as <b>{esc(user.name)}</b></span><span class="rp-role">{esc(user.role)}</span>'
               '<a href="/docs" target="_blank">API</a><a href="/logout">Log out</a>')
    notes = "".join(f'<div class="rp-notice">{esc(n)}</div>' for n in notices)
    return (f'<div class="rp-header"><span class="rp-brand">Rapport<small>remembers the customer</small></span>'
            f'<span class="rp-spacer"></span>{who}</div>{notes}')
