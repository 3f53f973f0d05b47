"""No text from a customer, an agent or an API caller renders as a page (issue 16 item 7), and the UI carries its
own icons and passes axe-core (issue 17 items 6 and 8).

Fast tests check the escaping helpers and the Content-Security-Policy; the browser test ingests a customer whose
turns, name and handover target are hostile markup, counts what a local listener receives (nothing), looks for the
payload's tags in the DOM of the desk, the chat and the review queue (none), scans the rendered screens for emoji,
and runs axe-core on the desk, the review queue and the prompt lab.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from contextlib import closing
from html.parser import HTMLParser

import pytest
import regex
from live_app import live_app, log_in

from assistant.ui import render

# What needs an emoji font to draw: Unicode's pictographs (the emoji set) and the emoji presentation selector.
# The UI draws its icons as SVG instead; text symbols such as "·", "—", "→" or Gradio's own "✓" stay.
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\uFE0F]")


class _Tags(HTMLParser):
    """What a browser's HTML parser would make of a string: its start tags and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> _Tags:
    out = _Tags()
    out.feed(markup)
    out.close()
    return out


def hostile(port: int) -> list[str]:
    """Markup and Markdown that would fetch from, link to or draw a form for the listener on port."""
    base = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{base}/img-turn" alt="x">',
        f'<form action="{base}/form"><p>Please re-enter your password</p><input type="password" name="pw">'
        '<button type="submit">Submit</button></form>',
        f"[click here]({base}/md-link)",
        f"![x]({base}/md-image)",
        f"<script>fetch('{base}/script')</script>",
        f"<svg><image href='{base}/svg-image'/></svg>",
        f"{base}/bare-url and www.example.invalid",
    ]


PAYLOAD_TAGS = ("img", "form", "input", "script", "a", "svg", "image", "button", "iframe")


@pytest.mark.parametrize("payload", hostile(9))
def test_chat_text_is_shown_as_written_never_as_markup(payload):
    """The chatbot parses its messages as HTML: what render.chat_text gives it parses to the text itself."""
    shown = parsed(render.chat_text(payload))
    assert shown.tags == []
    assert "".join(shown.text) == payload


def test_chat_text_leaves_ordinary_text_as_typed():
    """Only what would start a tag or a character reference is escaped: the copy button copies plain text."""
    for text in ("M&S refund of £86.40 — 2 > 1", "R&D, Q&A and 50% off", "a & b"):
        assert render.chat_text(text) == text
    assert parsed(render.chat_text("&amp; &lt;b&gt; &copy &#60;")).text == ["&amp; &lt;b&gt; &copy &#60;"]


