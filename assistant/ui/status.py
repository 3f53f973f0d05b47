"""In-page status messages: one beside the control it is about, read out by a screen reader when it changes.

Not Gradio's toasts (gr.Info/gr.Warning/gr.Error): those cover the suggestions, and nest their close button in a
role=button header, which axe-core calls nested-interactive (serious)."""

from __future__ import annotations

import gradio as gr

LIVE_JS = "element.setAttribute('role', 'status'); element.setAttribute('aria-live', 'polite');"  # the text's box


def live_status(elem_id: str) -> gr.HTML:
    """An empty status message (role=status, aria-live=polite); its values are HTML made with render.esc."""
    return gr.HTML("", elem_id=elem_id, elem_classes="rp-status", js_on_load=LIVE_JS)
