"""The real app (UI + REST) on 127.0.0.1 for the browser tests, headless Chromium, and logging in: started and
stopped here once, so each browser test file says only what its store holds and who logs in."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from assistant.api.deps import Services
    from assistant.facade import Assistant

CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
START_S = 90  # how long the server may take to start on a loaded machine
USERS = {"ann": "agent", "sam": "supervisor", "dev": "developer", "bob": "agent", "cat": "agent"}  # name -> role
TEAMS = """teams:
  - name: card team
    description: lost, stolen, blocked or damaged debit and credit cards, card payments declined
    agents: [bob]
  - name: savings team
    description: savings accounts, pots, ISAs, interest and transfers into savings
    agents: [cat]
"""


def password(name: str) -> str:
    """Every browser test user's password (invented, only ever in a temporary store)."""
    return f"{name}-browser-password"


@dataclass(frozen=True)
class LiveApp:
    url: str
    services: Services
    assistant: Assistant
    folder: Path


@contextmanager
def live_app(folder: Path, embedder: Any, users: Mapping[str, str], *, teams: str | None = None) -> Iterator[LiveApp]:
    """The app over a store in `folder` (the demo data loaded, every handover queued for review), one user per
    name -> role with password(name), the teams file `teams` if given; served until the block ends."""
    import uvicorn

    from assistant.auth import add_user
    from assistant.facade import Assistant
    from assistant.server import create_app
    from assistant.settings import Settings

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    teams_file = None
    if teams is not None:
        teams_file = folder / "teams.yaml"
        teams_file.write_text(teams, encoding="utf-8")
    settings = Settings(store_dir=folder / "store", handover_review="all",
                        **({"teams_file": teams_file} if teams_file else {}))
    for name, role in users.items():
        add_user(settings, name, role, password=password(name))
    assistant = Assistant(settings, embedder=embedder)
    app = create_app(settings, assistant)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_S
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        yield LiveApp(f"http://127.0.0.1:{port}/", app.state.services, assistant, folder)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assistant.close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(browser: Any, url: str, name: str, *, before: Callable[[Any], None] | None = None,
           **context: Any) -> Any:
    """A fresh browser context (`context`: Playwright's new_context options) logged in as `name`, on the desk;
    `before(page)` runs first (init scripts, request listeners)."""
    page = browser.new_context(viewport=VIEWPORT, **context).new_page()
    page.set_default_timeout(60_000)
    if before is not None:
        before(page)
    page.goto(url)
    page.fill("input[type=text]", name)
    page.fill("input[type=password]", password(name))
    page.keyboard.press("Enter")
    page.wait_for_selector("#customer-results")
    page.wait_for_selector("#rp-header .rp-role")
    return page