@pytest.mark.parametrize("payload", hostile(9))
def test_markdown_text_renders_as_plain_text(payload):
    """gr.Markdown reads Markdown and HTML: render.md_text makes a payload one line of plain text."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(f"Taken: {render.md_text(payload)}")
    shown = parsed(page)
    assert shown.tags == ["p"]
    assert "".join(shown.text).strip() == "Taken: " + " ".join(payload.split())


def test_answer_sources_quote_turns_as_text(embedder):
    """The chat's Sources message quotes the cited turns: the turns' markup is text, only ours is markup."""
    from datetime import UTC, datetime

    from assistant.models import Citation, Interaction

    turns = [{"turn_id": str(i), "speaker": "customer", "text": text} for i, text in enumerate(hostile(9))]
    inter = Interaction.model_validate({"interaction_id": "int-x", "customer_id": "cust-x", "channel": "chat",
                                        "started_at": datetime(2026, 3, 1, tzinfo=UTC), "turns": turns})
    html = render.answer_sources_html([Citation(interaction_id="int-x", turn_ids=[])], {"int-x": inter})
    shown = parsed(html)
    assert not set(shown.tags) & set(PAYLOAD_TAGS)
    assert all(text in "".join(shown.text) for text in hostile(9))


def test_every_response_carries_a_content_security_policy(tmp_path, embedder):
    """Images, scripts, styles, fonts, frames and form targets only from the app itself, on the UI and the API."""
    from fastapi.testclient import TestClient

    from assistant.facade import Assistant
    from assistant.server import create_app
    from assistant.settings import Settings

    settings = Settings(store_dir=tmp_path / "store")
    assistant = Assistant(settings, embedder=embedder)
    try:
        with TestClient(create_app(settings, assistant, demo_data=False)) as client:
            for path in ("/", "/api/health", "/login"):
                policy = _policy(client.get(path).headers.get("content-security-policy", ""))
                assert policy["default-src"] == ["'self'"], path
                for directive in ("img-src", "script-src", "style-src", "font-src", "connect-src", "form-action",
                                  "frame-src"):
                    sources = policy.get(directive, policy["default-src"])
                    assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), (path, directive)
                assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
                assert policy["frame-ancestors"] == ["'none'"]
    finally:
        assistant.close()


def _policy(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def emoji_in(text: str) -> list[str]:
    return sorted(set(EMOJI.findall(text)))


def test_no_emoji_in_the_screens_labels(tmp_path, embedder):
    """Every label, choice, placeholder and initial value of the desk, the review queue and the prompt lab (the
    whole Blocks config, as the browser receives it) draws without an emoji font."""
    from assistant.facade import Assistant
    from assistant.server import create_app
    from assistant.settings import Settings
    from assistant.ui import build_ui

    settings = Settings(store_dir=tmp_path / "store")
    assistant = Assistant(settings, embedder=embedder)
    try:
        app = create_app(settings, assistant, ui=False, demo_data=False)
        config = build_ui(app.state.services).get_config_file()
    finally:
        assistant.close()
    labels = json.dumps(config, ensure_ascii=False, default=str)
    assert "Agent desk" in labels and "Review queue" in labels
    assert emoji_in(labels) == []


def test_no_emoji_in_what_the_screens_fill_in(embedder):
    """What handlers put on screen later: review statuses and headings, the lab's notes and flags, consent."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from assistant.models import Customer
    from assistant.review import STATUSES
    from assistant.ui import lab, review

    now = datetime(2026, 3, 1, tzinfo=UTC)
    texts = [review.counts_html(dict.fromkeys(STATUSES, 1)), *(review.status_html(s) for s in STATUSES)]
    svc = SimpleNamespace(settings=SimpleNamespace(llm="none"))
    texts += [lab.variant_note(svc, "grounded", "llm:v3")[0], lab.variant_note(svc, "grounded", "grounded")[0]]
    case = SimpleNamespace(error=None, metrics={"groundedness": 0.5}, violations=[SimpleNamespace(rule="pii")],
                           missing_facts=["due date"])
    texts.append(lab._case_text(case, "text"))
    for marketing in (True, False):
        customer = Customer.model_validate({"customer_id": "cust-x", "name": "X", "consent": {"marketing": marketing}})
        texts.append(render.profile_card(customer, [], [], now))
    assert emoji_in(" ".join(texts)) == []


# ---- in the browser ------------------------------------------------------------------------------------------

class Listener:
    """A tiny HTTP server on 127.0.0.1 that counts every request made to it (the payloads all point here)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _count(self) -> None:
                owner.paths.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = do_HEAD = _count  # noqa: N815 - the names http.server looks up

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile_records(port: int) -> tuple[list[dict], list[dict]]:
    """A customer whose name and turns are hostile markup, with one contact that mixes it with a real request."""
    base = f"http://127.0.0.1:{port}"
    customer = {"customer_id": "cust-eve-hostile", "name": f'Eve <img src="{base}/name"> Hostile',
                "customer_since": "2020-01-01", "products": [f"<img src={base}/product>"],
                "consent": {"marketing": True}, "contact": {"email": "eve@example.com"}, "metadata": {}}
    lines = ["Hello, I want to dispute a card payment of forty pounds to Greenacre, it was taken twice.",
             *hostile(port), "The payment to Greenacre was taken twice, please refund the second one."]
    turns = []
    for i, text in enumerate(lines):
        turns.append({"turn_id": str(2 * i), "speaker": "agent", "text": "Thanks, go on.",
                      "at": f"2026-02-10T10:{i:02d}:00Z"})
        turns.append({"turn_id": str(2 * i + 1), "speaker": "customer", "text": text,
                      "at": f"2026-02-10T10:{i:02d}:30Z"})
    interaction = {"interaction_id": "int-eve-01", "customer_id": "cust-eve-hostile", "channel": "chat",
                   "started_at": "2026-02-10T10:00:00Z", "ended_at": "2026-02-10T10:20:00Z",
                   "agent_id": "agent-raj", "outcome": f"<img src={base}/outcome>", "tags": ["card", "dispute"],
                   "metadata": {}, "turns": turns}
    return [customer], [interaction]


ROLES = {"ann": "agent", "sam": "supervisor", "dev": "developer"}
TEAMS = """teams:
  - name: card team
    description: lost, stolen, blocked or damaged debit and credit cards, card payments declined
    agents: [bob, ann]
