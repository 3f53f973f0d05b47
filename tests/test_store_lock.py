"""One writer per store: a running server (or a CLI write command) holds the store's writer lock, other processes'
writes refuse with what to do instead, reads keep working, and a lock left by a killed process is stale.
The tests marked slow start the real server process (gradio, the embedding model)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from test_server_process import _free_port, _start, _token
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import StoreInUse
from assistant.facade import Assistant
from assistant.settings import Settings
from assistant.store_lock import HOLDER_FILE, SERVER, Holder, WriterLock, current_holder

REPO = Path(__file__).resolve().parents[1]
HOLD = ("import sys, time\nfrom assistant.store_lock import WriterLock\n"
        "WriterLock.claim(sys.argv[1], sys.argv[2], url=sys.argv[3] or None)\n"
        "print('held', flush=True)\ntime.sleep(600)")
CLI = "from assistant.cli import main; main()"


def _holder_process(store: Path, command: str = SERVER, url: str = "http://127.0.0.1:7999") -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(store), command, url], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held", proc.stderr.read()  # type: ignore[union-attr]
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def _contact(customer_id: str, iid: str, text: str) -> dict[str, object]:
    return {"interaction_id": iid, "customer_id": customer_id, "channel": "chat", "started_at": "2026-11-16T10:00:00Z",
            "turns": [{"speaker": "agent", "text": "Hello, how can I help today?"},
                      {"speaker": "customer", "text": text}]}


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_while_a_server_holds_the_store_write_commands_refuse_and_reads_work(tmp_path, monkeypatch, embedder):
    store = tmp_path / "store"
    server = _holder_process(store)
    try:
        monkeypatch.setenv("RAPPORT_STORE_DIR", str(store))
        calls = _write_jsonl(tmp_path / "calls.jsonl", [_contact("cust-ada", "ada-1", "My card was swallowed.")])
        runner = CliRunner()
        for command in (["ingest", str(calls)], ["demo"], ["refresh-facts"], ["refresh-facts", "--quarantined"]):
            refused = runner.invoke(app, command)
            assert refused.exit_code != 0 and isinstance(refused.exception, StoreInUse), (command, refused.output)
            message = str(refused.exception)
            assert f"pid {server.pid}" in message and "http://127.0.0.1:7999" in message, message
            assert "POST /api/interactions" in message and "stop the server" in message, message

        with pytest.raises(StoreInUse, match="cannot ingest: .* in use by a Rapport server"):  # the Python API too
            Assistant(Settings(store_dir=store), embedder=embedder).ingest(calls)
        stats = runner.invoke(app, ["stats", "--json"])  # reading is no write: it works beside the server
        assert stats.exit_code == 0 and json.loads(stats.output)["interactions"] == 0  # and nothing was written
        holder = current_holder(store)
        assert holder is not None and holder.pid == server.pid and holder.url == "http://127.0.0.1:7999"
    finally:
        _stop(server)


def test_a_lock_left_by_a_killed_process_is_stale_and_replaced(tmp_path, monkeypatch):
    store = tmp_path / "store"
    dead = _holder_process(store)
    dead.send_signal(signal.SIGKILL)
    dead.wait(timeout=30)
    left = Holder.model_validate_json((store / HOLDER_FILE).read_text())
    assert left.pid == dead.pid and left.command == SERVER  # what a kill -9 leaves behind
    assert current_holder(store) is None

    monkeypatch.setenv("RAPPORT_STORE_DIR", str(store))
    calls = _write_jsonl(tmp_path / "calls.jsonl", [_contact("cust-ada", "ada-1", "My card was swallowed.")])
    done = CliRunner().invoke(app, ["ingest", str(calls)])
    assert done.exit_code == 0 and "ingested 1 interactions" in done.output, done.output
    assert not (store / HOLDER_FILE).exists()  # the command let go when it finished

    with WriterLock.claim(store, SERVER, url="http://127.0.0.1:7860"):
        mine = Holder.model_validate_json((store / HOLDER_FILE).read_text())
        assert mine.pid == os.getpid() and mine.url == "http://127.0.0.1:7860"
        assert mine.since is not None and abs((datetime.now(UTC) - mine.since).total_seconds()) < 60
    assert not (store / HOLDER_FILE).exists()


def test_a_write_command_in_progress_keeps_a_server_from_starting(tmp_path):
    store = tmp_path / "store"
    ingest = _holder_process(store, "rapport ingest", url="")
    try:
        with pytest.raises(StoreInUse) as refused:
            WriterLock.claim(store, SERVER, url="http://127.0.0.1:7860")
        message = str(refused.value)
        assert message.startswith("cannot start a server:") and f"`rapport ingest` (pid {ingest.pid}" in message
        assert "wait for it to finish" in message
        with pytest.raises(StoreInUse, match="cannot run `rapport ingest`"):  # nor a second write command
            WriterLock.claim(store, "rapport ingest")
    finally:
        _stop(ingest)
    WriterLock.claim(store, SERVER).release()  # free again once the command has ended


def test_a_server_lets_go_of_the_store_at_a_clean_exit(tmp_path):
    store = tmp_path / "store"
    script = ("import sys\nfrom assistant.server import claim_store\nfrom assistant.settings import Settings\n"
              "claim_store(Settings(store_dir=sys.argv[1]))\nprint(open(sys.argv[1] + '/writer.json').read())")
    ran = subprocess.run([sys.executable, "-c", script, str(store)], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "GRADIO_SERVER_PORT": "7123"}, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert Holder.model_validate_json(ran.stdout).url == "http://127.0.0.1:7123"
    assert not (store / HOLDER_FILE).exists()


# ---- the real server ----------------------------------------------------------------------------------------------
NEW = {  # customer -> what they told us, a question only that contact answers, and what the answer must say
    "cust-ines-moreau": ("My new debit card arrived with my maiden name on it.", "What was wrong with the new card?",
                         "maiden name"),
    "cust-tom-baker": ("The cash machine on Kings Road kept my card last night.", "What happened at the cash machine?",
                       "Kings Road"),
    "cust-ravi-shah": ("I want to move my savings into a fixed rate bond.", "What does he want to do with savings?",
                       "fixed rate bond"),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    store = tmp_path_factory.mktemp("served") / "store"
    headers = {"Authorization": f"Bearer {_token(store)}"}
    proc, url = _start(store)
    try:
        yield store, url, headers, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def _cli(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAPPORT_STORE_DIR": str(store), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_cli_ingest_while_the_server_runs_is_refused_and_every_new_customer_is_then_served(served, tmp_path):
    store, url, headers, proc = served
    seed = _contact("cust-old-hand", "old-1", "I lost my wallet on the train yesterday.")
    assert httpx.post(f"{url}/api/interactions", headers=headers, json=seed, timeout=120).status_code == 201

    def ask_old() -> None:
        old = httpx.post(f"{url}/api/customers/cust-old-hand/ask", headers=headers, timeout=60,
                         json={"question": "What did they lose on the train?"})
        assert old.status_code == 200 and "old-1" in {c["interaction_id"] for c in old.json()["citations"]}

    ask_old()  # the server has read its index: on today's code a CLI ingest now left it 503 for every new customer

    customers = [{"customer_id": cid, "name": cid.removeprefix("cust-").replace("-", " ").title()} for cid in NEW]
    contacts = [_contact(cid, f"{cid}-1", said) for cid, (said, _, _) in NEW.items()]
    refused = _cli(store, "ingest", str(_write_jsonl(tmp_path / "new.jsonl", contacts)),
                   "--customers", str(_write_jsonl(tmp_path / "new-customers.jsonl", customers)))
    assert refused.returncode == 2, (refused.returncode, refused.stdout, refused.stderr[-2000:])
    assert f"in use by a Rapport server (pid {proc.pid}, {url}" in refused.stderr, refused.stderr[-2000:]
    assert "POST /api/interactions" in refused.stderr

    for cid in NEW:  # nothing of it was written, and the server still answers for the customers it had
        assert httpx.get(f"{url}/api/customers/{cid}", headers=headers, timeout=30).status_code == 404
    ask_old()

    # What the refusal says to do: send the same records to the server. Then every new customer is served.
    assert httpx.post(f"{url}/api/customers", headers=headers, json=customers, timeout=120).status_code == 201
    sent = httpx.post(f"{url}/api/interactions", headers=headers, json=contacts, timeout=300)
    assert sent.status_code == 201 and sent.json()["ingested"] == len(NEW), sent.text
    for cid, (_, question, says) in NEW.items():
        answer = httpx.post(f"{url}/api/customers/{cid}/ask", headers=headers, json={"question": question},
                            timeout=60)
        assert answer.status_code == 200, (cid, answer.text)  # before the fix: 503 "Error finding id"
        body = answer.json()
        assert says in body["text"] and {c["interaction_id"] for c in body["citations"]} == {f"{cid}-1"}, (cid, body)

    listed = _cli(store, "stats", "--json")  # read-only commands beside the running server see what it stored
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert json.loads(listed.stdout)["interactions"] == 1 + len(NEW)
    cid, (_, question, says) = next(iter(NEW.items()))
    asked = _cli(store, "ask", cid, question)
    assert asked.returncode == 0 and says in asked.stdout, (asked.stdout, asked.stderr[-2000:])


@pytest.mark.slow
def test_a_second_server_refuses_to_start_and_the_first_lets_go_at_sigterm(tmp_path):
    store = tmp_path / "store"
    proc, url = _start(store)
    port = _free_port()
    env = {**os.environ, "RAPPORT_STORE_DIR": str(store), "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1"}
    second = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, text=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while second.poll() is None and time.monotonic() < deadline:
            try:
                started = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                started = False
            assert not started, "a second server started on a store another server holds"
            time.sleep(0.5)
        assert second.poll() not in (None, 0)
        said = second.stderr.read()  # type: ignore[union-attr]
        assert f"cannot start a server: the store {store.resolve()} is in use by a Rapport server (pid {proc.pid}, " \
               f"{url}" in said, said[-2000:]
        assert httpx.get(f"{url}/api/health", timeout=5).status_code == 200  # the first one is undisturbed

        assert Holder.model_validate_json((store / HOLDER_FILE).read_text()).pid == proc.pid
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM  # a clean shutdown, not a default kill
        assert not (store / HOLDER_FILE).exists() and current_holder(store) is None
    finally:
        _stop(second)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
