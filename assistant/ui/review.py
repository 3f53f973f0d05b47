"""Supervisor review: the queue of handover summaries, side by side with their sources; approve, edit or reject
with a comment; the audit trail; acceptance and edit rates; golden cases for evaluation."""

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.deps import Services
from assistant.review import STATUSES, Review
from assistant.ui import render
from assistant.ui.login import guarded, session_user
from assistant.ui.theme import SOURCES_JS

QUEUE_COLUMNS = ["#", "Status", "Customer", "To", "Queued by", "Queued (UTC)", "Prompt"]
METRIC_COLUMNS = ["draft_type", "prompt_version", "queued", "approved", "edited", "rejected", "acceptance",
                  "edit_rate", "up", "down", "thumbs_up_rate", "used", "agent_edited", "agent_edit_rate"]
METRIC_HEADERS = ["Draft type", "Prompt version", "Queued", "Approved", "Approved with edits", "Rejected",
                  "Acceptance", "Supervisor edit rate", "👍", "👎", "👍 rate", "Used as is", "Used with edits",
                  "Agent edit rate"]
STATUS_ICON = {"pending": "● pending", "approved": "✓ approved", "edited": "✎ edited", "rejected": "✕ rejected"}


def queue_rows(reviews: list[Review]) -> list[list[Any]]:
    return [[r.review_id, STATUS_ICON[r.status], r.customer_id, r.target or "", r.created_by,
             f"{r.created_at:%Y-%m-%d %H:%M}", r.prompt_version] for r in reviews]


def counts_html(counts: dict[str, int]) -> str:
    return '<div class="rp-counts">' + "".join(
        f"<span>{render.esc(STATUS_ICON[s])}: <b>{counts.get(s, 0)}</b></span>" for s in STATUSES) + "</div>"


def metric_rows(metrics: list[dict[str, Any]]) -> list[list[Any]]:
    def cell(v: Any) -> Any:
        return "—" if v is None else (f"{v:.0%}" if isinstance(v, float) else v)

    return [[cell(m.get(c)) for c in METRIC_COLUMNS] for m in metrics]