"""
# Run in every page before Gradio: CSP violations are collected, so a slip in the escaping shows up here too.
WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, embedder):
    """The real app on 127.0.0.1 with the demo data, the hostile customer, and a review whose target is markup."""
    from assistant.models import utcnow

    with closing(Listener()) as listener, \
            live_app(tmp_path_factory.mktemp("browser-safety"), embedder, ROLES, teams=TEAMS) as app:
        folder, assistant, svc = app.folder, app.assistant, app.services
        customers, interactions = hostile_records(listener.port)
        for path, records in ((folder / "customers.jsonl", customers), (folder / "interactions.jsonl", interactions)):
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        report = assistant.ingest(folder / "interactions.jsonl", customers=folder / "customers.jsonl")
        assert report.ingested == 1, report
        now = utcnow()
        svc.reviews.submit(assistant.handover("cust-eve-hostile", now=now), user=svc.users.get("ann"), now=now,
                           customer=assistant.customer("cust-eve-hostile"),
                           interactions=assistant.interactions("cust-eve-hostile"),
                           target=f"<img src=http://127.0.0.1:{listener.port}/target> card team")
        yield app.url, listener


def open_as(browser, url: str, name: str, outside: list[str]):
    """A fresh session logged in as name; every request that leaves the app's origin is noted in outside."""
    def watch(page) -> None:  # type: ignore[no-untyped-def]
        page.add_init_script(WATCH_CSP)
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))

    return log_in(browser, url, name, before=watch)


def payload_elements(page, port: int) -> list[str]:
    """Elements the payload would have made: anything pointing at the listener, any form or password field."""
    return page.evaluate("""(port) => [...document.querySelectorAll(
        `form, input[type=password], script:not([src]):not([type]), [src*=":${port}"], [href*=":${port}"],
         [action*=":${port}"], [srcset*=":${port}"]`)].filter(e => e.tagName !== 'SCRIPT' ||
         e.textContent.includes(':' + port)).map(e => e.outerHTML.slice(0, 160))""", port)


@pytest.mark.slow
def test_hostile_text_is_shown_as_text_and_fetches_nothing(hostile_app, browser):
    from playwright.sync_api import expect

    url, listener = hostile_app
    outside: list[str] = []
    # ---- the agent: the desk, a chat answer, the agent's own markup as a question, a handover --------------
    page = open_as(browser, url, "ann", outside)
    page.locator("#customer-search input, #customer-search textarea").first.fill("cust-eve-hostile")
    page.locator("#customer-results label").filter(has_text="cust-eve-hostile").click()
    expect(page.locator("#profile")).to_contain_text("cust-eve-hostile")
    expect(page.locator("#profile .rp-name")).to_contain_text(f'<img src="http://127.0.0.1:{listener.port}/name">')
    expect(page.locator("#timeline")).to_contain_text("re-enter your password")
    expect(page.locator("#greeting .rp-draft-text")).to_be_visible()
    page.locator("#question textarea").fill("Did they ask us to re-enter a password or click a link?")
    page.click("#ask")
    expect(page.locator("#chat [data-testid=bot]").first).to_be_visible(timeout=60_000)
    page.locator("#question textarea").fill(f"<img src=http://127.0.0.1:{listener.port}/question> what now?")
    page.click("#ask")
    expect(page.locator("#chat [data-testid=user]").nth(1)).to_contain_text("<img src=")
    for source in page.locator("#chat summary").filter(has_text="Sources (").all():
        source.click()  # open the quoted turns
    page.locator("#handover-target input").first.click()
    page.get_by_role("option", name="Team: card team").click()
    page.click("#hand-over")
    expect(page.locator("#handover-status")).to_contain_text("Sent to card team")
    expect(page.locator("#handover .rp-draft-text")).to_be_visible()
    assert payload_elements(page, listener.port) == []
    assert page.evaluate("window.__csp") == []
    page.context.close()

    # ---- the supervisor: the queue and the review whose target is markup --------------------------------
    page = open_as(browser, url, "sam", outside)
    page.get_by_role("tab", name="Review queue").click()
    expect(page.locator("#review-queue")).to_contain_text('Eve <img src="http')  # the name, as text
    page.locator("#review-queue").get_by_text("/target> card team").filter(visible=True).first.click()
    heading = page.locator("#review-heading")
    expect(heading).to_contain_text(f"<img src=http://127.0.0.1:{listener.port}/target> card team")
    expect(page.locator("#review-sources .rp-draft")).to_be_visible()
    assert payload_elements(page, listener.port) == []
    assert page.evaluate("window.__csp") == []
    page.context.close()

    time.sleep(1.0)  # a fetch the page started would have arrived by now
    assert listener.paths == [] and outside == []


