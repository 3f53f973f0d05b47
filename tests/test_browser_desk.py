"""The agent desk for a whole shift, in headless Chromium (issue 17, items 1, 2, 4, 5, 7): nothing of one customer
stays on screen for the next, copy buttons that count as "used", overdue promises at the top, errors next to the
field that is wrong (and no toasts), and the keyboard: `/`, Enter, Escape and a visible focus ring."""

from __future__ import annotations

import re

import pytest
from live_app import TEAMS, USERS, live_app, log_in

pytestmark = pytest.mark.slow

SEARCH = "#customer-search input, #customer-search textarea"
ERROR_BADGE = "Error"  # what Gradio paints on an output whose event raised


@pytest.fixture(scope="module")
def desk_app(tmp_path_factory, embedder):
    """The real app on 127.0.0.1 with the demo data, one user per role; yields the URL and the app's services."""
    with live_app(tmp_path_factory.mktemp("browser-desk"), embedder, USERS, teams=TEAMS) as app:
        yield app.url, app.services


def desk(browser, url: str, name: str = "ann"):
    """A fresh context (clipboard allowed, as an agent's browser would ask once) logged in as `name`."""
    return log_in(browser, url, name, permissions=["clipboard-read", "clipboard-write"])


def open_customer(page, text: str, label: str) -> None:
    from playwright.sync_api import expect

    page.locator(SEARCH).first.fill(text)
    page.get_by_text(label).click()
    expect(page.locator("#profile")).to_contain_text(label.split(" · ")[0])
    # drafts take a few seconds on two loaded cores (CI runs the whole suite at once): wait for them, not 5 s
    expect(page.locator("#greeting .rp-draft-text")).to_be_visible(timeout=20_000)
    expect(page.locator("#suggestions .rp-card")).to_be_visible(timeout=20_000)


def no_error_badges(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(ERROR_BADGE, exact=True)).to_have_count(0)


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


MARKUP = re.compile(r"<[a-z/!]|&(?:#\d+|#x[0-9a-f]+|[a-z]+);|\[\d+\]", re.I)  # a tag, an entity, a citation [n]


def plain(text: str) -> str:
    """The clipboard's text, checked to be what an agent pastes: no tag, no entity, no citation number."""
    assert text and not MARKUP.search(text), text
    return text


def test_switching_customer_resets_what_was_the_last_customers(desk_app, browser):
    from playwright.sync_api import expect

    url, _ = desk_app
    page = desk(browser, url)
    open_customer(page, "maria.lopez@example", "Maria Lopez · cust-maria-lopez")
    page.locator("#greeting-up").click()
    expect(page.locator("#greeting-feedback-status")).to_contain_text("Recorded")
    page.locator("#suggestions-used").click()
    expect(page.locator("#suggestions-feedback-status")).to_contain_text("Recorded")
    page.locator("#handover-target input").first.click()
    page.get_by_role("option", name="Team: card team").click()
    page.click("#hand-over")
    expect(page.locator("#handover-status")).to_contain_text("Sent to card team")
    page.locator("#handover-used").click()
    expect(page.locator("#handover-feedback-status")).to_contain_text("Recorded")

    open_customer(page, "Miles", "Miles Okafor · cust-miles-okafor")
    expect(page.locator("#handover-target input").first).to_have_value("")
    for what in ("greeting", "suggestions", "answer", "handover"):
        expect(page.locator(f"#{what}-feedback-status")).not_to_contain_text("Recorded")
    expect(page.locator("#handover-status")).not_to_contain_text("Sent to")
    page.locator("#handover-used").click()  # Maria's handover is not Miles's to rate
    expect(page.locator("#handover-feedback-status")).to_contain_text("Nothing to rate yet")
    page.context.close()


