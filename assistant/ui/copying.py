"""Copy to reply: the copy buttons of the greeting, the suggestions and the latest answer (browser side), and
recording a copy as the draft used as is, or used with edits when the agent reworded it first. The clipboard gets
plain text: the sentences, without citation numbers, sources or markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.api.deps import Services
from assistant.models import Draft
from assistant.ui.login import guarded, session_user

# A copy button ([data-copy]) copies the editable text (.rp-copy-text) of its [data-copy-holder], without the
# citation chips, and sends the text to the server as a 'copy' event, which records it as used (or used with
# edits). navigator.clipboard needs a secure context (https or localhost); elsewhere the older execCommand route.
COPY_JS = """
element.addEventListener('click', async (e) => {
  const button = e.target.closest('[data-copy]');
  if (!button) return;
  const holder = button.closest('[data-copy-holder]');
  const source = holder && holder.querySelector('.rp-copy-text');
  if (!source) return;
  const clone = source.cloneNode(true);
  clone.querySelectorAll('.rp-cite').forEach((chip) => chip.remove());
  const text = clone.textContent.replace(/\\s+/g, ' ').trim();
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.classList.add('rp-copied');
  setTimeout(() => button.classList.remove('rp-copied'), 1500);
  trigger('copy', {value: text, index: Number(button.dataset.copy)});
});
"""


def offered_text(draft: Draft, index: int) -> str | None:
    """The text the desk showed under copy button `index`: a suggestion (one line of the suggestions draft each), or
    the draft's sentences; None when there is no such text."""
    if draft.kind == "suggestions":
        lines = draft.text.split("\n")
        return lines[index] if 0 <= index < len(lines) else None
    return " ".join(s.text for s in draft.sentences) if draft.sentences else draft.text


def same_words(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def copy_recorder(svc: Services) -> Callable[..., str]:
    """The handler of a draft's 'copy' event: feedback 'used', or 'edited' with the text as copied."""

    @guarded
    def copied(draft: dict | None, event: gr.CopyData, request: gr.Request) -> str:
        user = session_user(svc, request, "feedback")
        if not draft:
            return "Nothing to copy yet."
        data: dict[str, Any] = getattr(event, "_data", None) or {}
        text, index = str(event.value or ""), int(data.get("index") or 0)
        shown = Draft.model_validate(draft)
        offered = offered_text(shown, index)
        edited = offered is None or not same_words(text, offered)
        what = f"suggestion {index + 1}" if shown.kind == "suggestions" else shown.kind
        svc.reviews.feedback(shown, user=user, usage="edited" if edited else "used", text=text if edited else None,
                             comment=f"copied {what}")
        return f"Copied {what} · recorded {'used with edits' if edited else 'used as is'}"

    return copied