def build_review(svc: Services, tab: gr.Tab) -> list[gr.Button]:
    selected = gr.State(None)
    with gr.Row():
        status = gr.Radio(["pending", *[s for s in STATUSES if s != "pending"], "all"], value="pending",
                          label="Show", elem_id="review-filter", scale=3)
        refresh = gr.Button("↻ Refresh", scale=0, min_width=100, elem_id="review-refresh")
        counts = gr.HTML(elem_id="review-counts")
    queue = gr.Dataframe(headers=QUEUE_COLUMNS, value=[], interactive=False, elem_id="review-queue",
                         label="Handover summaries (click a row)", max_height=260, wrap=True)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5):
            heading = gr.Markdown("Select a summary from the queue.", elem_id="review-heading")
            text = gr.Textbox(label="Summary — edit before approving if needed", lines=9, max_lines=20,
                              elem_id="review-text", interactive=True)
            comment = gr.Textbox(label="Comment (required to reject)", lines=2, elem_id="review-comment")
            with gr.Row():
                approve = gr.Button("Approve", variant="primary", elem_id="review-approve")
                reject = gr.Button("Reject", variant="stop", elem_id="review-reject")
            outcome = gr.Markdown(elem_id="review-outcome")
            gr.Markdown("##### Audit trail")
            audit = gr.HTML(render.empty("No summary selected."), elem_id="review-audit")
        with gr.Column(scale=6):
            sources = gr.HTML(render.empty("The summary's sources appear here."), elem_id="review-sources",
                              js_on_load=SOURCES_JS)
    with gr.Accordion("Acceptance and edit rates, golden cases", open=False, elem_id="review-metrics-panel"):
        metrics = gr.Dataframe(headers=METRIC_HEADERS, value=[], interactive=False, elem_id="review-metrics",
                               wrap=True)
        with gr.Row():
            export = gr.Button("Export approved summaries as golden cases (JSONL)", elem_id="golden-export", scale=0,
                               min_width=380)
            golden = gr.File(label="Golden cases", elem_id="golden-file", interactive=False, visible=False)
    timer = gr.Timer(20)  # new handovers arrive while the supervisor has the queue open

    @guarded
    def load_queue(show: str, request: gr.Request) -> Any:
        session_user(svc, request, "review.read")
        reviews = svc.reviews.reviews(None if show == "all" else show)
        return queue_rows(reviews), counts_html(svc.reviews.counts()), metric_rows(svc.reviews.metrics())

    @guarded
    def pick(table: Any, event: gr.SelectData, request: gr.Request) -> Any:
        session_user(svc, request, "review.read")
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        values = table.values.tolist() if hasattr(table, "values") else table
        if not values or row is None or row >= len(values):
            return gr.skip()
        return show_review(int(values[row][0]))

    def show_review(review_id: int) -> Any:
        review = svc.reviews.get(review_id)
        by_id = {i.interaction_id: i for i in svc.assistant.interactions(review.customer_id)}
        to = f" → **{review.target}**" if review.target else ""
        decided = (f" · {review.status} by {review.decided_by} at {review.decided_at:%Y-%m-%d %H:%M}"
                   if review.decided_at else "")
        head = (f"### #{review.review_id} · {review.customer_id}{to}\n{STATUS_ICON[review.status]} · queued by "
                f"{review.created_by} at {review.created_at:%Y-%m-%d %H:%M} UTC · {review.drafter} "
                f"{review.prompt_version}{decided}")
        editable = review.status == "pending"
        return (review.review_id, head, gr.Textbox(value=review.text, interactive=editable),
                gr.Textbox(value=review.comment if not editable else ""),
                render.sources_panel(review.draft, by_id, review.interaction_id),
                render.audit_table(svc.reviews.audit(review.review_id)), "")

    @guarded
    def decide(action: str, review_id: int | None, new_text: str, note: str, show: str, request: gr.Request) -> Any:
        user = session_user(svc, request, "review.decide")
        if review_id is None:
            raise gr.Error("Select a summary first.")
        if action == "approve":
            review = svc.reviews.approve(review_id, user, text=new_text, comment=note)
        else:
            review = svc.reviews.reject(review_id, user, comment=note)
        table, count, metric = load_queue(show, request)
        shown = show_review(review.review_id)
        done = f"**#{review.review_id} {STATUS_ICON[review.status]}** by {user.name}."
        return (*shown[:-1], done, table, count, metric)

    @guarded
    def export_golden(request: gr.Request) -> Any:
        session_user(svc, request, "golden.export")
        path = Path(tempfile.mkdtemp(prefix="rapport-golden-")) / "golden_handover.jsonl"
        n = svc.reviews.export_golden(path)
        gr.Info(f"{n} golden case(s) exported.")
        return gr.File(value=str(path), visible=True)

    private: dict[str, Any] = {"api_visibility": "private"}
    detail = [selected, heading, text, comment, sources, audit, outcome]
    for trigger in (status.change, refresh.click):
        trigger(load_queue, [status], [queue, counts, metrics], **private)
    queue.select(pick, [queue], detail, **private)
    def approve_review(review_id: int | None, new_text: str, note: str, show: str, request: gr.Request) -> Any:
        return decide("approve", review_id, new_text, note, show, request)

    def reject_review(review_id: int | None, new_text: str, note: str, show: str, request: gr.Request) -> Any:
        return decide("reject", review_id, new_text, note, show, request)

    for button, fn in ((approve, approve_review), (reject, reject_review)):
        button.click(fn, [selected, text, comment, status], [*detail, queue, counts, metrics], **private)
    export.click(export_golden, None, [golden], **private)
    tab.select(load_queue, [status], [queue, counts, metrics], **private)

    def auto_refresh(show: str, request: gr.Request) -> Any:
        user = svc.users.get(getattr(request, "username", None))
        if user is None or not user.can("review.read"):
            return gr.skip(), gr.skip(), gr.skip()  # the timer ticks for every session; only reviewers refresh
        return load_queue(show, request)

    timer.tick(auto_refresh, [status], [queue, counts, metrics], show_progress="hidden", **private)
    return [approve, reject]  # shown only to roles that may decide
