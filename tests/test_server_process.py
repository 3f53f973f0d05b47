"""The real server process (`python app.py`): no demo data unless asked, and SIGTERM ends it within a bound even
with a long request in flight. Slow: each test starts the server (gradio, the embedding model)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.auth import add_user, create_token
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(store: Path, *args: str, shutdown_s: float = 3.0) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "RAPPORT_STORE_DIR": str(store), "GRADIO_SERVER_PORT": str(port),
           "RAPPORT_SHUTDOWN_TIMEOUT_S": str(shutdown_s), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "app.py", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError("the server did not start in 180 s")


def _token(store: Path) -> str:
    settings = Settings(store_dir=store)
    add_user(settings, "sam", "supervisor", password="sam's long password")
    return create_token(settings, "sam").token  # type: ignore[return-value]


def _long_batch(n: int = 400) -> list[dict[str, object]]:
    text = "I moved house last month and my new card still has not arrived, can you check the address please?"
    return [{"interaction_id": f"slow-{i}", "customer_id": f"cust-slow-{i % 40}", "channel": "chat",
             "started_at": "2026-11-16T10:00:00Z",
             "turns": [{"speaker": "customer" if t % 2 else "agent", "text": f"{text} ({i}.{t})"} for t in range(12)]}
            for i in range(n)]


def test_without_demo_an_empty_store_stays_empty_and_sigterm_ends_a_long_request(tmp_path):
    store = tmp_path / "store"
    headers = {"Authorization": f"Bearer {_token(store)}"}
    proc, url = _start(store, shutdown_s=3.0)
    try:
        assert httpx.get(f"{url}/api/customers", headers=headers, timeout=30).json() == []  # no invented customers

        outcome: list[object] = []

        def slow() -> None:
            try:
                outcome.append(httpx.post(f"{url}/api/interactions", headers=headers, json=_long_batch(),
                                          timeout=300).status_code)
            except httpx.HTTPError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=slow, daemon=True)
        sender.start()
        time.sleep(3)
        assert not outcome, f"the batch should still be ingesting, got {outcome}"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        try:
            proc.wait(timeout=3.0 + 2.0 + 5)
        except subprocess.TimeoutExpired:
            raise AssertionError("SIGTERM did not stop the server within its shutdown bound") from None
        took = time.monotonic() - sent
        assert took < 3.0 + 2.0 + 5, took  # shutdown_timeout_s, then at most EXIT_GRACE_S, a margin for CI
        print(f"SIGTERM to exit: {took:.1f} s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_flag_loads_the_demo_customers(tmp_path):
    store = tmp_path / "store"
    headers = {"Authorization": f"Bearer {_token(store)}"}
    proc, url = _start(store, "--demo")
    try:
        customers = httpx.get(f"{url}/api/customers", headers=headers, timeout=30).json()
        assert len(customers) == 12
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
