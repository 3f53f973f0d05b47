"""Supervisor review: the queue of handover summaries, side by side with their sources; claim, approve (one or
several), edit or reject with a comment; the audit trail; acceptance and edit rates, filtered and as CSV; golden
cases for evaluation."""

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import gradio as gr

from assistant.api.deps import Services
from assistant.auth import User
from assistant.errors import InputError
from assistant.review import STATUSES, Review
from assistant.review_metrics import METRIC_COLUMNS, MetricsFilter, metrics_csv, metrics_filter
from assistant.settings import DRAFT_TYPES
from assistant.ui import icons, render
from assistant.ui.login import guarded, session_user
from assistant.ui.status import live_status
from assistant.ui.theme import SOURCES_JS

QUEUE_COLUMNS = ["#", "Status", "Customer", "To", "Queued by", "Queued", "Claimed by", "Prompt"]
QUEUE_TYPES = ["number", "str", "str", "str", "str", "html", "str", "str"]
METRIC_HEADERS = ["Draft type", "Prompt version", "Queued", "Approved", "Approved with edits", "Rejected",
                  "Acceptance", "Supervisor edit rate", "Thumbs up", "Thumbs down", "Thumbs-up rate", "Used as is",
                  "Used with edits", "Agent edit rate"]
STATUS_GLYPH = {"pending": "dot", "approved": "check", "edited": "pencil", "rejected": "cross"}  # assistant/ui/icons
ANY = "(any)"
BROWSER_ZONE_JS = "(...args) => [...args.slice(0, -1), Intl.DateTimeFormat().resolvedOptions().timeZone]"


def viewer_zone(configured: str | None, browser: str | None) -> ZoneInfo:
    """The zone times are shown in: the configured one, else the viewer's browser's, else UTC."""
    for name in (configured, browser):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue  # a browser may report a zone this machine's tz database lacks
    return ZoneInfo("UTC")


def local_time(at: datetime, zone: ZoneInfo) -> str:
    """A time in the viewer's zone, with the UTC time on hover (HTML)."""
    utc = at.astimezone(UTC)
    here = utc.astimezone(zone)
    return (f'<time datetime="{utc.isoformat()}" title="{utc:%Y-%m-%d %H:%M} UTC">'
            f"{here:%Y-%m-%d %H:%M} {render.esc(here.tzname() or '')}</time>")


def status_html(status: str) -> str:
    """A review's status as its icon (inline SVG, no font needed) and its word."""
    return f'<span class="rp-status-{status}">{icons.inline(STATUS_GLYPH[status])} {render.esc(status)}</span>'


def queue_rows(reviews: list[Review], names: dict[str, str], zone: ZoneInfo) -> list[list[Any]]:
    """One row per review: the customer by name (their id where the store has no name)."""
    return [[r.review_id, r.status, names.get(r.customer_id) or r.customer_id, r.target or "",
             r.created_by, local_time(r.created_at, zone), r.claimed_by or "", r.prompt_version] for r in reviews]


def drafted_with(review: Review) -> str:
    """'llm v3', or just 'grounded' where the drafter is its own version (no 'grounded grounded')."""
    return review.drafter if review.prompt_version == review.drafter else f"{review.drafter} {review.prompt_version}"


def heading_html(review: Review, customer_name: str, zone: ZoneInfo) -> str:
    """The selected review's header; every name in it is escaped text."""
    who = render.esc(customer_name or review.customer_id)
    to = f" → <b>{render.esc(review.target)}</b>" if review.target else ""
    parts = [status_html(review.status),
             f"queued by {render.esc(review.created_by)} at {local_time(review.created_at, zone)}",
             render.esc(drafted_with(review))]
    if review.decided_at:
        parts.append(f"{render.esc(review.status)} by {render.esc(review.decided_by or '?')} at "
                     f"{local_time(review.decided_at, zone)}")
    elif review.claimed_by:
        parts.append(f'<span class="rp-claimed">claimed by {render.esc(review.claimed_by)}</span>')
    return (f'<h3>#{review.review_id} · {who} <span class="rp-sub">({render.esc(review.customer_id)})</span>{to}'
            f'</h3><div>{" · ".join(parts)}</div>')


def decision_buttons(review: Review | None, user: User | None) -> dict[str, bool]:
    """Which of the decision controls the viewer sees: none once a review is decided or for read-only roles."""
    may = user is not None and user.can("review.decide") and review is not None and review.status == "pending"
    mine = may and review is not None and review.claimed_by == (user.name if user else None)
    theirs = may and review is not None and review.claimed_by not in (None, user.name if user else None)
    return {"approve": may and not theirs, "reject": may and not theirs, "claim": may and not mine and not theirs,
            "release": mine}


