"""The app's composition root: one FastAPI server with the REST API (/api, OpenAPI at /docs) and the Gradio UI
(/) beside it, sharing one Assistant, the users file and the review queue."""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import signal
import sys
import time
from pathlib import Path

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api import install_error_handlers, router
from assistant.api.deps import Services
from assistant.api.limits import BodySizeLimit
from assistant.auth import Users
from assistant.errors import InputError
from assistant.facade import Assistant
from assistant.review import ReviewQueue
from assistant.settings import Settings
from assistant.store_lock import SERVER, WriterLock

log = logging.getLogger("rapport")
DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860


def load_demo_if_empty(assistant: Assistant) -> str | None:
    """An empty store gets the bundled demo data; returns the on-screen notice, or None if nothing was loaded."""
    stats = assistant.stats()
    if stats.get("customers") or stats.get("interactions"):
        return None
    report = assistant.ingest(DEMO_DIR / "interactions.jsonl", customers=DEMO_DIR / "customers.jsonl")
    return (f"The store was empty, so the bundled demo data was loaded ({report.customers} customers, "
            f"{report.ingested} contacts). These are invented customers, not real ones.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(settings: Settings, assistant: Assistant | None = None, *, users: Users | None = None,
               reviews: ReviewQueue | None = None, ui: bool = True, demo_data: bool = True,
               host: str = DEFAULT_HOST) -> FastAPI:
    """Build everything; tests pass their own Assistant (and may leave the UI or the demo data out)."""
    if settings.demo_mode and not is_loopback(host):
        raise InputError(f"demo mode serves on 127.0.0.1 only, not {host}", field="GRADIO_SERVER_NAME")
    assistant = assistant or Assistant(settings)
    svc = Services(settings=settings, assistant=assistant, users=users or Users.from_settings(settings),
                   reviews=reviews or ReviewQueue.from_settings(settings))
    if demo_data and (notice := load_demo_if_empty(assistant)):
        svc.notices.append(notice)
        log.warning(notice)
    if settings.demo_mode:
        _announce_demo_accounts(svc)
    elif svc.users.is_empty():
        print("No users yet: nobody can log in. Create one with `rapport users add NAME --role agent` "
              "(roles: agent, supervisor, developer, service).", file=sys.stderr)

    app = FastAPI(
        title="Rapport API",
        description="Agent assist that remembers the customer. Authenticate with `Authorization: Bearer <token>` "
                    "(`rapport users token NAME`). The agent desk UI is at /.",
        version="0.1.0", docs_url="/docs", redoc_url=None,
    )
    app.state.services = svc
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(ContentSecurityPolicy)
    install_error_handlers(app)
    app.include_router(router)
    if ui:
        from assistant.ui import mount_ui  # gradio is heavy: only when the UI is served

        mount_ui(app, svc)
    return app


# Nothing is loaded from anywhere but the app itself. Gradio's page runs inline scripts and the UI's js= handlers
# through Function() ('unsafe-inline', 'unsafe-eval'), and its components set inline styles; data:/blob: are the
# images and fonts Gradio builds in the page. Customer text never reaches a sink unescaped (assistant/ui/render.py):
# this is the second line, so that a slip can neither fetch nor post anywhere.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
       "worker-src 'self' blob:; frame-src 'self'; form-action 'self'; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'")
# /docs is FastAPI's Swagger UI, which loads its script and style from a CDN (and its icon from FastAPI's site);
# it shows the OpenAPI schema, never customer data.
DOCS_CDN, DOCS_ICON = "https://cdn.jsdelivr.net", "https://fastapi.tiangolo.com"
DOCS_CSP = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; style-src 'self' 'unsafe-inline' "
            f"{DOCS_CDN}; img-src 'self' data: {DOCS_ICON}; connect-src 'self'; form-action 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


class ContentSecurityPolicy:
    """Pure ASGI middleware (streams pass through untouched): every HTTP response carries the app's CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = (DOCS_CSP if scope["path"].startswith("/docs") else CSP).encode()

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                message = {**message, "headers": [*headers, (b"content-security-policy", policy)]}
            await send(message)

        await self.app(scope, receive, with_policy)


def _announce_demo_accounts(svc: Services) -> None:
    accounts = svc.users.add_demo_accounts()
    svc.notices.append("DEMO MODE: local demo accounts are active on this machine only. Not for real customers.")
    lines = ["", "=" * 72, "  DEMO MODE: local demo accounts (this run only, 127.0.0.1 only)"]
    lines += [f"    {name:<18} password: {password}" for name, password in accounts.items()]
    lines += ["=" * 72, ""]
    print("\n".join(lines), file=sys.stderr, flush=True)


def bind_address() -> tuple[str, int]:
    """127.0.0.1:7860 unless GRADIO_SERVER_NAME / GRADIO_SERVER_PORT say otherwise."""
    return os.environ.get("GRADIO_SERVER_NAME", DEFAULT_HOST), int(os.environ.get("GRADIO_SERVER_PORT", DEFAULT_PORT))


def claim_store(settings: Settings) -> WriterLock:
    """Before anything opens the store: this server becomes its one writer, or refuses to start (StoreInUse) when
    another server or a CLI write command has it. Let go at exit; a server killed outright leaves a stale
    writer.json that the next claim replaces."""
    host, port = bind_address()
    lock = WriterLock.claim(settings.store_dir, SERVER, url=f"http://{host}:{port}")
    atexit.register(lock.release)  # after the interpreter has waited for the ingest workers (see _exit_soon)
    return lock


def serve(app: FastAPI, settings: Settings, lock: WriterLock | None = None) -> None:
    """Run the app on bind_address(); `lock` (claim_store) is let go once the work in flight has stopped."""
    import uvicorn

    host, port = bind_address()
    if settings.demo_mode and not is_loopback(host):
        raise InputError(f"demo mode serves on 127.0.0.1 only, not {host}", field="GRADIO_SERVER_NAME")
    print(f"Rapport: http://{host}:{port}/ (API docs: http://{host}:{port}/docs)", file=sys.stderr, flush=True)
    # uvicorn shuts down gracefully on SIGTERM, then raises it again for the handler it found: let that one be a
    # SystemExit, so the ingest workers get their grace and atexit lets go of the store (not a default kill).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning",
                    timeout_graceful_shutdown=settings.shutdown_timeout_s)
    finally:
        _exit_soon(EXIT_GRACE_S, lock)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


EXIT_GRACE_S = 2.0


def _exit_soon(grace_s: float, lock: WriterLock | None = None) -> None:
    """uvicorn has stopped (requests in flight got shutdown_timeout_s), but a worker thread may still be mid-ingest,
    and the interpreter would wait for it without end. Give it grace_s, then exit: stopping there is no worse than
    the kill -9 the store already survives (an ingest is resumable; a cut-off request was never answered)."""
    import threading

    def force() -> None:
        time.sleep(grace_s)
        log.warning("work still running %.0f s after shutdown; exiting anyway", grace_s)
        sys.stderr.flush()
        if lock is not None:
            lock.release()  # os._exit skips atexit; the work it cuts off is resumable (above)
        os._exit(0)

    threading.Thread(target=force, name="rapport-exit", daemon=True).start()
