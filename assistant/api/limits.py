"""What keeps one request from costing the others: a cap on body size (413 before the body is read whole) and a
bounded pool that runs REST ingests off the request threads."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import Busy

T = TypeVar("T")


class BodyTooLarge(HTTPException):
    """Raised from receive() once a streamed body passes the limit: an HTTPException, so FastAPI's body reader
    passes it on as the 413 it is (anything else it turns into a 400); the middleware catches any that escape."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, detail=[{"type": "too_large", "loc": ["body"], "msg": _message(max_bytes, None)}],
                         headers={"Connection": "close"})


def _message(max_bytes: int, declared: int | None) -> str:
    size = f"{declared:,} bytes" if declared is not None else "more than that"
    return (f"request body over the limit of {max_bytes:,} bytes (RAPPORT_MAX_REQUEST_BYTES; got {size}); "
            "send fewer records per request, or use `rapport ingest` for bulk loads")


class BodySizeLimit:
    """Pure ASGI middleware for /api: a declared Content-Length over the limit is refused at once, and a body sent
    without one (chunked) is counted as it arrives and refused the moment it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefix: str = "/api") -> None:
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, int(declared))
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, None)

    async def _refuse(self, send: Send, declared: int | None) -> None:
        from fastapi.responses import JSONResponse

        msg = _message(self.max_bytes, declared)
        response = JSONResponse({"detail": [{"type": "too_large", "loc": ["body"], "msg": msg}],
                                 "error": "RequestTooLarge"}, status_code=413, headers={"Connection": "close"})
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class IngestWorkers:
    """REST ingests run here, `workers` at a time with up to `queue` waiting, never on the threads that answer
    greetings and questions; past that, Busy (503 with Retry-After). A slot is freed when its ingest ends, even
    if the client stopped waiting for it."""

    def __init__(self, workers: int, queue: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rapport-rest-ingest")
        self._slots = threading.BoundedSemaphore(workers + queue)
        self.workers, self.queue = workers, queue

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        if not self._slots.acquire(blocking=False):
            raise Busy(f"{self.workers} ingest(s) running and {self.queue} waiting (RAPPORT_INGEST_WORKERS, "
                       "RAPPORT_INGEST_QUEUE); try again shortly")
        try:
            future = self._pool.submit(work, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