def counts_html(counts: dict[str, int]) -> str:
    return '<div class="rp-counts">' + "".join(
        f"<span>{status_html(s)}: <b>{counts.get(s, 0)}</b></span>" for s in STATUSES) + "</div>"


def metric_rows(metrics: list[dict[str, Any]]) -> list[list[Any]]:
    def cell(v: Any) -> Any:
        return "—" if v is None else (f"{v:.0%}" if isinstance(v, float) else v)

    return [[cell(m.get(c)) for c in METRIC_COLUMNS] for m in metrics]


def parse_day(text: str | None, field: str) -> date | None:
    """'2026-12-03' -> that date; empty -> None; anything else an InputError naming the field."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'{text.strip()}' is not a date (YYYY-MM-DD)", field=field) from None


def screen_filter(svc: Services, agent: str | None, team: str | None, draft_type: str | None, since: str | None,
                  until: str | None) -> MetricsFilter:
    """The metrics filter from the screen's fields; dates are whole UTC days, both ends included."""
    members = None
    if team and team != ANY:
        found = svc.assistant.case_memory.router.team(team)
        members = list(found.agents) if found else []
    first, last = parse_day(since, "from"), parse_day(until, "to")
    if first and last and last < first:
        raise InputError("'to' is before 'from'", field="to")
    return metrics_filter(
        agent=None if agent in (None, "", ANY) else agent, team_agents=members,
        draft_type=None if draft_type in (None, "", ANY) else draft_type,
        since=datetime(first.year, first.month, first.day, tzinfo=UTC) if first else None,
        until=datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1) if last else None)


def check_reject(review_id: int | None, text: str | None, comment: str | None, show: str | None,
                 browser: str | None) -> list[dict[str, Any]]:
    """Validator of Reject: without a comment it says so beside the comment box, and the pane stays as it is."""
    ok = gr.validate(True, "")
    return [ok, ok, gr.validate(bool((comment or "").strip()), "Say why: a comment is required to reject."), ok, ok]


