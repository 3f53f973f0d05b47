"""API tokens carry scopes (ingest, read) and may expire: the default service token feeds contacts in only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from assistant.auth import Users, add_user, create_token, list_users
from assistant.errors import InputError
from assistant.facade import Assistant
from assistant.models import utcnow
from assistant.server import create_app
from tests.one_contact import CUSTOMER, one_contact


@pytest.fixture()
def client(settings, embedder):
    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest([one_contact(("customer", "Hi, my card was declined at the shop."),
                                  ("agent", "Sorry about that, let me check it for you.")).model_dump(mode="json")],
                     customers=[{"customer_id": CUSTOMER, "name": "Tess Tate",
                                 "contact": {"email": "tess@example.com"}}])
    with TestClient(create_app(settings, assistant, ui=False, demo_data=False)) as c:
        yield c
    assistant.close()


def _get(client, path: str, token: str):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_the_default_service_token_ingests_but_reads_nothing(settings, client):
    token = add_user(settings, "crm-bridge", "service").token
    for path in (f"/api/customers/{CUSTOMER}/greeting", f"/api/customers/{CUSTOMER}/handover",
                 f"/api/customers/{CUSTOMER}", f"/api/customers/{CUSTOMER}/interactions", "/api/customers"):
        response = _get(client, path, token)
        assert response.status_code == 403, path
        assert "'read' scope" in response.text
    ingest = client.post("/api/interactions", headers={"Authorization": f"Bearer {token}"},
                         json=one_contact(("customer", "Thanks, it works now.")).model_dump(mode="json")
                         | {"interaction_id": "t-2"})
    assert ingest.status_code == 201, ingest.text
    assert _get(client, "/api/me", token).json()["permissions"] == ["ingest"]


def test_a_token_with_the_read_scope_reads(settings, client):
    add_user(settings, "crm-bridge", "service")
    token = create_token(settings, "crm-bridge", "desk widget", scopes=["read"]).token
    greeting = _get(client, f"/api/customers/{CUSTOMER}/greeting", token)
    assert greeting.status_code == 200 and "Tess" in greeting.json()["text"]
    assert _get(client, f"/api/customers/{CUSTOMER}", token).json()["contact"]["email"] == "tess@example.com"
    ingest = client.post("/api/interactions", headers={"Authorization": f"Bearer {token}"}, json=[])
    assert ingest.status_code == 403 and "'ingest' scope" in ingest.text


def test_a_person_s_token_keeps_their_role_but_a_scope_narrows_it(settings, client):
    add_user(settings, "ann", "supervisor", password="ann's long password")
    full = create_token(settings, "ann").token
    feed_only = create_token(settings, "ann", scopes=["ingest"]).token
    assert _get(client, f"/api/customers/{CUSTOMER}/greeting", full).status_code == 200
    assert _get(client, f"/api/customers/{CUSTOMER}/greeting", feed_only).status_code == 403
    [ann] = list_users(settings)
    assert [t["scopes"] for t in ann["tokens"]] == [["ingest", "read"], ["ingest"]]


def test_an_expired_token_is_a_401(settings, client):
    add_user(settings, "ann", "agent", password="ann's long password")
    token = create_token(settings, "ann", expires_at=utcnow() + timedelta(days=1)).token
    assert _get(client, f"/api/customers/{CUSTOMER}/greeting", token).status_code == 200
    path = settings.resolved_users_file()
    data = json.loads(path.read_text())
    data["users"]["ann"]["tokens"][0]["expires_at"] = (utcnow() - timedelta(seconds=1)).isoformat()
    path.write_text(json.dumps(data))  # a day later, as far as the token is concerned
    response = _get(client, f"/api/customers/{CUSTOMER}/greeting", token)
    assert response.status_code == 401 and "expired" in response.text
    with pytest.raises(InputError, match="future"):
        create_token(settings, "ann", expires_at=utcnow() - timedelta(days=1))
    with pytest.raises(InputError, match="scope"):
        create_token(settings, "ann", scopes=["admin"])


def test_tokens_stored_before_scopes_get_their_role_s_default(settings):
    """A users file from before scopes: a service's tokens become ingest-only, a person's keep their role."""
    add_user(settings, "crm-bridge", "service")
    add_user(settings, "ann", "agent", password="ann's long password")
    old_service = create_token(settings, "crm-bridge").token
    old_agent = create_token(settings, "ann").token
    path = settings.resolved_users_file()
    data = json.loads(path.read_text())
    for user in data["users"].values():
        for t in user["tokens"]:
            t.pop("scopes"), t.pop("expires_at")
    path.write_text(json.dumps(data))
    users = Users.from_settings(settings)
    assert users.user_for_token(old_service).token_scopes == {"ingest"}
    assert users.user_for_token(old_agent).token_scopes == {"read"}
    assert users.user_for_token(old_service).can("ingest") and not users.user_for_token(old_service).can("read")


def test_the_cli_issues_scoped_expiring_tokens(settings, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "feed", "--role", "service"]).exit_code == 0
    made = runner.invoke(app, ["users", "token", "feed", "--scope", "read", "--expires-days", "2"])
    assert made.exit_code == 0, made.output
    token = made.output.split("API token for feed (service): ")[1].split()[0]
    user = Users.from_settings(settings).user_for_token(token)
    assert user.token_scopes == {"read"}
    [record] = [t for t in user.tokens if t.scopes == ["read"]]
    assert timedelta(days=1.9) < record.expires_at - utcnow() <= timedelta(days=2)
    listed = runner.invoke(app, ["users", "list"]).output
    assert "[ingest]" in listed and "[read] until" in listed
    bad = runner.invoke(app, ["users", "token", "feed", "--scope", "admin"])
    assert bad.exit_code != 0 and "token scope is one of ingest, read" in str(bad.exception)