def test_copy_buttons_copy_the_text_and_count_as_used(desk_app, browser):
    from playwright.sync_api import expect

    url, svc = desk_app
    page = desk(browser, url)
    open_customer(page, "maria.lopez@example", "Maria Lopez · cust-maria-lopez")
    greeting = page.locator("#greeting")
    expect(greeting.locator(".rp-copy svg")).to_have_count(1)  # an inline icon, no emoji or icon font
    greeting.locator(".rp-copy").click()
    expect(page.locator("#greeting-feedback-status")).to_contain_text("used as is")
    drafted = svc.assistant.greeting("cust-maria-lopez")
    assert plain(clipboard(page)) == " ".join(" ".join(s.text for s in drafted.sentences).split())
    row = svc.reviews.feedback_rows(limit=1)[0]
    assert (row["draft_type"], row["usage"], row["user"]) == ("greeting", "used", "ann")

    text = greeting.locator(".rp-copy-text")  # the agent words it their own way before copying
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(" Thanks for waiting.")
    greeting.locator(".rp-copy").click()
    expect(page.locator("#greeting-feedback-status")).to_contain_text("used with edits")
    assert clipboard(page).endswith("Thanks for waiting.")
    row = svc.reviews.feedback_rows(limit=1)[0]
    assert row["usage"] == "edited" and row["text"].endswith("Thanks for waiting.")

    first = page.locator("#suggestions .rp-sugg").first
    expect(page.locator("#suggestions .rp-copy")).to_have_count(page.locator("#suggestions .rp-sugg").count())
    first.locator(".rp-copy").click()
    expect(page.locator("#suggestions-feedback-status")).to_contain_text("used as is")
    assert plain(clipboard(page)) == svc.assistant.suggestions("cust-maria-lopez")[0].text
    row = svc.reviews.feedback_rows(limit=1)[0]
    assert (row["draft_type"], row["usage"]) == ("suggestions", "used")

    page.locator("#question textarea").fill("What was the last contact about?")
    page.click("#ask")
    expect(page.locator("#chat")).to_contain_text("Sources (", timeout=60_000)
    for button in page.locator("#chat").get_by_role("button", name="Copy message").all():
        button.click(force=True)  # any copy button the chat shows (on hover) copies plain text
        plain(clipboard(page))
    answer = page.locator("#answer-copy")
    expect(answer.locator(".rp-copy")).to_have_count(1)
    answer.locator(".rp-copy").click()
    expect(page.locator("#answer-feedback-status")).to_contain_text("used as is")
    asked = svc.assistant.ask("cust-maria-lopez", "What was the last contact about?")
    assert plain(clipboard(page)) == " ".join(" ".join(s.text for s in asked.sentences).split())
    row = svc.reviews.feedback_rows(limit=1)[0]
    assert (row["draft_type"], row["usage"]) == ("answer", "used")
    page.context.close()


def test_an_overdue_promise_shows_at_the_top_of_the_desk(desk_app, browser):
    from playwright.sync_api import expect

    url, svc = desk_app
    page = desk(browser, url)
    open_customer(page, "Miles", "Miles Okafor · cust-miles-okafor")
    overdue = [f for f in svc.assistant.facts("cust-miles-okafor") if f.kind == "promise" and f.status == "overdue"]
    assert overdue, "the demo data has an overdue promise for Miles"
    banner = page.locator("#overdue")
    expect(banner).to_contain_text("Overdue")
    for fact in overdue:
        expect(banner).to_contain_text(fact.subject)
    assert banner.bounding_box()["y"] < page.locator("#profile").bounding_box()["y"]  # above everything else
    assert banner.bounding_box()["y"] < page.locator("#greeting").bounding_box()["y"]
    open_customer(page, "maria.lopez@example", "Maria Lopez · cust-maria-lopez")
    expect(banner).not_to_contain_text("Overdue")
    page.context.close()


