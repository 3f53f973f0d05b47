"""Users, roles, bcrypt passwords and SHA-256 API tokens: nothing secret is ever stored in the clear."""

from __future__ import annotations

import hashlib
import json
import stat
import time

import pytest

from assistant import auth
from assistant.auth import Users, add_user, create_token, list_users, remove_user, require, revoke_tokens
from assistant.errors import AuthError, Forbidden, InputError
from assistant.settings import Settings


@pytest.fixture()
def cfg(tmp_path) -> Settings:
    return Settings(store_dir=tmp_path / "store")


def test_add_user_stores_only_a_bcrypt_hash(cfg):
    creds = add_user(cfg, "alice", "agent", password="correct horse battery")
    path = cfg.resolved_users_file()
    raw = path.read_text()
    assert "correct horse battery" not in raw
    record = json.loads(raw)["users"]["alice"]
    assert record["role"] == "agent" and record["password_hash"].startswith("$2b$")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert creds.password == "correct horse battery" and creds.token is None


def test_generated_password_logs_in_and_wrong_ones_do_not(cfg):
    creds = add_user(cfg, "bob", "supervisor")
    users = Users.from_settings(cfg)
    assert creds.password and len(creds.password) >= 12
    assert users.verify_password("bob", creds.password).role == "supervisor"
    assert users.verify_password("bob", creds.password + "x") is None
    assert users.verify_password("nobody", creds.password) is None
    assert users.verify_password("bob", "x" * 100) is None  # longer than bcrypt's 72 bytes: refused, not truncated


def test_service_accounts_get_a_token_hashed_at_rest_and_cannot_log_in(cfg):
    creds = add_user(cfg, "contact-centre", "service")
    assert creds.password is None and creds.token.startswith(auth.TOKEN_PREFIX)
    raw = cfg.resolved_users_file().read_text()
    assert creds.token not in raw
    assert hashlib.sha256(creds.token.encode()).hexdigest() in raw
    users = Users.from_settings(cfg)
    assert users.user_for_token(creds.token).name == "contact-centre"
    assert users.user_for_token(creds.token + "x") is None
    assert users.verify_password("contact-centre", "anything at all") is None


def test_tokens_can_be_created_and_revoked_and_a_running_server_sees_it(cfg):
    add_user(cfg, "carol", "agent", password="a long enough password")
    users = Users.from_settings(cfg)
    token = create_token(cfg, "carol", label="laptop").token
    assert users.authenticate_bearer(token).name == "carol"
    [listed] = list_users(cfg)
    assert listed["tokens"][0]["label"] == "laptop" and "sha256" not in json.dumps(listed)
    assert revoke_tokens(cfg, "carol") == 1
    with pytest.raises(AuthError):
        users.authenticate_bearer(token)
    with pytest.raises(AuthError):
        users.authenticate_bearer(None)


def test_removed_user_is_gone_at_once(cfg):
    add_user(cfg, "dave", "agent", password="a long enough password")
    users = Users.from_settings(cfg)
    assert users.get("dave") is not None
    remove_user(cfg, "dave")
    assert users.get("dave") is None


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [("eve", "admin", None), ("eve", "agent", "short"), ("demo-agent", "agent", None), ("bad name", "agent", None),
     ("eve", "agent", "x" * 80)],
)
def test_bad_user_input_is_an_input_error(cfg, name, role, password):
    with pytest.raises(InputError):
        add_user(cfg, name, role, password=password)


def test_duplicate_and_unknown_users(cfg):
    add_user(cfg, "frank", "developer", password="a long enough password")
    with pytest.raises(InputError, match="already exists"):
        add_user(cfg, "frank", "agent")
    with pytest.raises(InputError, match="no user"):
        remove_user(cfg, "ghost")


def test_no_users_file_means_no_users_and_no_default_credentials(cfg):
    users = Users.from_settings(cfg)
    assert users.is_empty()
    assert users.verify_password("admin", "admin") is None


def test_demo_accounts_live_in_memory_only(cfg):
    users = Users.from_settings(cfg)
    accounts = users.add_demo_accounts()
    assert set(accounts) == {"demo-agent", "demo-supervisor", "demo-developer"}
    assert users.verify_password("demo-supervisor", accounts["demo-supervisor"]).demo
    assert not cfg.resolved_users_file().exists()


