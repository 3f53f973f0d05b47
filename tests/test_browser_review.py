"""The review queue and the prompt lab in headless Chromium (issue 17, items 9-12): customer names and local
times in the queue, decision buttons only while a review is pending, claims seen by another supervisor, bulk
approval, filtered metrics exported as CSV, and a prompt lab whose defaults run without an LLM."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from live_app import live_app, log_in

pytestmark = pytest.mark.slow

ROLES = {"ann": "agent", "sam": "supervisor", "sue": "supervisor", "dev": "developer"}
CUSTOMERS = ("cust-maria-lopez", "cust-miles-okafor", "cust-priya-shah")


@pytest.fixture(scope="module")
def queued_app(tmp_path_factory, embedder):
    """The real app on 127.0.0.1 with demo data and three handovers queued by the agent ann."""
    from assistant.models import utcnow

    with live_app(tmp_path_factory.mktemp("browser-review"), embedder, ROLES) as app:
        svc = app.services
        ann = svc.users.get("ann")
        for customer_id in CUSTOMERS:
            now = utcnow()
            svc.reviews.submit(app.assistant.handover(customer_id, now=now), user=ann, now=now,
                               customer=app.assistant.customer(customer_id),
                               interactions=app.assistant.interactions(customer_id), target="card team")
        yield app.url, svc


def login(browser, url: str, name: str, zone: str = "UTC"):
    return log_in(browser, url, name, timezone_id=zone)


def _row(page, text: str):
    return page.locator("#review-queue").get_by_text(text).filter(visible=True).first


def test_queue_claims_decisions_bulk_and_metrics(queued_app, browser):
    from playwright.sync_api import expect

    url, svc = queued_app
    names = [svc.assistant.customer(r.customer_id).name for r in svc.reviews.reviews("pending")]
    first = names[-1]  # the oldest: Maria Lopez
    page = login(browser, url, "sam", zone="America/New_York")
    page.get_by_role("tab", name="Review queue").click()
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text(first)
    expect(queue).not_to_contain_text("cust-maria-lopez")  # names, not ids
    stamp = queue.locator("time").first
    expect(stamp).to_contain_text(re.compile(r"E[SD]T"))  # the browser's zone
    expect(stamp).to_have_attribute("title", re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    expect(page.locator("#review-approve")).to_be_hidden()  # nothing selected yet
    _row(page, first).click()
    heading = page.locator("#review-heading")
    expect(heading).to_contain_text(first)
    expect(heading).not_to_contain_text("grounded grounded")
    expect(page.locator("#review-approve")).to_be_visible()
    page.click("#review-claim")
    expect(page.locator("#review-outcome")).to_contain_text("is yours")
    expect(page.locator("#review-release")).to_be_visible()
    expect(queue).to_contain_text("sam")  # the Claimed by column

    other = login(browser, url, "sue")
    other.get_by_role("tab", name="Review queue").click()
    _row(other, first).click()
    expect(other.locator("#review-heading")).to_contain_text("claimed by sam")
    expect(other.locator("#review-approve")).to_be_hidden()
    expect(other.locator("#review-claim")).to_be_hidden()
    other.context.close()

    page.locator("#review-comment textarea").fill("Clear and complete.")
    page.click("#review-approve")
    expect(page.locator("#review-outcome")).to_contain_text("approved by sam")
    expect(page.locator("#review-approve")).to_be_hidden()  # decided: no buttons to press
    expect(page.locator("#review-reject")).to_be_hidden()
    expect(page.locator("#review-claim")).to_be_hidden()

    bulk = page.locator("#review-bulk")
    expect(bulk).to_be_visible()
    boxes = bulk.locator("input[type=checkbox]")
    expect(boxes).to_have_count(len(names) - 1)
    page.click("#review-approve-many")  # nothing ticked: said beside the queue's outcome, no pop-up
    expect(page.locator("#review-outcome")).to_contain_text("Tick the summaries to approve first")
    expect(page.locator(".toast-body")).to_have_count(0)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.click("#review-approve-many")
    expect(page.locator("#review-outcome")).to_contain_text(f"Approved {len(names) - 1} of {len(names) - 1}")
    assert svc.reviews.counts()["pending"] == 0

    page.locator("#review-metrics-panel").get_by_text("Acceptance and edit rates").click()
    metrics = page.locator("#review-metrics")
    expect(metrics).to_contain_text("handover")
    page.locator("#metrics-from input, #metrics-from textarea").first.fill("2099-01-01")
    page.locator("#metrics-from input, #metrics-from textarea").first.press("Enter")
    expect(metrics).not_to_contain_text("handover")  # nothing queued in 2099
    page.locator("#metrics-from input, #metrics-from textarea").first.fill("")
    page.locator("#metrics-from input, #metrics-from textarea").first.press("Enter")
    _choose(page, "#metrics-agent", "ann")
    expect(metrics).to_contain_text("handover")
    with page.expect_download() as got:
        page.click("#metrics-export")
        page.locator("#metrics-file a").first.click()
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("draft_type,prompt_version,queued,approved")
    assert f"handover,grounded,{len(names)},{len(names)}" in csv_text
    page.click("#golden-export")
    expect(page.locator("#golden-status [role=status][aria-live=polite]")).to_contain_text(
        f"{len(names)} golden case(s) exported")
    expect(page.locator(".toast-body")).to_have_count(0)
    page.context.close()


def test_prompt_lab_defaults_run_without_an_llm(queued_app, browser):
    from playwright.sync_api import expect

    url, _ = queued_app
    page = login(browser, url, "dev")
    page.get_by_role("tab", name="Prompt lab").click()
    expect(page.locator("#lab-b input").first).to_have_value("grounded")
    expect(page.locator("#lab-needs")).to_contain_text("no LLM needed")
    _choose(page, "#lab-b", "llm · v3 — needs RAPPORT_LLM")
    expect(page.locator("#lab-needs")).to_contain_text("needs an LLM: set RAPPORT_LLM")
    expect(page.locator("#lab-run")).to_be_disabled()  # said before Run is pressed
    _choose(page, "#lab-type", "greeting")
    expect(page.locator("#lab-run")).to_be_enabled()
    page.locator("#lab-overrides input, #lab-overrides textarea").first.fill("recent_contact_days=0")
    _choose(page, "#lab-set", "scenarios")
    page.locator("#lab-limit input").fill("4")
    page.click("#lab-run")
    expect(page.locator("#lab-cases .rp-lab-case").first).to_be_visible(timeout=240_000)
    expect(page.locator("#lab-cases mark.rp-diff").first).to_be_visible()  # the words B changed
    page.context.close()


def _choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").first.click()
    page.get_by_role("option", name=option, exact=True).click()