SCREEN_TEXT = """() => [document.body.innerText, ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')]
    .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder')])]
    .filter(Boolean).join('\\n')"""


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page (axe ships inside the package)."""
    from axe_playwright_python.sync_playwright import Axe
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}" for v in found
            if v["impact"] in ("serious", "critical")]


def screen_emoji(page) -> list[str]:
    """Emoji anywhere a user reads: the visible text and the labels, titles and placeholders."""
    return emoji_in(page.evaluate(SCREEN_TEXT))


@pytest.mark.slow
def test_screens_draw_their_own_icons_and_pass_axe(hostile_app, browser):
    """The desk, the review queue and the prompt lab, after the actions that fill them in: no emoji, the buttons'
    icons are the app's own files, and axe-core finds no serious or critical violation (contrast, names, roles)."""
    from playwright.sync_api import expect

    url, _ = hostile_app
    outside: list[str] = []
    page = open_as(browser, url, "ann", outside)
    page.locator("#customer-search input, #customer-search textarea").first.fill("maria.lopez@example")
    page.locator("#customer-results label").filter(has_text="cust-maria-lopez").click()
    expect(page.locator("#profile")).to_contain_text("marketing consent")
    expect(page.locator("#greeting .rp-draft-text")).to_contain_text("Maria")
    page.locator("#greeting-up").click()
    expect(page.locator("#greeting-feedback-status")).to_contain_text("Recorded helpful")
    icon = page.locator("#greeting-up img").first
    assert icon.get_attribute("src").startswith("/") or icon.get_attribute("src").startswith(url)
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", icon.element_handle())
    page.locator("#question textarea").fill("What was the last contact about?")
    page.click("#ask")
    expect(page.locator("#chat")).to_contain_text("Sources (", timeout=60_000)
    page.locator("#handover-target input").first.click()
    page.get_by_role("option", name="Team: card team").click()
    page.click("#hand-over")
    expect(page.locator("#handover .rp-draft-text")).to_be_visible()
    expect(page.locator("#handover-status")).to_contain_text("Sent to card team")
    # ann is on the card team too, so her handover arrives in her own inbox: its notice is on the screen axe checks
    # (Gradio's toast nested its close button in a role=button header, which axe calls nested-interactive).
    live = "[role=status][aria-live=polite]"  # each message beside what it is about, read out when it changes
    expect(page.locator(f"#inbox-notice {live}")).to_contain_text("New handover", timeout=15_000)
    expect(page.locator(f"#handover-status {live}")).to_contain_text("Sent to card team")
    assert screen_emoji(page) == []
    assert axe_serious(page) == []
    page.context.close()

    page = open_as(browser, url, "sam", outside)
    page.get_by_role("tab", name="Review queue").click()
    page.locator("#review-queue").get_by_text("/target> card team").filter(visible=True).first.click()
    expect(page.locator("#review-heading")).to_contain_text("pending")
    page.locator("#review-metrics-panel").get_by_text("Acceptance and edit rates").click()
    expect(page.locator("#review-metrics")).to_contain_text("Thumbs up")
    assert screen_emoji(page) == []
    assert axe_serious(page) == []
    page.context.close()

    page = open_as(browser, url, "dev", outside)
    page.get_by_role("tab", name="Prompt lab").click()
    page.locator("#lab-b input").first.click()
    page.get_by_role("option", name=re.compile("^llm")).first.click()
    expect(page.locator("#lab-needs")).to_contain_text("needs an LLM")
    assert screen_emoji(page) == []
    assert axe_serious(page) == []
    page.context.close()
    assert outside == []