def build_review(svc: Services, tab: gr.Tab) -> list[gr.Button]:
    selected = gr.State(None)
    browser_zone = gr.Textbox(visible=False, elem_id="review-tz")
    with gr.Row():
        status = gr.Radio(["pending", *[s for s in STATUSES if s != "pending"], "all"], value="pending",
                          label="Show", elem_id="review-filter", scale=3)
        refresh = gr.Button("Refresh", icon=icons.file("refresh"), scale=0, min_width=100, elem_id="review-refresh")
        counts = gr.HTML(elem_id="review-counts")
    queue = gr.Dataframe(headers=QUEUE_COLUMNS, datatype=QUEUE_TYPES, value=[], interactive=False,
                         elem_id="review-queue", label="Handover summaries (click a row)", max_height=260, wrap=True)
    with gr.Row(visible=False, elem_id="review-bulk-row") as bulk_row:
        bulk = gr.CheckboxGroup([], label="Approve several as drafted", elem_id="review-bulk", scale=5)
        approve_many = gr.Button("Approve selected", elem_id="review-approve-many", scale=0, min_width=180)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5):
            heading = gr.HTML("Select a summary from the queue.", elem_id="review-heading")
            text = gr.Textbox(label="Summary — edit before approving if needed", lines=9, max_lines=20,
                              elem_id="review-text", interactive=True)
            comment = gr.Textbox(label="Comment (required to reject)", lines=2, elem_id="review-comment")
            with gr.Row():
                claim = gr.Button("Claim", elem_id="review-claim", visible=False)
                release = gr.Button("Release claim", elem_id="review-release", visible=False)
                approve = gr.Button("Approve", variant="primary", elem_id="review-approve", visible=False)
                reject = gr.Button("Reject", variant="stop", elem_id="review-reject", visible=False)
            outcome = gr.Markdown(elem_id="review-outcome")
            gr.Markdown("##### Audit trail")
            audit = gr.HTML(render.empty("No summary selected."), elem_id="review-audit")
        with gr.Column(scale=6):
            sources = gr.HTML(render.empty("The summary's sources appear here."), elem_id="review-sources",
                              js_on_load=SOURCES_JS)
    with gr.Accordion("Acceptance and edit rates, golden cases", open=False, elem_id="review-metrics-panel"):
        with gr.Row():
            agent = gr.Dropdown([ANY], value=ANY, label="Agent", elem_id="metrics-agent")
            team = gr.Dropdown([ANY], value=ANY, label="Team", elem_id="metrics-team")
            draft_type = gr.Dropdown([ANY, *DRAFT_TYPES], value=ANY, label="Draft type", elem_id="metrics-type")
            since = gr.Textbox(label="From (UTC date)", placeholder="YYYY-MM-DD", elem_id="metrics-from",
                               max_lines=1)
            until = gr.Textbox(label="To (UTC date, included)", placeholder="YYYY-MM-DD", elem_id="metrics-to",
                               max_lines=1)
        metrics = gr.Dataframe(headers=METRIC_HEADERS, value=[], interactive=False, elem_id="review-metrics",
                               wrap=True)
        with gr.Row():
            export_csv = gr.Button("Export these metrics (CSV)", elem_id="metrics-export", scale=0, min_width=260)
            export = gr.Button("Export approved summaries as golden cases (JSONL)", elem_id="golden-export", scale=0,
                               min_width=380)
        metrics_file = gr.File(label="Metrics (CSV)", elem_id="metrics-file", interactive=False, visible=False)
        golden_status = live_status("golden-status")
        golden = gr.File(label="Golden cases", elem_id="golden-file", interactive=False, visible=False)
    timer = gr.Timer(20)  # new handovers arrive while the supervisor has the queue open
    filters = [agent, team, draft_type, since, until]

    def names_of(reviews: list[Review]) -> dict[str, str]:
        names = {}
        for customer_id in {r.customer_id for r in reviews}:
            try:
                names[customer_id] = svc.assistant.customer(customer_id).name or customer_id
            except Exception:  # noqa: BLE001 - a customer since removed still has its reviews: show the id
                names[customer_id] = customer_id
        return names

    def zone(browser: str | None) -> ZoneInfo:
        return viewer_zone(svc.settings.display_timezone, browser)

    @guarded
    def load_queue(show: str, browser: str | None, request: gr.Request) -> Any:
        user = session_user(svc, request, "review.read")
        reviews = svc.reviews.reviews(None if show == "all" else show)
        pending = [r for r in reviews if r.status == "pending"] if show in ("pending", "all") else []
        names = names_of(reviews)
        choices = [(f"#{r.review_id} · {names[r.customer_id]}", r.review_id) for r in pending]
        may = user.can("review.decide")
        return (queue_rows(reviews, names, zone(browser)), counts_html(svc.reviews.counts()),
                gr.CheckboxGroup(choices=choices, value=[]), gr.Row(visible=may and bool(choices)))

    @guarded
    def load_metrics(who: str | None, team_name: str | None, kind: str | None, first: str | None,
                     last: str | None, request: gr.Request) -> Any:
        session_user(svc, request, "review.read")
        agents = sorted({u.name for u in svc.users.all() if u.role == "agent"}
                        | {r.created_by for r in svc.reviews.reviews(None, limit=1000)})
        teams = [t.name for t in svc.assistant.case_memory.router.teams]
        rows = svc.reviews.metrics(screen_filter(svc, who, team_name, kind, first, last))
        return (metric_rows(rows), gr.Dropdown(choices=[ANY, *agents]), gr.Dropdown(choices=[ANY, *teams]))

    @guarded
    def pick(table: Any, browser: str | None, event: gr.SelectData, request: gr.Request) -> Any:
        session_user(svc, request, "review.read")
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        values = table.values.tolist() if hasattr(table, "values") else table
        if not values or row is None or row >= len(values):
            return gr.skip()
        return show_review(int(values[row][0]), browser, request)

    def show_review(review_id: int, browser: str | None, request: gr.Request) -> Any:
        review = svc.reviews.get(review_id)
        user = svc.users.get(getattr(request, "username", None))
        by_id = {i.interaction_id: i for i in svc.assistant.interactions(review.customer_id)}
        head = heading_html(review, names_of([review])[review.customer_id], zone(browser))
        editable = review.status == "pending"
        shown = decision_buttons(review, user)
        return (review.review_id, head, gr.Textbox(value=review.text, interactive=editable),
                gr.Textbox(value=review.comment if not editable else "", interactive=editable),
                render.sources_panel(review.draft, by_id, review.interaction_id),
                render.audit_table(svc.reviews.audit(review.review_id)), "",
                *(gr.Button(visible=shown[k]) for k in ("claim", "release", "approve", "reject")))

    @guarded
    def decide(action: str, review_id: int | None, new_text: str, note: str, show: str, browser: str | None,
               request: gr.Request) -> Any:
        user = session_user(svc, request, "review.decide")
        if review_id is None:  # said where the outcome of a decision goes, nothing else changes
            return (*[gr.skip()] * 6, "Select a summary first.", *[gr.skip()] * 8)
        if action == "approve":
            review = svc.reviews.approve(review_id, user, text=new_text, comment=note)
        elif action == "reject":
            review = svc.reviews.reject(review_id, user, comment=note)
        elif action == "claim":
            review = svc.reviews.claim(review_id, user)
        else:
            review = svc.reviews.release(review_id, user)
        shown = show_review(review.review_id, browser, request)
        who = render.md_text(user.name)
        done = {"claim": f"**#{review.review_id}** is yours: others see it as claimed by {who}.",
                "release": f"**#{review.review_id}** is back in the queue."}.get(
            action, f"**#{review.review_id} {review.status}** by {who}.")
        return (*shown[:6], done, *shown[7:], *load_queue(show, browser, request))

    @guarded
    def approve_selected(ids: list[int] | None, show: str, browser: str | None, request: gr.Request) -> Any:
        user = session_user(svc, request, "review.decide")
        if not ids:
            return ("Tick the summaries to approve first.", *[gr.skip()] * 4)
        result = svc.reviews.approve_many([int(i) for i in ids], user)
        done = f"Approved {len(result.approved)} of {len(ids)}."
        if result.refused:
            done += " Not approved: " + "; ".join(render.md_text(why) for why in result.refused.values()) + "."
        return (done, *load_queue(show, browser, request))

    @guarded
    def export_metrics(who: str | None, team_name: str | None, kind: str | None, first: str | None,
                       last: str | None, request: gr.Request) -> Any:
        session_user(svc, request, "review.read")
        rows = svc.reviews.metrics(screen_filter(svc, who, team_name, kind, first, last))
        path = Path(tempfile.mkdtemp(prefix="rapport-metrics-")) / "review-metrics.csv"
        path.write_text(metrics_csv(rows), encoding="utf-8")
        return gr.File(value=str(path), visible=True)

    @guarded
    def export_golden(request: gr.Request) -> Any:
        session_user(svc, request, "golden.export")
        path = Path(tempfile.mkdtemp(prefix="rapport-golden-")) / "golden_handover.jsonl"
        n = svc.reviews.export_golden(path)
        return gr.File(value=str(path), visible=True), f"{n} golden case(s) exported."

    private: dict[str, Any] = {"api_visibility": "private"}
    buttons = [claim, release, approve, reject]
    detail = [selected, heading, text, comment, sources, audit, outcome, *buttons]
    listing = [queue, counts, bulk, bulk_row]
    metric_outputs = [metrics, agent, team]
    for trigger in (status.change, refresh.click, tab.select):
        trigger(load_queue, [status, browser_zone], listing, js=BROWSER_ZONE_JS, **private)
    for trigger in (refresh.click, tab.select, *(f.change for f in filters[:3]), since.submit, until.submit):
        trigger(load_metrics, filters, metric_outputs, **private)
    queue.select(pick, [queue, browser_zone], detail, js=BROWSER_ZONE_JS, **private)

    def on(action: str) -> Any:
        def handler(review_id: int | None, new_text: str, note: str, show: str, browser: str | None,
                    request: gr.Request) -> Any:
            return decide(action, review_id, new_text, note, show, browser, request)

        return handler

    for button, action in zip(buttons, ("claim", "release", "approve", "reject"), strict=True):
        button.click(on(action), [selected, text, comment, status, browser_zone], [*detail, *listing],
                     js=BROWSER_ZONE_JS, validator=check_reject if action == "reject" else None, **private
                     ).then(load_metrics, filters, metric_outputs, **private)
    approve_many.click(approve_selected, [bulk, status, browser_zone], [outcome, *listing], js=BROWSER_ZONE_JS,
                       **private).then(load_metrics, filters, metric_outputs, **private)
    export_csv.click(export_metrics, filters, [metrics_file], **private)
    export.click(export_golden, None, [golden, golden_status], **private)

    def auto_refresh(show: str, browser: str | None, request: gr.Request) -> Any:
        user = svc.users.get(getattr(request, "username", None))
        if user is None or not user.can("review.read"):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()  # the timer ticks for every session
        rows, count, *_ = load_queue(show, browser, request)
        return rows, count, gr.skip(), gr.skip()  # keep what the supervisor has ticked

    timer.tick(auto_refresh, [status, browser_zone], listing, js=BROWSER_ZONE_JS, show_progress="hidden", **private)
    return []  # the decision buttons show per review (pending, and the viewer may decide), not per role