def test_role_permissions():
    agent, supervisor, developer, service = (auth.User(name=r, role=r) for r in auth.ROLES)
    assert require(supervisor, "review.decide") is supervisor
    for user in (agent, developer, service):
        with pytest.raises(Forbidden):
            require(user, "review.decide")
    assert developer.can("lab") and not agent.can("lab") and not supervisor.can("lab")
    assert service.can("ingest") and not agent.can("ingest")
    assert all(u.can("read") for u in (agent, supervisor, developer, service))
    with pytest.raises(AuthError):
        require(None, "read")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_wrong_passwords_lock_the_name_for_a_while(cfg):
    add_user(cfg, "carol", "agent", password="correct horse battery")
    clock = FakeClock()
    users = Users(cfg.resolved_users_file(), max_failures=3, lockout_s=600, clock=clock)
    assert users.verify_password("carol", "guess 1") is None
    assert users.verify_password("carol", "correct horse battery") is not None  # success resets the count
    for n in range(3):
        assert users.verify_password("carol", f"guess {n}") is None
    assert users.locked("carol")
    assert users.verify_password("carol", "correct horse battery") is None  # even the right one, while locked
    clock.now += 599
    assert users.verify_password("carol", "correct horse battery") is None
    clock.now += 2
    assert not users.locked("carol") and users.verify_password("carol", "correct horse battery") is not None


def test_lockout_is_per_name_and_covers_unknown_names(cfg):
    add_user(cfg, "dave", "agent", password="correct horse battery")
    users = Users(cfg.resolved_users_file(), max_failures=2, lockout_s=600, clock=FakeClock())
    for _ in range(2):
        users.verify_password("mallory", "guess")
    assert users.locked("mallory") and not users.locked("dave")  # an unknown name locks like a real one
    assert users.verify_password("dave", "correct horse battery") is not None


def test_lockout_settings_come_from_settings(cfg):
    users = Users.from_settings(cfg.model_copy(update={"login_max_failures": 7, "login_lockout_minutes": 2}))
    assert (users.max_failures, users.lockout_s) == (7, 120)


def _parallel_logins(client, attempts: list[tuple[str, str]], *, last_after_s: float) -> list[int]:
    """All but the last attempt at once, the last one a moment later; the status of each, in order."""
    import threading

    statuses: list[int] = [0] * len(attempts)
    start = threading.Barrier(len(attempts) - 1)

    def attempt(i: int, name: str, password: str, wait: bool) -> None:
        if wait:
            start.wait()
        statuses[i] = client.post("/login", data={"username": name, "password": password}).status_code

    threads = [threading.Thread(target=attempt, args=(i, n, p, i < len(attempts) - 1))
               for i, (n, p) in enumerate(attempts)]
    for t in threads[:-1]:
        t.start()
    time.sleep(last_after_s)
    threads[-1].start()
    for t in threads:
        t.join(timeout=120)
    return statuses


def test_forty_parallel_logins_cannot_get_past_the_lockout(cfg, embedder):
    """39 wrong passwords at once, then the right one: only max_failures of them are checked, the name locks,
    and the right password sent while they run is refused too (the check and the count are one step)."""
    from fastapi.testclient import TestClient

    from assistant.facade import Assistant
    from assistant.server import create_app

    add_user(cfg, "carol", "agent", password="correct horse battery")
    assistant = Assistant(cfg, embedder=embedder)
    users = Users.from_settings(cfg)
    try:
        with TestClient(create_app(cfg, assistant, users=users, demo_data=False)) as client:
            attempts = [("carol", f"wrong guess {i}") for i in range(39)] + [("carol", "correct horse battery")]
            statuses = _parallel_logins(client, attempts, last_after_s=0.3)
    finally:
        assistant.close()
    assert statuses == [400] * 40
    assert users.locked("carol") and users.checked == 5  # the other 35 were refused without a check


def test_parallel_logins_across_names_lock_the_client_address(cfg):
    """One address spraying many names is counted as one: its attempts are checked and counted atomically."""
    import threading

    users = Users(cfg.resolved_users_file(), max_failures=5, max_address_failures=8, lockout_s=600,
                  clock=FakeClock())
    add_user(cfg, "dave", "agent", password="correct horse battery")
    results: list[object] = []
    start = threading.Barrier(30)

    def attempt(i: int) -> None:
        start.wait()
        results.append(users.verify_password(f"name-{i}", "guess", client="10.0.0.7"))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert users.address_locked("10.0.0.7") and not users.address_locked("10.0.0.8")
    assert users.verify_password("dave", "correct horse battery", client="10.0.0.7") is None  # that address waits
    assert users.verify_password("dave", "correct horse battery", client="10.0.0.8") is not None
    assert users.checked == 8 + 1  # 8 checks from the spraying address before it locked, then dave's from .8
