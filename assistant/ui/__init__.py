"""The Gradio UI: the agent desk, the supervisor review queue and the developers' prompt lab, behind a login.

Tabs a role may not use are hidden, and every handler checks the role again on the server (per request).
"""

from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.api.deps import Services
from assistant.auth import allowed
from assistant.ui.desk import build_desk
from assistant.ui.lab import build_lab
from assistant.ui.login import LoginClientAddress, auth_check, auth_message, header_html
from assistant.ui.review import build_review
from assistant.ui.theme import CSS, theme

CONCURRENT_CALLS = 16  # per event, across sessions; the Assistant is thread-safe for reads


def build_ui(svc: Services) -> gr.Blocks:
    with gr.Blocks(title="Rapport — agent desk", analytics_enabled=False, fill_width=True) as demo:
        header = gr.HTML(header_html(None, svc.notices), elem_id="rp-header")
        with gr.Tabs(elem_id="rp-tabs"):
            with gr.Tab("Agent desk", id="desk", elem_id="tab-desk"):
                build_desk(svc, demo)
            with gr.Tab("Review queue", id="review", visible=False, elem_id="tab-review") as review_tab:
                decide_buttons = build_review(svc, review_tab)
            with gr.Tab("Prompt lab", id="lab", visible=False, elem_id="tab-lab") as lab_tab:
                build_lab(svc)

        def for_role(request: gr.Request) -> Any:
            user = svc.users.get(getattr(request, "username", None))
            role = user.role if user else None
            decide = [gr.Button(visible=allowed(role, "review.decide")) for _ in decide_buttons]
            return (header_html(user, svc.notices), gr.Tab(visible=allowed(role, "review.read")),
                    gr.Tab(visible=allowed(role, "lab")), *decide)

        demo.load(for_role, None, [header, review_tab, lab_tab, *decide_buttons], api_visibility="private")
    # Gradio runs one call per event at a time by default: a whole floor of agents must not queue behind one.
    demo.queue(default_concurrency_limit=CONCURRENT_CALLS, api_open=False)
    return demo


def mount_ui(app: FastAPI, svc: Services) -> FastAPI:
    """Mount the UI at / on the API's FastAPI app (the REST routes, /docs and /api, are registered first)."""
    app.add_middleware(LoginClientAddress)
    return gr.mount_gradio_app(
        app, build_ui(svc), path="/", auth=auth_check(svc.users),
        auth_message=auth_message(svc.settings.demo_mode), theme=theme(), css=CSS,
        footer_links=[], show_error=True, ssr_mode=False, mcp_server=False, run_history=False,
    )
