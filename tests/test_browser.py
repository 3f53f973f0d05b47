"""End to end in headless Chromium: an agent finds a demo customer, sees a cited greeting, asks a cited question
and hands over; a supervisor approves the summary; an agent cannot reach approval; a developer runs the prompt
lab. Screenshots of the desk, the review queue and the prompt lab go to a temporary folder, or to the folder
named by RAPPORT_SCREENSHOTS (`RAPPORT_SCREENSHOTS=docs pytest tests/test_browser.py` refreshes the README's),
so a test run never changes tracked files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from live_app import TEAMS, USERS, live_app, log_in

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, embedder):
    """The real app (UI + API) on 127.0.0.1, demo data loaded on first start, one user per role."""
    with live_app(tmp_path_factory.mktemp("browser"), embedder, USERS, teams=TEAMS) as app:
        yield app.url


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("RAPPORT_SCREENSHOTS") or tmp_path)
    folder = folder if folder.is_absolute() else REPO / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_agent_desk_supervisor_review_and_prompt_lab(app_url, browser, shots):
    from playwright.sync_api import expect

    # ---- the agent: find, greet, ask, hand over ---------------------------------------------------------
    page = log_in(browser, app_url, "ann")
    expect(page.locator("#rp-header")).to_contain_text("demo data was loaded")
    expect(page.get_by_role("tab", name="Review queue")).to_have_count(0)  # agents cannot reach approval
    expect(page.get_by_role("tab", name="Prompt lab")).to_have_count(0)
    page.locator("#customer-search input, #customer-search textarea").first.fill("maria.lopez@example")
    page.get_by_text("Maria Lopez · cust-maria-lopez").click()
    expect(page.locator("#profile")).to_contain_text("Declined offers")
    greeting = page.locator("#greeting")
    expect(greeting.locator(".rp-draft-text")).to_contain_text("Maria")
    greeting.locator(".rp-cite").first.click()  # a citation opens its source turns
    expect(greeting.locator("details.rp-src[open] .rp-turn").first).to_be_visible()
    page.locator("#question textarea").fill("What was the last contact about?")
    page.click("#ask")
    expect(page.locator("#chat")).to_contain_text("Sources (", timeout=60_000)
    expect(page.locator("#chat")).to_contain_text("[1]")
    page.locator("#answer-used").click()  # the agent used the answer as it stood
    expect(page.locator("#answer-feedback-status")).to_contain_text("Recorded used as is")
    page.locator("#greeting-up").click()
    expect(page.locator("#greeting-feedback-status")).to_contain_text("Recorded")
    page.locator("#handover-target input").first.click()
    page.get_by_role("option", name="Team: card team").click()
    page.click("#hand-over")
    expect(page.locator("#handover-status")).to_contain_text("Sent to card team")
    expect(page.locator("#handover-status")).to_contain_text("supervisor review as #1")
    expect(page.locator("#handover .rp-sec").first).to_be_visible()
    page.locator("#customer-search input, #customer-search textarea").first.click()  # no focus ring on a button
    page.screenshot(path=str(shots / "desk.png"), full_page=True)
    page.locator("#customer-search input, #customer-search textarea").first.fill("Miles")
    page.get_by_text("Miles Okafor · cust-miles-okafor").click()
    expect(page.locator("#profile")).to_contain_text("Miles Okafor")
    # the last customer's "To" does not carry over (issue 17.1): the agent picks it for this one
    page.locator("#handover-target input").first.click()
    page.get_by_role("option", name="Team: card team").click()
    page.click("#hand-over")
    expect(page.locator("#handover-status")).to_contain_text("as #2")
    page.context.close()

    # ---- the card team's agent sees the handovers arrive and takes one; the savings agent sees none ----------
    page = log_in(browser, app_url, "bob")
    expect(page.locator("#inbox")).to_contain_text("cust-maria-lopez")
    page.locator("#inbox-pick input").first.click()
    page.get_by_role("option", name=re.compile("cust-maria-lopez")).click()
    page.click("#take-handover")
    expect(page.locator("#inbox-status")).to_contain_text("Taken: Maria Lopez")
    expect(page.locator("#profile")).to_contain_text("Maria Lopez")
    expect(page.locator("#inbox")).not_to_contain_text("cust-maria-lopez")
    page.context.close()
    page = log_in(browser, app_url, "cat")
    expect(page.locator("#inbox")).to_contain_text("No handovers waiting for you")
    page.context.close()

    # ---- the supervisor: the queue, side by side with sources; approve --------------------------------
    page = log_in(browser, app_url, "sam")
    page.get_by_role("tab", name="Review queue").click()
    page.locator("#review-queue").get_by_text("Maria Lopez").filter(visible=True).first.click()
    expect(page.locator("#review-sources .rp-draft")).to_be_visible()
    expect(page.locator("#review-audit")).to_contain_text("drafted")
    page.locator("#review-comment textarea").fill("Clear and complete.")
    page.click("#review-approve")
    expect(page.locator("#review-outcome")).to_contain_text("approved by sam")
    expect(page.locator("#review-audit")).to_contain_text("approved")
    expect(page.get_by_role("tab", name="Prompt lab")).to_have_count(0)
    page.locator("#review-filter").get_by_text("all", exact=True).click()
    expect(page.locator("#review-queue")).to_contain_text("approved")
    expect(page.locator("#review-queue")).to_contain_text("pending")
    page.locator("#review-metrics-panel").get_by_text("Acceptance and edit rates").click()
    expect(page.locator("#review-metrics")).to_contain_text("handover")
    page.screenshot(path=str(shots / "review-queue.png"), full_page=True)
    page.context.close()

    # ---- the developer: two variants over an evaluation set, side by side -----------------------------
    page = log_in(browser, app_url, "dev")
    page.get_by_role("tab", name="Review queue").click()  # developers see the queue, read-only
    expect(page.locator("#review-approve")).to_be_hidden()
    page.get_by_role("tab", name="Prompt lab").click()
    _choose(page, "#lab-type", "greeting")
    _choose(page, "#lab-b", "grounded")
    page.locator("#lab-overrides input, #lab-overrides textarea").first.fill("recent_contact_days=0")
    _choose(page, "#lab-set", "scenarios")
    page.locator("#lab-limit input").fill("4")
    page.click("#lab-run")
    expect(page.locator("#lab-cases .rp-lab-case").first).to_be_visible(timeout=240_000)
    expect(page.locator("#lab-metrics")).to_contain_text("groundedness")
    page.screenshot(path=str(shots / "prompt-lab.png"), full_page=True)
    page.context.close()


def _choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").first.click()
    page.get_by_role("option", name=option, exact=True).click()