def test_errors_and_notices_show_next_to_what_they_are_about_with_no_toasts(desk_app, browser):
    from playwright.sync_api import expect

    from assistant.models import utcnow

    url, svc = desk_app
    page = desk(browser, url)
    page.get_by_text("Replay as of a past time").click()
    page.locator("#as-of input, #as-of textarea").first.fill("yesterday")
    page.locator(SEARCH).first.fill("maria.lopez@example")
    page.get_by_text("Maria Lopez · cust-maria-lopez").click()
    expect(page.locator("#as-of")).to_contain_text("not an ISO-8601 time")
    no_error_badges(page)
    expect(page.locator("#profile")).to_contain_text("Find a customer to start")  # the rest left as it was
    expect(page.locator(".toast-body")).to_have_count(0)
    page.locator("#as-of input, #as-of textarea").first.fill("")
    page.locator("#as-of input, #as-of textarea").first.press("Enter")
    expect(page.locator("#profile")).to_contain_text("Maria Lopez")
    expect(page.locator("#as-of")).not_to_contain_text("not an ISO-8601 time")

    page.click("#hand-over")  # nobody picked to take it over
    expect(page.locator("#handover-target")).to_contain_text("Pick the team or agent taking over")
    no_error_badges(page)
    expect(page.locator(".toast-body")).to_have_count(0)

    page.context.close()

    page = desk(browser, url, "cat")  # ann hands a customer to cat: a message beside the inbox, no pop-up
    expect(page.locator("#inbox")).to_be_visible()
    ann = svc.users.get("ann")
    svc.assistant.send_handover("cust-priya-shah", to_agent="cat", sender=ann, now=utcnow())
    notice = page.locator("#inbox-notice [role=status][aria-live=polite]")
    expect(notice).to_contain_text("New handover", timeout=15_000)
    expect(notice).to_contain_text("cust-priya-shah")
    expect(page.locator(".toast-body")).to_have_count(0)
    page.click("#take-handover")
    expect(page.locator("#inbox-status")).to_contain_text("Taken: Priya Shah")
    page.context.close()

    now = utcnow()
    review = svc.reviews.submit(svc.assistant.handover("cust-owen-price", now=now), user=ann, now=now,
                                customer=svc.assistant.customer("cust-owen-price"),
                                interactions=svc.assistant.interactions("cust-owen-price"), target="card team")
    page = desk(browser, url, "sam")
    page.get_by_role("tab", name="Review queue").click()
    page.locator("#review-queue").get_by_text("Owen Price").filter(visible=True).first.click()
    expect(page.locator("#review-reject")).to_be_visible()
    page.click("#review-reject")  # no comment
    expect(page.locator("#review-comment")).to_contain_text("comment")
    no_error_badges(page)
    expect(page.locator(".toast-body")).to_have_count(0)
    assert svc.reviews.get(review.review_id).status == "pending"
    page.context.close()


def test_keyboard_slash_enter_escape_and_a_visible_focus_ring(desk_app, browser):
    from playwright.sync_api import expect

    url, _ = desk_app
    page = desk(browser, url)
    page.locator("#profile").click()  # focus on the page, not in a field
    page.keyboard.press("/")
    assert page.evaluate("!!document.activeElement.closest('#customer-search')")
    page.keyboard.type("Maria")
    page.get_by_text("Maria Lopez · cust-maria-lopez").click()
    expect(page.locator("#greeting .rp-draft-text")).to_contain_text("Maria")
    assert page.locator(SEARCH).first.input_value() == "Maria"  # the '/' itself was not typed

    page.locator("#question textarea").fill("Is anything still open?")
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#chat")).to_contain_text("Is anything still open?", timeout=60_000)

    greeting = page.locator("#greeting")
    greeting.locator(".rp-cite").first.click()
    expect(greeting.locator("details.rp-src[open]")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(greeting.locator("details.rp-src[open]")).to_have_count(0)

    page.locator("#question textarea").focus()
    page.keyboard.press("Tab")  # from the question box to Ask, by keyboard
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {id: e.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
    assert focused["id"] == "ask"
    assert focused["style"] not in ("none", "") and focused["width"] >= 2, focused
    page.context.close()
