"""The composed app: Gradio mounted beside the REST API, login, demo data and demo mode, escaping in the UI's HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from assistant.auth import add_user
from assistant.errors import InputError
from assistant.models import Citation, Customer, Draft, DraftSentence, Interaction
from assistant.server import create_app, is_loopback, load_demo_if_empty
from assistant.ui import render


@pytest.fixture(scope="module")
def demo_assistant(tmp_path_factory, embedder):
    """An empty store; the app fills it with the demo data on first start."""
    from assistant.facade import Assistant
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path_factory.mktemp("app") / "store")
    assistant = Assistant(settings, embedder=embedder)
    yield settings, assistant
    assistant.close()


def test_empty_store_gets_the_demo_data_once(demo_assistant):
    _, assistant = demo_assistant
    notice = load_demo_if_empty(assistant)
    assert notice and "demo data" in notice and "12 customers" in notice
    assert assistant.stats()["interactions"] == 62
    assert load_demo_if_empty(assistant) is None


def test_ui_and_api_share_one_server_and_login_works(demo_assistant, capsys):
    settings, assistant = demo_assistant
    add_user(settings, "ann", "agent", password="ann's long password")
    app = create_app(settings, assistant)
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert client.get("/api/health").json() == {"status": "ok"}
        assert client.get("/docs").status_code == 200
        assert client.post("/login", data={"username": "ann", "password": "wrong password!"}).status_code == 400
        assert client.post("/login", data={"username": "nobody", "password": "ann's long password"}).status_code == 400
        ok = client.post("/login", data={"username": "ann", "password": "ann's long password"})
        assert ok.status_code == 200 and ok.json() == {"success": True}
        assert client.get("/gradio_api/user").json() == "ann"


def test_first_start_without_users_says_how_to_create_one(tmp_path, demo_assistant, capsys):
    from assistant.ui.login import auth_message

    settings, assistant = demo_assistant
    fresh = settings.model_copy(update={"users_file": tmp_path / "users.json"})
    create_app(fresh, assistant, ui=False, demo_data=False)
    assert "rapport users add NAME --role agent" in capsys.readouterr().err
    assert "rapport users add NAME --role agent" in auth_message(demo=False)
    assert "demo-agent" in auth_message(demo=True)


def test_demo_mode_prints_one_time_local_accounts_and_refuses_other_hosts(tmp_path, demo_assistant, capsys):
    settings, assistant = demo_assistant
    demo = settings.model_copy(update={"demo_mode": True, "users_file": tmp_path / "users.json"})
    app = create_app(demo, assistant, ui=False, demo_data=False)
    err = capsys.readouterr().err
    assert "DEMO MODE" in err and "demo-supervisor" in err
    password = err.split("demo-agent")[1].split("password:")[1].split()[0]
    assert app.state.services.users.verify_password("demo-agent", password).demo
    assert not (tmp_path / "users.json").exists()
    with pytest.raises(InputError, match="127.0.0.1"):
        create_app(demo, assistant, ui=False, demo_data=False, host="0.0.0.0")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("10.0.0.5")


def test_customer_text_is_escaped_in_every_panel():
    evil = "<script>alert(1)</script> ${document.cookie} {{x}}"
    inter = Interaction(interaction_id="i1", customer_id="c1", channel="chat",
                        started_at=datetime(2026, 1, 5, 9, tzinfo=UTC), outcome=evil, tags=[evil],
                        turns=[{"speaker": "customer", "text": evil}])
    inter = inter.model_copy(update={"interaction_id": "i<1>"})  # ids are validated now; rendering escapes anyway
    customer = Customer(customer_id="c1", name=evil, products=[evil])
    draft = Draft(text=evil, kind="handover", sections={"who": [evil]},
                  sentences=[DraftSentence(text=evil, citations=[Citation(interaction_id="i<1>", turn_ids=["0"])],
                                           grounded=False)],
                  metadata={"drafter": evil})
    now = datetime(2026, 2, 1, tzinfo=UTC)
    by_id = {inter.interaction_id: inter}
    for html in (render.profile_card(customer, [], [inter], now), render.timeline([inter], now),
                 render.draft_card(draft, by_id, "t", "Title"), render.sources_panel(draft, by_id, "i<1>")):
        assert "<script>" not in html and "${" not in html and "{{" not in html
        assert "&lt;script&gt;" in html


def test_draft_card_numbers_each_source_once_and_flags_weak_sentences():
    inter = Interaction(interaction_id="i1", customer_id="c1", channel="voice",
                        started_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
                        turns=[{"speaker": "customer", "text": "My card is blocked."},
                               {"speaker": "agent", "text": "I'll unblock it."}])
    cite = Citation(interaction_id="i1", turn_ids=["0"])
    draft = Draft(text="x", kind="greeting", sentences=[
        DraftSentence(text="Your card was blocked.", citations=[cite]),
        DraftSentence(text="You love cats.", citations=[cite], grounded=False)])
    html = render.draft_card(draft, {"i1": inter}, "g")
    assert html.count('data-src="g-1"') == 2 and 'id="g-1"' in html and 'id="g-2"' not in html
    assert "My card is blocked." in html and "I&#x27;ll unblock it." not in html  # only the cited turn
    assert "rp-weak" in html and "1 sentence(s) weakly supported" in html
    text, cited = render.numbered_answer(draft)
    assert text == "Your card was blocked. [1] You love cats. [1]" and cited == [cite]
    backwards = Draft(text="x", kind="greeting", sentences=[
        DraftSentence(text="Card blocked, unblocked.", citations=[Citation(interaction_id="i1", turn_ids=["1", "0"])])])
    assert "turns 0, 1" in render.draft_card(backwards, {"i1": inter}, "h")  # listed as spoken, not as cited
